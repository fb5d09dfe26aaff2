"""Complete copies vs references, end to end on small repositories: exact findings for each shape."""

from __future__ import annotations

import shutil
from pathlib import Path

from driftbot.audit import build_context, run_audit
from example_helpers import ROOT

P2 = "ssot/processors/phase2_raw_processors.yaml"
P4 = "ssot/processors/phase4_precompute_processors.yaml"


def make_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    return repo


NAME_RULES = ("unknown-name", "missing-name", "duplicate-name", "count-mismatch", "copy-divergence")


def findings(repo: Path) -> list[tuple[str, str, str | None, str | None, str]]:
    return [
        (f.rule, str(f.location), f.actual, f.expected, f.confidence)
        for f in run_audit(repo).findings
        if f.rule in NAME_RULES
    ]


def bindings(repo: Path) -> list[tuple[str, str, str, bool, tuple[str, ...]]]:
    ctx, _ = build_context(repo)
    return [(b.collection.symbol, b.ssot_list, b.field, b.complete, b.evidence) for b in ctx.bindings]


BACKFILL = '''
def backfill(day):
    queries = {
        'team_defense_zone_analysis': f"""SELECT * FROM `p.nba_precompute.team_defense_zone_analysis`""",
        'player_shot_zone_analysis': f"""SELECT * FROM `p.nba_precompute.player_shot_zone_analysis`""",
        'player_composite_factors': f"""SELECT * FROM `p.nba_precompute.player_composite_factors`""",
    }
    return queries
'''


def test_a_dependency_dict_with_3_of_5_processors_is_a_reference(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"backfill/job.py": BACKFILL})
    assert findings(repo) == []
    assert bindings(repo) == [
        (
            "backfill.queries",
            "phase4",
            "name",
            False,
            ("its names and target tables of phase 4 tie: cannot tell which it lacks",),
        )
    ]


PARTITION = """
def phase3_trigger():
    return (5, {'player_game_summary', 'upcoming_player_game_context'},
            {'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_team_game_context'})

PHASE3_CRITICAL = ['player_game_summary', 'upcoming_player_game_context']
PHASE3_OPTIONAL = ['team_defense_game_summary', 'team_offense_game_summary', 'upcoming_team_game_context']
"""


def test_a_critical_optional_partition_is_not_drift(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"orchestrator.py": PARTITION})
    assert findings(repo) == []
    assert bindings(repo) == [
        ("phase3_trigger()[1]", "phase3", "name", False, ("a partition of phase 3 with phase3_trigger()[2]",)),
        ("phase3_trigger()[2]", "phase3", "name", False, ("a partition of phase 3 with phase3_trigger()[1]",)),
        ("PHASE3_CRITICAL", "phase3", "name", False, ("a partition of phase 3 with PHASE3_OPTIONAL",)),
        ("PHASE3_OPTIONAL", "phase3", "name", False, ("a partition of phase 3 with PHASE3_CRITICAL",)),
    ]


FIXTURES = """
def test_partial():
    completed = ['bdl_player_boxscores', 'nbac_schedule']
    status = {'_completed_count': 2, 'bdl_player_boxscores': True, 'nbac_schedule': True}
    three = ('player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary')
    dates = {'player_game_summary': 'game_date', 'team_offense_game_summary': 'game_date'}
    checks = ['player_daily_cache', 'player_composite_factors', 'ml_feature_store_v2']
    contract = {'ml_feature_store_v2': 'one row per player and date'}
"""


def test_fixtures_curated_lists_and_counter_keys_are_references(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"tests/test_partial.py": FIXTURES})
    assert findings(repo) == []
    assert [(symbol, complete) for symbol, _, _, complete, _ in bindings(repo)] == [
        ("test_partial.completed", False),
        ("test_partial.status", False),
        ("test_partial.three", False),
        ("test_partial.dates", False),
        ("test_partial.checks", False),
    ]


GATE = """
REQUIRED_PHASE2_TABLES = [
    ('nba_raw', 'bdl_player_boxscores', 'game_date'),
    ('nba_raw', 'bigdataball_play_by_play', 'game_date'),
    ('nba_raw', 'odds_api_game_lines', 'game_date'),
    ('nba_raw', 'nbac_schedule', 'game_date'),
    ('nba_raw', 'nbac_gamebook_player_stats', 'game_date'),
    ('nba_raw', 'nbac_team_boxscore', 'game_date'),
]
"""
DDL = "CREATE TABLE nba_raw.nbac_team_boxscore (game_date DATE);\n"


def test_a_freshness_gate_may_leave_out_optional_and_hold_real_tables(tmp_path: Path) -> None:
    files = {"monitoring/gate.py": GATE, "schema/raw.sql": DDL, ".driftbot.yml": "inventory: ['ddl:schema/*.sql']\n"}
    repo = make_repo(tmp_path, files)
    assert findings(repo) == []
    ((symbol, key, field, complete, evidence),) = bindings(repo)
    assert (symbol, key, field, complete) == ("REQUIRED_PHASE2_TABLES[*][1]", "phase2", "target_table", True)
    assert evidence == ("size 6 = SSOT phase 2 (6)", "its name REQUIRED_PHASE2_TABLES says phase 2")
    # Without the DDL nothing says nbac_team_boxscore exists: a name of the complete copy that
    # is not in the SSOT, with no rename (not close to the one name it lacks).
    (repo / ".driftbot.yml").unlink()
    (repo / "schema/raw.sql").unlink()
    assert findings(repo) == [
        ("unknown-name", "monitoring/gate.py:8:17", "nbac_team_boxscore", None, "certain"),
    ]


PHASE4_NAMES_AND_TABLES = ["player_composite_factors", "player_shot_zone_analysis", "team_defense_zone_analysis"]
PHASE4_NAMES_AND_TABLES += ["player_daily_cache"]


def listing(symbol: str, values: list[str]) -> str:
    return f"{symbol} = [\n" + "".join(f"    '{v}',\n" for v in values) + "]\n"


def test_a_list_of_phase4_tables_never_asks_for_the_processor_name(tmp_path: Path) -> None:
    # Names and tables of phase 4 differ only in ml_feature_store(_v2): without it, the list ties.
    repo = make_repo(tmp_path, {"a.py": listing("phase4_outputs", PHASE4_NAMES_AND_TABLES)})
    assert findings(repo) == []
    assert bindings(repo) == [
        (
            "phase4_outputs",
            "phase4",
            "name",
            False,
            ("its names and target tables of phase 4 tie: cannot tell which it lacks",),
        )
    ]
    # A symbol that says `tables` decides: the table is asked for, not the processor name.
    repo = make_repo(tmp_path / "b", {"a.py": listing("PHASE4_TABLES", PHASE4_NAMES_AND_TABLES)})
    assert findings(repo) == [("missing-name", "a.py:1:17", None, "ml_feature_store_v2", "likely")]
    # So does a dataset column next to it.
    rows = "ROWS = [\n" + "".join(f"    ('nba_precompute', '{t}'),\n" for t in PHASE4_NAMES_AND_TABLES) + "]\n"
    repo = make_repo(tmp_path / "c", {"a.py": rows})
    assert [b[:3] for b in bindings(repo)] == [("ROWS[*][1]", "phase4", "target_table")]


def test_a_complete_copy_missing_a_name_is_reported(tmp_path: Path) -> None:
    names = ["bdl_player_boxscores", "bigdataball_play_by_play", "odds_api_game_lines", "nbac_gamebook_player_stats"]
    names += ["br_rosters_current"]
    repo = make_repo(tmp_path, {"a/cfg.py": listing("PROCS", names), "b/cfg.py": listing("PROCS", names)})
    assert findings(repo) == [
        ("count-mismatch", "a/cfg.py:1:9", "5", "6", "certain"),
        ("missing-name", "a/cfg.py:1:9", None, "nbac_schedule", "certain"),
        ("count-mismatch", "b/cfg.py:1:9", "5", "6", "certain"),
        ("missing-name", "b/cfg.py:1:9", None, "nbac_schedule", "certain"),
    ]
    assert {b[4] for b in bindings(repo)} == {("2 copies of PROCS",)}
    # One lone copy of that size with a plain name: no evidence, a reference; nothing to report.
    lone = make_repo(tmp_path / "lone", {"cfg.py": listing("PROCS", names)})
    assert findings(lone) == []


def test_declared_rename_in_the_ssot_is_certain_in_a_reference(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, {"job.py": "deps = ['nbac_schedule', 'bdl_player_boxscores', 'roster_feed']\n"})
    assert findings(repo) == []  # not a near-miss of anything: some other value
    phase2 = repo / P2
    phase2.write_text(
        phase2.read_text().replace("    required: false\n", "    required: false\n    renamed_from: [roster_feed]\n")
    )
    assert findings(repo) == [("unknown-name", "job.py:1:50", "roster_feed", "br_rosters_current", "certain")]
    (f,) = [f for f in run_audit(repo).findings if f.rule == "unknown-name"]
    assert f.evidence == (
        "2 of 6 phase 2 names: a reference",
        "'roster_feed' declared renamed_from in the SSOT",
    )
