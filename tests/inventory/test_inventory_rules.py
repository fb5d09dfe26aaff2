"""table-missing, unmanaged-table and inventory-unreachable on small repositories with `ddl:` inventories."""

from __future__ import annotations

from pathlib import Path

from driftbot.audit import run_audit
from driftbot.ftypes import Finding, Location, Severity
from example_helpers import PHASE2_TABLES

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
SSOT_TABLES = {
    "nba_raw": PHASE2_TABLES,
    "nba_analytics": (
        "player_game_summary",
        "team_defense_game_summary",
        "team_offense_game_summary",
        "upcoming_player_game_context",
        "upcoming_team_game_context",
    ),
    "nba_precompute": (
        "player_composite_factors",
        "player_shot_zone_analysis",
        "team_defense_zone_analysis",
        "player_daily_cache",
        "ml_feature_store_v2",
    ),
}


def write_ddl(repo: Path, name: str, *, without: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> None:
    refs = [f"{d}.{t}" for d, tables in SSOT_TABLES.items() for t in tables if f"{d}.{t}" not in without]
    (repo / name).write_text("".join(f"CREATE TABLE {r} (x INT64);\n" for r in [*refs, *extra]))


def of_rule(findings: tuple[Finding, ...], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_a_bound_config_table_is_checked_once_per_name(small_repo: Path) -> None:
    (small_repo / ".driftbot.yml").write_text(
        "inventory: ['ddl:schema.sql']\n"
        "bindings:\n"
        "  - {files: cfg.py, symbol: TABLES, ssot: phase2, field: target_table}\n"
    )
    (small_repo / "cfg.py").write_text("TABLES = ['bdl_player_boxscores', 'nbac_schedule', 'br_roster']\n")
    write_ddl(small_repo, "schema.sql", without=("nba_raw.nbac_schedule",), extra=("nba_raw.br_rosters",))
    report = run_audit(small_repo)
    source = "ddl:schema.sql"
    # 'nbac_schedule' is reported at the SSOT only, not again at its copy in cfg.py; 'br_roster' once, by
    # the name rule (its rename is the SSOT's table), not again as table-missing.
    assert [(f.rule, f.actual, f.expected) for f in report.findings if f.location == Location("cfg.py", 1, 52)] == [
        ("unknown-name", "br_roster", "br_rosters_current")
    ]
    assert of_rule(report.findings, "table-missing") == [
        Finding(
            rule="table-missing",
            severity=Severity.CRITICAL,
            location=Location(PHASE2, 30, 19),
            message=f"table nba_raw.nbac_schedule (processor 'nbac_schedule') is not in {source}",
            ssot=PHASE2,
            expected="nba_raw.nbac_schedule",
            extra=(("inventory", source),),
            confidence="likely",
            evidence=(f"not in {source}",),
        ),
    ]
    assert of_rule(report.findings, "unmanaged-table") == [
        Finding(
            rule="unmanaged-table",
            severity=Severity.INFO,
            location=Location("schema.sql", 16, 14),
            message=f"table nba_raw.br_rosters exists in {source} but no SSOT processor writes it",
            ssot=PHASE2,
            actual="nba_raw.br_rosters",
            extra=(("inventory", source),),
            confidence="likely",
            evidence=(f"in {source}", "no SSOT processor of nba_raw writes it"),
        )
    ]


def test_each_inventory_is_its_own_side(small_repo: Path) -> None:
    write_ddl(small_repo, "declared.sql")
    write_ddl(small_repo, "deployed.sql", without=("nba_precompute.player_daily_cache",))
    report = run_audit(small_repo, inventories=["ddl:declared.sql", "ddl:deployed.sql"])
    assert [(f.location, f.message) for f in of_rule(report.findings, "table-missing")] == [
        (
            Location("ssot/processors/phase4_precompute_processors.yaml", 10, 11),
            "table nba_precompute.player_daily_cache (processor 'player_daily_cache') is not in ddl:deployed.sql",
        )
    ]


def test_views_and_other_datasets_are_not_unmanaged(small_repo: Path) -> None:
    write_ddl(small_repo, "schema.sql", extra=("nba_staging.tmp_load",))
    with (small_repo / "schema.sql").open("a") as f:
        f.write("CREATE VIEW nba_raw.v_latest AS SELECT 1;\nCREATE MATERIALIZED VIEW nba_raw.mv_daily AS SELECT 1;\n")
    report = run_audit(small_repo, inventories=["ddl:schema.sql"])
    assert of_rule(report.findings, "unmanaged-table") == []
    assert of_rule(report.findings, "table-missing") == []


def test_no_inventory_means_no_inventory_findings(small_repo: Path) -> None:
    report = run_audit(small_repo)
    assert [f for f in report.findings if f.rule in {"table-missing", "unmanaged-table", "inventory-unreachable"}] == []


def _snapshot(repo: Path, *extra: str) -> None:
    """A `snapshot:` inventory (authoritative) of every SSOT table plus `extra` nba_raw tables."""
    refs = [(d, t) for d, tables in SSOT_TABLES.items() for t in tables] + [("nba_raw", t) for t in extra]
    rows = ",".join(
        f'{{"tableReference": {{"projectId": "p", "datasetId": "{d}", "tableId": "{t}"}}}}' for d, t in refs
    )
    (repo / "bq.json").write_text(f"[{rows}]")
    (repo / ".driftbot.yml").write_text("inventory: ['snapshot:bq.json']\n")


TRIGGERS = """TOPIC_BY_TABLE = {{
    "nbac_schedule": "nba-phase2-schedule",
    "bdl_player_boxscores": "nba-phase2-boxscores",
    "{table}": "nba-phase2-nbac-boxscores",
}}
"""


def test_a_stale_name_in_a_reference_bound_dict_is_one_finding(small_repo: Path) -> None:
    """TOPIC_BY_TABLE is bound as a reference to phase 2's tables: the inventory rule and the name-list rule
    both saw 'nbac_player_boxscore'; one drift, one row, the one with the rename."""
    _snapshot(small_repo, "nbac_player_boxscores")
    (small_repo / "topics.py").write_text(TRIGGERS.format(table="nbac_player_boxscore"))
    report = run_audit(small_repo)
    assert [f for f in report.findings if f.location.path == "topics.py"] == [
        Finding(
            rule="unknown-name",
            severity=Severity.HIGH,
            location=Location("topics.py", 4, 5),
            message="'nbac_player_boxscore' is not a known table or processor; did you mean 'nbac_player_boxscores'?",
            symbol="TOPIC_BY_TABLE",
            actual="nbac_player_boxscore",
            expected="nbac_player_boxscores",
            fixable=True,
            confidence="certain",
            evidence=(
                "TOPIC_BY_TABLE names 2 known names",
                "not in snapshot:bq.json",
                "'nbac_player_boxscore' is not in the inventory; 'nbac_player_boxscores' is",
                "'nbac_player_boxscore' is a prefix of 'nbac_player_boxscores'",
            ),
        )
    ]


def test_a_bound_name_no_rule_renames_is_still_table_missing(small_repo: Path) -> None:
    _snapshot(small_repo, "nbac_player_boxscores")
    (small_repo / "topics.py").write_text(TRIGGERS.format(table="espn_scoreboard"))
    report = run_audit(small_repo)
    assert [
        (f.rule, str(f.location), f.actual, f.confidence) for f in report.findings if f.location.path == "topics.py"
    ] == [("table-missing", "topics.py:4:5", "espn_scoreboard", "certain")]


def test_a_possible_rename_does_not_hide_a_certain_absence(small_repo: Path) -> None:
    # Two close tables: the name rule can only say `possible` (info for exit codes); the inventory's certain
    # table-missing stays, so the run still fails on it.
    _snapshot(small_repo, "nbac_player_boxscores", "nbac_player_boxscore_v2")
    (small_repo / "topics.py").write_text(TRIGGERS.format(table="nbac_player_boxscore"))
    report = run_audit(small_repo)
    assert [(f.rule, f.confidence) for f in report.findings if f.location.path == "topics.py"] == [
        ("table-missing", "certain"),
        ("unknown-name", "possible"),
    ]
