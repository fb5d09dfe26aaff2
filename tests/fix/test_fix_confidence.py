"""`fix` applies only `certain` findings by default; adjacent fixed collections keep the transaction."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.cli import main
from example_helpers import ROOT

P2 = ["bdl_player_boxscores", "bigdataball_play_by_play", "odds_api_game_lines", "nbac_schedule"]
P2 += ["nbac_gamebook_player_stats"]


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    return repo


def inline(name: str, values: list[str]) -> str:
    return f"{name} = [" + ", ".join(f"'{v}'" for v in values) + "]\n"


def run_fix(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", str(repo), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_adjacent_one_line_collections_are_fixed_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = ["br_roster", *P2]
    text = inline("A", stale) + inline("B", stale)
    repo = make_repo(tmp_path, {"cfg.py": text})
    code, out, err = run_fix(repo, capsys, "--dry-run")
    fixed = ", ".join(f"'{v}'" for v in ["br_rosters_current", *P2])
    assert (code, err) == (1, "driftbot: would change 1 file(s), fixing 2 finding(s)\n")
    old = ", ".join(f"'{v}'" for v in stale)
    assert out == (
        f"--- a/cfg.py\n+++ b/cfg.py\n@@ -1,2 +1,2 @@\n-A = [{old}]\n-B = [{old}]\n+A = [{fixed}]\n+B = [{fixed}]\n"
    )
    assert run_fix(repo, capsys)[0] == 1  # written and verified, not rolled back
    assert (repo / "cfg.py").read_text() == f"A = [{fixed}]\nB = [{fixed}]\n"
    assert run_fix(repo, capsys) == (0, "", "driftbot: nothing to fix\n")


def test_only_certain_findings_are_applied_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # EXPECTED_* (likely complete: its name only) misses a required name: a suggestion by default.
    short = [v for v in P2 if v != "nbac_schedule"]
    repo = make_repo(tmp_path, {"cfg.py": inline("EXPECTED_PROCESSORS", short)})
    code, out, err = run_fix(repo, capsys, "--dry-run")
    assert (code, out) == (0, "")
    assert err == (
        "driftbot: skipped cfg.py:1:23 [missing-name]: only likely: a suggestion (--confidence likely applies it)\n"
        "driftbot: nothing to fix; 1 left for a person (above)\n"
    )
    assert main(["audit", str(repo)]) == 1  # still drift
    capsys.readouterr()
    code, out, err = run_fix(repo, capsys, "--confidence", "likely")
    assert (code, err) == (1, "driftbot: changed 1 file(s), fixing 1 finding(s)\n")
    assert (repo / "cfg.py").read_text() == inline("EXPECTED_PROCESSORS", P2)
    assert main(["audit", str(repo)]) == 0
    capsys.readouterr()


def test_similarity_alone_is_not_applied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A reference (3 of 5 phase-4 processors) with a near-miss: likely, left as a suggestion.
    text = "deps = ['team_defense_zone_analysis', 'player_shot_zone', 'player_composite_factors']\n"
    repo = make_repo(tmp_path, {"job.py": text})
    code, out, err = run_fix(repo, capsys)
    assert (code, out) == (0, "")
    assert "job.py:1:39 [unknown-name]: only likely" in err
    assert (repo / "job.py").read_text() == text
    assert run_fix(repo, capsys, "--confidence", "likely")[0] == 1
    assert (repo / "job.py").read_text() == text.replace("'player_shot_zone'", "'player_shot_zone_analysis'")


def test_bad_confidence_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo(tmp_path, {})
    with pytest.raises(SystemExit) as exc:
        main(["fix", str(repo), "--confidence", "sure"])
    assert exc.value.code == 2
    assert "invalid choice: 'sure'" in capsys.readouterr().err
