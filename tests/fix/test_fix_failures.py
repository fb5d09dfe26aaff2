"""Failure paths of `fix`: nothing is ever half-written."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.errors import DriftbotError
from driftbot.fix import fix_repo
from driftbot.fix.engine import apply_plan
from driftbot.fix.plan import make_plan
from driftbot.fix.writer import Change, Transaction
from example_helpers import CONFIG_COPIES, FALLBACK

BROKEN = "orchestration/cloud_functions/broken/main.py"


def snapshot(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}


def test_unparsable_file_is_skipped_and_reported(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = example_repo / BROKEN
    broken.parent.mkdir(parents=True)
    text = "EXPECTED = ['bdl_player_boxscores', 'nbac_schedule', 'br_roster'\ndef broken(:\n"
    broken.write_text(text)
    assert main(["fix", str(example_repo)]) == 1
    assert broken.read_text() == text
    err = capsys.readouterr().err
    assert f"driftbot: skipped {BROKEN}: could not parse: " in err
    assert "changed 11 file(s)" in err


def test_concurrent_edit_is_detected_and_nothing_is_written(example_repo: Path) -> None:
    plan = make_plan(example_repo)
    target = example_repo / CONFIG_COPIES[3]
    target.write_text(target.read_text() + "# edited by someone else meanwhile\n")
    before = snapshot(example_repo)
    with pytest.raises(DriftbotError, match=f"^{CONFIG_COPIES[3]}: changed while driftbot was fixing it; nothing"):
        apply_plan(plan)
    assert snapshot(example_repo) == before


def test_change_between_check_and_rename_rolls_back_the_files_already_replaced(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a0")
    b.write_text("b0")

    class Racing(Transaction):
        def _precheck(self, c: Change) -> None:
            super()._precheck(c)
            if c.path == b:  # someone writes b after the checks, before its rename
                b.write_text("b-theirs")

    tx = Racing([Change(a, "a.txt", b"a0", b"a1"), Change(b, "b.txt", b"b0", b"b1")], tmp_path)
    with pytest.raises(DriftbotError, match=r"^b.txt: changed while driftbot was fixing it; nothing was written$"):
        tx.commit()
    assert (a.read_text(), b.read_text()) == ("a0", "b-theirs")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]  # no temp file left


def test_read_only_file_is_a_clear_error_and_nothing_is_written(
    example_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = example_repo / FALLBACK
    target.chmod(0o444)
    before = snapshot(example_repo)
    assert main(["fix", str(example_repo)]) == 2
    assert capsys.readouterr().err == f"driftbot: {FALLBACK}: file is read-only; nothing was written\n"
    assert snapshot(example_repo) == before


def test_result_other_than_intended_rolls_every_file_back(example_repo: Path) -> None:
    plan = make_plan(example_repo)
    before = snapshot(example_repo)
    bad = plan.changes[FALLBACK]
    # a codemod bug that also touched a line outside the collection being fixed
    plan.changes[FALLBACK] = replace(bad, after=bad.after.replace(b"EXPECTED_COUNT = len", b"EXPECTED_COUNT =  len"))
    with pytest.raises(DriftbotError, match=r"changed outside the collections being fixed.*every file was rolled back"):
        apply_plan(plan)
    assert snapshot(example_repo) == before


def test_wrong_values_roll_back_too(example_repo: Path) -> None:
    plan = make_plan(example_repo)
    before = snapshot(example_repo)
    bad = plan.changes[CONFIG_COPIES[0]]
    plan.changes[CONFIG_COPIES[0]] = replace(bad, after=bad.after.replace(b"'br_rosters_current'", b"'br_rosters'"))
    with pytest.raises(DriftbotError, match=r"expected .*every file was rolled back"):
        apply_plan(plan)
    assert snapshot(example_repo) == before


def test_mode_is_kept_and_no_temp_files_remain(example_repo: Path) -> None:
    target = example_repo / FALLBACK
    target.chmod(0o750)
    fix_repo(example_repo)
    assert stat.S_IMODE(target.stat().st_mode) == 0o750
    leftovers = [p for p in example_repo.rglob("*") if p.name.endswith(".driftbot")]
    assert leftovers == []
    assert os.access(target, os.R_OK)
