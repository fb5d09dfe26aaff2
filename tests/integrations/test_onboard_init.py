"""`driftbot init` on the example repository with its driftbot files removed, and discovery on small cases."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from driftbot import onboard
from driftbot.cli import main
from driftbot.ftypes import Collection, Element, Location

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_WORKFLOW = ROOT / "examples" / "workflows" / "driftbot.yml"
TEMPLATE_WORKFLOW = ROOT / "src" / "driftbot" / "templates" / "driftbot-workflow.yml"
PHASE2 = (
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
    "odds_api_game_lines",
    "nbac_schedule",
    "nbac_gamebook_player_stats",
    "br_roster",  # every copy in the example holds the stale name, so the majority does too
)
PHASE2_FILE = """\
# Proposed by `driftbot init` from 10 copies:
#   orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase2_to_phase3/main.py:81 EXPECTED_PROCESSORS
#   orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase4_to_phase5/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase5_to_phase6/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/self_heal/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   predictions/coordinator/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   predictions/worker/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 2
phase_name: "expected_processors"
dataset: "nba_raw"

critical_processors:
  - name: bdl_player_boxscores
    description: "Ball Don't Lie box scores"
  - name: bigdataball_play_by_play
    description: "BigDataBall play-by-play"
  - name: odds_api_game_lines
    description: "Odds API game lines"
  - name: nbac_schedule
    description: "NBA.com schedule"
  - name: nbac_gamebook_player_stats
    description: "NBA.com gamebook stats"
  - name: br_roster
    description: "Basketball-ref rosters"
orchestration:
  expected_count: 6
"""  # noqa: E501

CONFIG_FILE = """\
# driftbot configuration, proposed by `driftbot init` (see the driftbot README).
version: 1
ssot: ssot
auto_bind: true  # copies holding most of an SSOT list are found without a binding
"""

LISTING = [
    "ssot/processors/phase2_expected_processors.yaml  (phase2: 6 names from "
    "PhaseTransitionConfig.phase2_expected_processors)",
    "ssot/processors/phase3_expected_processors.yaml  (phase3: 5 names from "
    "PhaseTransitionConfig.phase3_expected_processors)",
    "ssot/processors/phase4_expected_processors.yaml  (phase4: 5 names from "
    "PhaseTransitionConfig.phase4_expected_processors)",
    ".driftbot.yml  (configuration: SSOT in ssot/)",
    ".github/workflows/driftbot.yml  (GitHub Actions: PR check, /driftbot commands, scheduled auto-fix and dashboard)",
]
PROPOSED = [
    "ssot/processors/phase2_expected_processors.yaml",
    "ssot/processors/phase3_expected_processors.yaml",
    "ssot/processors/phase4_expected_processors.yaml",
    ".driftbot.yml",
    ".github/workflows/driftbot.yml",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_what_it_found_and_writes_nothing(
    bare_example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p for p in bare_example.rglob("*"))
    code, out, err = run(capsys, "init", str(bare_example))
    assert (code, err) == (0, "")
    assert sorted(p for p in bare_example.rglob("*")) == before
    lines = out.splitlines()
    assert lines[0] == "Found 3 lists copied across files (39 Python files read):"
    assert lines[2] == (
        "phase2: 6 names in 10 copies (PhaseTransitionConfig.phase2_expected_processors, EXPECTED_PROCESSORS)"
    )
    assert lines[3] == "  " + ", ".join(PHASE2)
    assert lines[4] == (
        "  orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py:26:75 "
        "PhaseTransitionConfig.phase2_expected_processors"
    )
    assert "  orchestration/cloud_functions/phase2_to_phase3/main.py:81:38 EXPECTED_PROCESSORS" in lines
    assert lines[15] == "phase3: 5 names in 9 copies (PhaseTransitionConfig.phase3_expected_processors)"
    assert lines[-6:] == ["Would write (run again with --write to create them):", *(f"  {line}" for line in LISTING)]


def test_write_creates_a_valid_setup_that_audits(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", str(bare_example), "--write")
    assert code == 0
    assert out.splitlines()[-8:] == [
        "Wrote:",
        *(f"  {line}" for line in LISTING),
        "",
        "Next: driftbot audit",
    ]
    for rel in PROPOSED:
        assert (bare_example / rel).is_file(), rel
    assert (bare_example / PROPOSED[0]).read_text() == PHASE2_FILE
    assert (bare_example / ".driftbot.yml").read_text() == CONFIG_FILE
    # The proposed workflow is the documented example, byte for byte.
    assert (bare_example / PROPOSED[-1]).read_bytes() == EXAMPLE_WORKFLOW.read_bytes()
    assert run(capsys, "validate", "--ssot", str(bare_example / "ssot"))[0] == 0
    # The proposed SSOT is the majority version, so every vendored copy agrees with it.
    _, out, _ = run(capsys, "audit", str(bare_example), "--format", "json")
    assert "orchestration_config.py" not in out


def test_the_example_workflow_is_the_template_init_writes() -> None:
    # One source: edit src/driftbot/templates/driftbot-workflow.yml, then copy it over the example.
    assert EXAMPLE_WORKFLOW.read_bytes() == TEMPLATE_WORKFLOW.read_bytes()
    assert "issue_comment:" in TEMPLATE_WORKFLOW.read_text()
    assert "secrets.DRIFTBOT_TOKEN" in TEMPLATE_WORKFLOW.read_text()


def test_write_refuses_to_overwrite(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bare_example / ".driftbot.yml").write_text("version: 1\n")
    code, _, err = run(capsys, "init", str(bare_example), "--write")
    assert code == 2
    assert err == "driftbot: .driftbot.yml: already exists; init never overwrites (move it away or edit it by hand)\n"
    assert not (bare_example / "ssot").exists()
    assert (bare_example / ".driftbot.yml").read_text() == "version: 1\n"


def test_dry_run_marks_existing_files(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bare_example / ".driftbot.yml").write_text("version: 1\n")
    _, out, _ = run(capsys, "init", str(bare_example))
    assert "  .driftbot.yml  (configuration: SSOT in ssot/)  EXISTS: --write will refuse" in out.splitlines()


def test_nothing_copied_nothing_proposed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("NAMES = ['alpha', 'beta']\n")
    assert run(capsys, "init", str(tmp_path), "--write") == (
        0,
        "No list is copied across files (1 Python files read); nothing to propose.\n",
        "",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_not_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", str(tmp_path / "nope")) == (2, "", f"driftbot: {tmp_path / 'nope'}: not a directory\n")


ACTIONLINT = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint not installed (dev extra)")
def test_proposed_workflow_passes_actionlint(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init", str(bare_example), "--write")
    done = subprocess.run(
        [str(ACTIONLINT), ".github/workflows/driftbot.yml"],
        cwd=bare_example,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")


def coll(path: str, symbol: str, values: list[str], line: int = 1) -> Collection:
    elements = tuple(Element(v, Location(path, line + i + 1, 5)) for i, v in enumerate(values))
    return Collection(path, symbol, "list", Location(path, line, 1), elements, line + len(values) + 1)


def test_same_symbol_with_drift_groups_and_takes_the_majority() -> None:
    found = onboard.discover(
        [
            coll("a.py", "PROCS", ["x_one", "y_two", "z_three"]),
            coll("b.py", "PROCS", ["x_one", "y_two", "z_three"]),
            coll("c.py", "PROCS", ["x_one", "y_two", "z_old"]),
            coll("d.py", "PROCS", ["unrelated", "values"]),  # same symbol, different list: not a copy
        ]
    )
    assert [(f.values, f.files) for f in found] == [(("x_one", "y_two", "z_three"), ("a.py", "b.py", "c.py"))]
    assert [c.path for c in found[0].divergent()] == ["c.py"]


def test_same_values_under_other_symbols_group() -> None:
    found = onboard.discover([coll("a.py", "A", ["p_1x", "q_2y"]), coll("b.py", "B", ["q_2y", "p_1x"])])
    assert [(f.symbols, f.files) for f in found] == [(("A", "B"), ("a.py", "b.py"))]


def test_single_file_enumerations_and_non_names_are_not_proposed() -> None:
    assert onboard.discover([coll("a.py", "A", ["one", "two"]), coll("a.py", "B", ["one", "two"])]) == []
    assert onboard.discover([coll("a.py", "K", ["phase2", "phase3"]), coll("b.py", "K", ["phase2", "phase3"])]) == []
    assert onboard.discover([coll("a.py", "M", ["a b", "c d"]), coll("b.py", "M", ["a b", "c d"])]) == []


def test_phase_numbers_come_from_symbols_else_lowest_free() -> None:
    found = onboard.discover(
        [
            *(coll(p, "cfg.phase3_list", ["aa", "bb"]) for p in ("a.py", "b.py")),
            *(coll(p, "OtherList", ["cc", "dd"]) for p in ("a.py", "b.py")),
        ]
    )
    assert [(p.key, p.filename) for p in onboard.assign_phases(found)] == [
        ("phase1", "phase1_other_list.yaml"),
        ("phase3", "phase3_list.yaml"),
    ]
