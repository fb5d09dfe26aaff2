"""Named subsets of a phase: validated with positions, targeted by a binding with their own count."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from driftbot.audit import run_audit
from example_helpers import ROOT

PHASE3 = "ssot/processors/phase3_analytics_processors.yaml"
SUBSETS = """
orchestration:
  expected_count: 2

subsets:
  orchestrator_waits_for:
    processors: [player_game_summary, upcoming_player_game_context]
    expected_count: 2
  team_summaries: [team_defense_game_summary, team_offense_game_summary]
"""
BINDING = "bindings:\n  - files: 'orch/*.py'\n    symbol: WAITS_FOR\n    ssot: phase3.orchestrator_waits_for\n"


def _repo(tmp_path: Path, subsets: str = SUBSETS, code: str | None = None) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    with (tmp_path / PHASE3).open("a") as fh:
        fh.write(subsets)
    if code is not None:
        (tmp_path / ".driftbot.yml").write_text(BINDING)
        (tmp_path / "orch").mkdir()
        (tmp_path / "orch" / "main.py").write_text(code)
    return tmp_path


def _validate(repo: Path) -> tuple[int, str]:
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "validate", str(repo)], capture_output=True, text=True, cwd=repo
    )
    return done.returncode, done.stdout + done.stderr


def test_subsets_are_valid_and_the_phase_count_may_be_a_subsets(tmp_path: Path) -> None:
    code, out = _validate(_repo(tmp_path))
    assert code == 0, out


def test_a_subset_member_that_is_not_in_the_phase_is_an_error_at_its_position(tmp_path: Path) -> None:
    repo = _repo(tmp_path, SUBSETS.replace("team_offense_game_summary]", "team_offense_game_sumary]"))
    code, out = _validate(repo)
    assert code == 1
    assert (
        f"{PHASE3}:34:47: subset 'team_summaries' names 'team_offense_game_sumary', which is not a processor of phase 3"
        in out
    )


def test_counts_are_checked_against_the_list_and_the_subsets(tmp_path: Path) -> None:
    repo = _repo(
        tmp_path,
        SUBSETS.replace("expected_count: 2\n\n", "expected_count: 4\n\n").replace(
            "    expected_count: 2\n", "    expected_count: 3\n"
        ),
    )
    code, out = _validate(repo)
    assert code == 1
    assert f"{PHASE3}:28:19: expected_count is 4 but 5 processors are listed, and no subset has 4" in out
    assert f"{PHASE3}:33:21: expected_count is 3 but subset 'orchestrator_waits_for' lists 2" in out


def test_a_binding_to_a_subset_is_a_complete_copy_of_it(tmp_path: Path) -> None:
    good = "WAITS_FOR = ['player_game_summary', 'upcoming_player_game_context']\n"
    assert run_audit(_repo(tmp_path / "good", code=good)).findings == ()
    short = "WAITS_FOR = ['player_game_summary']\n"
    found = [(f.rule, f.message) for f in run_audit(_repo(tmp_path / "short", code=short)).findings]
    assert found == [
        ("count-mismatch", "WAITS_FOR lists 1 processors; the SSOT expects 2"),
        (
            "missing-name",
            "'upcoming_player_game_context' (phase 3 orchestrator_waits_for processor) is missing from WAITS_FOR",
        ),
    ]


def test_a_binding_to_an_unknown_subset_names_the_known_ones(tmp_path: Path) -> None:
    repo = _repo(tmp_path, code="WAITS_FOR = ['player_game_summary']\n")
    (repo / ".driftbot.yml").write_text(BINDING.replace("orchestrator_waits_for", "waits"))
    done = subprocess.run([sys.executable, "-m", "driftbot", "audit", str(repo)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "names unknown SSOT list 'phase3.waits'" in done.stderr
    assert "phase3.orchestrator_waits_for, phase3.team_summaries" in done.stderr


def test_discovery_never_binds_a_collection_to_a_subset(tmp_path: Path) -> None:
    """Only a binding makes a collection a copy of a subset: a part of a phase left unbound is a reference."""
    members = "player_game_summary, team_defense_game_summary, team_offense_game_summary"
    subsets = f"\nsubsets:\n  orchestrator_waits_for: [{members}]\n"
    code = "WAITS_FOR = ['player_game_summary', 'team_defense_game_summary']\n"
    bound = _repo(tmp_path / "bound", subsets, code)
    assert [(f.rule, f.message) for f in run_audit(bound).findings] == [
        (
            "missing-name",
            "'team_offense_game_summary' (phase 3 orchestrator_waits_for processor) is missing from WAITS_FOR",
        )
    ]
    (bound / ".driftbot.yml").unlink()
    assert run_audit(bound).findings == ()
