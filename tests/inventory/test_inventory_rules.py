"""table-missing, unmanaged-table and inventory-unreachable on small repositories with `ddl:` inventories."""

from __future__ import annotations

from pathlib import Path

from driftbot.audit import run_audit
from driftbot.ftypes import Finding, Location, Severity

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
SSOT_TABLES = {
    "nba_raw": (
        "bdl_player_boxscores",
        "bigdataball_play_by_play",
        "odds_api_game_lines",
        "nbac_schedule",
        "nbac_gamebook_player_stats",
        "br_rosters_current",
    ),
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
    # 'nbac_schedule' is reported at the SSOT only, not again at its copy in cfg.py.
    assert of_rule(report.findings, "table-missing") == [
        Finding(
            rule="table-missing",
            severity=Severity.CRITICAL,
            location=Location("cfg.py", 1, 52),
            message=f"table nba_raw.br_roster named in TABLES is not in {source}; renamed to nba_raw.br_rosters?",
            symbol="TABLES",
            ssot=PHASE2,
            actual="br_roster",
            expected="nba_raw.br_rosters",
            extra=(("inventory", source),),
            confidence="likely",  # a ddl: inventory declares, it does not speak with authority
            evidence=(f"not in {source}", "nba_raw.br_rosters is there"),
        ),
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
