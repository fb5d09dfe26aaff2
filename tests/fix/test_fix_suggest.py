"""Suggestions (PR review suggestion blocks) are the fix plan's hunks: applied, they give `fix`'s bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

from driftbot.fix.plan import make_plan
from driftbot.fix.suggest import Suggestion, suggestions
from example_helpers import CONFIG_COPIES, FALLBACK, PHASE2_TABLES, ROOT

PHASE2 = list(PHASE2_TABLES)


def listing(values: list[str]) -> str:
    return "PHASE2_PROCESSORS = [\n" + "".join(f"    '{v}',\n" for v in values) + "]\n"


def apply(text: str, found: list[Suggestion]) -> str:
    lines = text.splitlines()
    for s in sorted(found, key=lambda s: -s.start):  # bottom up: earlier line numbers stay valid
        lines[s.start - 1 : s.end] = s.lines
    return "\n".join(lines) + "\n"


def test_the_example_gets_one_line_suggestions_matching_fix(example_repo: Path) -> None:
    plan = make_plan(example_repo)
    found = suggestions(plan)
    assert {s.path for s in found} == {*CONFIG_COPIES, FALLBACK, "bin/operations/monitoring_queries.sql"}
    config = [s for s in found if s.path == CONFIG_COPIES[0]]
    assert len(config) == 1
    (one,) = config
    assert (one.start, one.end) == (32, 32)
    assert one.lines == (
        "        'br_rosters_current',         # Basketball-ref rosters",
    )  # the comment keeps its column
    assert [f.rule for f in one.findings] == ["unknown-name"]
    for path, change in plan.changes.items():
        before = (example_repo / path).read_text()
        assert apply(before, [s for s in found if s.path == path]) == change.after.decode()


def test_insertions_and_removals_are_anchored_on_existing_lines(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    (repo / "jobs").mkdir()
    (repo / "jobs" / "good.py").write_text(listing(PHASE2))
    twice = listing([*PHASE2[:4], "nbac_schedule", *PHASE2[4:]])  # a duplicate: removed
    (repo / "jobs" / "dup.py").write_text(twice)
    plan = make_plan(repo)
    found = suggestions(plan)
    assert [(s.path, s.start, s.end, s.lines, [f.rule for f in s.findings]) for s in found] == [
        ("jobs/dup.py", 6, 6, (), ["duplicate-name"]),
    ]
    assert apply(twice, found) == plan.changes["jobs/dup.py"].after.decode()


def test_an_insertion_keeps_the_line_above_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    short = listing([PHASE2[0], *PHASE2[2:]])  # 'bigdataball_play_by_play' is missing after line 2
    (repo / "cfg.py").write_text(short)
    plan = make_plan(repo, confidence="likely")
    found = suggestions(plan)
    assert [(s.start, s.end, s.lines, [f.rule for f in s.findings]) for s in found] == [
        (2, 2, ("    'bdl_player_boxscores',", "    'bigdataball_play_by_play',"), ["missing-name"]),
    ]
    assert apply(short, found) == plan.changes["cfg.py"].after.decode()
