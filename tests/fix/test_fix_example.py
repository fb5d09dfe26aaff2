"""`driftbot fix` on the example monorepo: exactly the seed's 10 + 1 line fix (all certain), idempotent, audit clean."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.cli import main
from driftbot.fix import fix_repo
from driftbot.ftypes import Severity
from example_helpers import CONFIG_COPIES, EXAMPLE, FALLBACK, MONITORING_SQL, hand_correct

STALE = "-        'br_roster',                  # Basketball-ref rosters\n"
FIXED = "+        'br_rosters_current',         # Basketball-ref rosters\n"
SQL_OLD = "--- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)\n"
SQL_NEW = (
    "+-- Track which games are using fallback data sources (nbac_gamebook_player_stats instead of "
    "bdl_player_boxscores)\n"
)


def snapshot(repo: Path) -> dict[str, bytes]:
    return {p.relative_to(repo).as_posix(): p.read_bytes() for p in sorted(repo.rglob("*")) if p.is_file()}


def changed_lines(diff: str) -> list[str]:
    return [
        line
        for line in diff.splitlines(keepends=True)
        if line[:1] in "+-" and not line.startswith(("+++ b/", "--- a/", "--- /dev/null"))
    ]


def test_fix_is_exactly_the_seed_hand_fix(example_repo: Path, tmp_path: Path) -> None:
    expected = tmp_path / "by-hand"
    shutil.copytree(EXAMPLE, expected)
    hand_correct(expected)

    result = fix_repo(example_repo)

    assert result.written
    assert result.changed == tuple(sorted((*CONFIG_COPIES, FALLBACK, MONITORING_SQL)))
    assert snapshot(example_repo) == snapshot(expected)  # every other byte of the repo is untouched
    assert changed_lines(result.diff) == [SQL_OLD, SQL_NEW] + [STALE, FIXED] * 10
    assert sorted({(f.rule, f.expected) for f in result.fixed}) == [
        ("stale-comment-name", "nbac_gamebook_player_stats"),
        ("unknown-name", "br_rosters_current"),
    ]
    assert len(result.fixed) == 11
    assert result.skipped == ()


def test_default_fix_applies_certain_findings_and_they_are_the_seed_fix(example_repo: Path) -> None:
    result = fix_repo(example_repo, dry_run=True)
    assert changed_lines(result.diff) == [SQL_OLD, SQL_NEW] + [STALE, FIXED] * 10
    assert {f.confidence for f in result.fixed} == {"certain"}
    assert result.skipped == ()


def test_second_fix_is_a_no_op_and_audit_is_clean(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", str(example_repo)]) == 1
    after_first = snapshot(example_repo)
    assert main(["fix", str(example_repo)]) == 0
    assert snapshot(example_repo) == after_first
    assert "nothing to fix" in capsys.readouterr().err
    assert main(["audit", str(example_repo)]) == 0
    assert run_audit(example_repo).at_or_above(Severity.LOW) == ()  # info notes (e.g. inventory) may remain


def test_dry_run_prints_the_diff_and_writes_nothing(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(example_repo)
    assert main(["fix", str(example_repo), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert snapshot(example_repo) == before
    assert out.startswith(f"--- a/{MONITORING_SQL}\n+++ b/{MONITORING_SQL}\n@@ -319,7 +319,7 @@\n")
    assert f"--- a/{FALLBACK}\n+++ b/{FALLBACK}\n@@ -84,7 +84,7 @@\n" in out
    assert changed_lines(out) == [SQL_OLD, SQL_NEW] + [STALE, FIXED] * 10


def test_rule_filter_and_unknown_rule(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = fix_repo(example_repo, rules=["stale-comment-name"], dry_run=True)
    assert result.changed == (MONITORING_SQL,)
    assert main(["fix", str(example_repo), "--rule", "no-such-rule"]) == 2
    assert main(["fix", str(example_repo), "--rule", "count-mismatch"]) == 2
    err = capsys.readouterr().err
    assert "driftbot: unknown rule 'no-such-rule'" in err
    assert "driftbot: rule 'count-mismatch' has no automatic fix" in err
