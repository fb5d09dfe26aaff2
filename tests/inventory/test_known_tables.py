"""Does this table exist? `ctx.known_tables` over the SSOT, inventories and the repository's own DDL.

Each shape of real SQL that must not be reported (views, reference tables, a CTAS backup, placeholders,
a DELETE ... NOT IN script) is written as a small repository and audited for real; the findings are exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inventory_servers import Emulator

from driftbot.audit import build_context, run_audit
from driftbot.extract.sql import extract
from driftbot.ftypes import Finding, Location, Severity

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
ABSENT = "no CREATE TABLE/VIEW in the repository and not in the SSOT"

SCHEMA = """\
-- Views and reference tables the SSOT does not list: they exist because the repository creates them.
CREATE OR REPLACE VIEW `{project}.nba_raw.v_latest_boxscores` AS
SELECT * FROM `{project}.nba_raw.bdl_player_boxscores` WHERE game_date = CURRENT_DATE();

CREATE TABLE IF NOT EXISTS nba_raw.nbac_player_boxscores (game_id STRING, player_lookup STRING);
CREATE TABLE IF NOT EXISTS nba_reference.player_aliases (alias STRING, player_lookup STRING);
CREATE MATERIALIZED VIEW nba_analytics.mv_player_daily AS SELECT 1 AS x;
"""

QUERIES = """\
-- Reads a view, a reference table and a real table whose name is close to an SSOT one.
SELECT * FROM `nba-props-platform.nba_raw.v_latest_boxscores`;
SELECT a.alias FROM nba_reference.player_aliases a
JOIN nba_raw.nbac_player_boxscores n USING (player_lookup);
SELECT * FROM nba_analytics.mv_player_daily;

-- A backup made in the same script, then read back.
CREATE TABLE nba_raw.bdl_player_boxscores_backup_20250101 AS
SELECT * FROM nba_raw.bdl_player_boxscores;
SELECT COUNT(*) FROM nba_raw.bdl_player_boxscores_backup_20250101;

-- Dedup: the DELETE target and its subquery read the same real table.
DELETE FROM nba_raw.nbac_player_boxscores
WHERE game_id NOT IN (SELECT DISTINCT game_id FROM nba_raw.nbac_player_boxscores WHERE game_id IS NOT NULL);

-- Placeholders: a static table under a placeholder project is checked, a placeholder table is skipped.
SELECT * FROM `{project}.nba_raw.nbac_schedule`;
SELECT * FROM `{project}.nba_raw.{table_name}`;
SELECT * FROM nba_raw.{table_name} WHERE game_date = '{date}';
"""


def write(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)


def of_rule(findings: tuple[Finding, ...], *rules: str) -> list[Finding]:
    return [f for f in findings if f.rule in rules]


def unknown(path: str, line: int, col: int, table: str, message: str, **fields: object) -> Finding:
    fields.setdefault("ssot", PHASE2)
    return Finding(
        rule="unknown-table",
        severity=Severity.MEDIUM,
        location=Location(path, line, col),
        message=message,
        actual=table,
        **fields,  # type: ignore[arg-type]
    )


def test_tables_the_repository_creates_are_known(small_repo: Path) -> None:
    write(small_repo, {"schemas/raw.sql": SCHEMA, "bin/q.sql": QUERIES})
    report = run_audit(small_repo)
    assert of_rule(report.findings, "unknown-table", "stale-comment-name", "unparsable-sql") == []
    known = build_context(small_repo)[0].known_tables
    assert known.knows("v_latest_boxscores", "nba_raw") == "CREATE VIEW at schemas/raw.sql:2"
    assert known.knows("player_aliases") == "CREATE TABLE at schemas/raw.sql:6"
    assert known.knows("br_rosters_current") == "target table of phase 2 in the SSOT"
    assert known.knows("bdl_player_boxscores_backup_20250101", "nba_raw") == "CREATE TABLE at bin/q.sql:8"
    assert known.knows("nbac_gamebook", "nba_raw") is None
    assert not known.authoritative("nba_raw")
    assert known.listed("nba_raw") is None
    assert {"v_latest_boxscores", "nbac_player_boxscores", "br_rosters_current"} <= known.names("nba_raw")


def test_a_table_nothing_knows_is_a_possible_finding(small_repo: Path) -> None:
    write(small_repo, {"schemas/raw.sql": SCHEMA, "q.sql": "SELECT * FROM nba_raw.zz_scratch;\n"})
    report = run_audit(small_repo)
    assert of_rule(report.findings, "unknown-table") == [
        unknown(
            "q.sql",
            1,
            23,
            "zz_scratch",
            f"'nba_raw.zz_scratch' is not a known table: {ABSENT}",
            confidence="possible",
            evidence=(ABSENT,),
        )
    ]
    assert report.findings[0].effective_severity == Severity.INFO


def test_repo_ddl_can_be_turned_off(small_repo: Path) -> None:
    write(
        small_repo,
        {
            ".driftbot.yml": "sql:\n  repo_ddl: false\n",
            "schemas/raw.sql": SCHEMA,
            "q.sql": "SELECT * FROM nba_raw.nbac_player_boxscores;\n",
        },
    )
    assert [f.actual for f in of_rule(run_audit(small_repo).findings, "unknown-table")] == ["nbac_player_boxscores"]


def test_placeholders_are_masked_with_exact_positions() -> None:
    text = "SELECT * FROM `{project}.nba_raw.x` JOIN nba_raw.{t} ON TRUE JOIN {{ ds }}.y ON TRUE\n"
    refs = [(r.project, r.dataset, r.table, r.location.column, r.placeholder) for r in extract("q.sql", text).tables]
    assert refs == [
        (None, "nba_raw", "x", 15, False),
        (None, "nba_raw", "___", 42, True),
        (None, "________", "y", 67, True),
    ]


SNAPSHOT_TABLES = ("bdl_player_boxscores", "br_rosters_current", "nbac_injury_report", "nbac_schedule")


def snapshot(tables: tuple[str, ...]) -> str:
    items = [
        {"tableReference": {"projectId": "p", "datasetId": "nba_raw", "tableId": t}, "type": "TABLE"} for t in tables
    ]
    return json.dumps(items)


def test_a_snapshot_answers_with_authority(small_repo: Path) -> None:
    source = "snapshot:inventory/tables.json"
    write(
        small_repo,
        {
            ".driftbot.yml": f"inventory: ['{source}']\n",
            "inventory/tables.json": snapshot(SNAPSHOT_TABLES),
            # Declared in the repository, but not deployed: the snapshot speaks for nba_raw.
            "schemas/raw.sql": "CREATE TABLE nba_raw.legacy_scores (x INT64);\n",
            "q.sql": (
                "SELECT * FROM nba_raw.nbac_injury_report;\n"  # deployed, not in the SSOT: fine
                "SELECT * FROM nba_raw.legacy_scores;\n"
                "SELECT * FROM nba_raw.br_roster;\n"
            ),
        },
    )
    report = run_audit(small_repo)
    absent = f"not in {source}"
    assert of_rule(report.findings, "unknown-table") == [
        unknown(
            "q.sql",
            2,
            23,
            "legacy_scores",
            f"'nba_raw.legacy_scores' is not a known table: {absent}",
            confidence="certain",
            evidence=(absent,),
        ),
        unknown(
            "q.sql",
            3,
            23,
            "br_roster",
            f"'nba_raw.br_roster' is not a known table: {absent}; did you mean 'br_rosters_current'?",
            expected="br_rosters_current",
            fixable=True,
            confidence="certain",
            evidence=(
                absent,
                "'br_roster' is not in the inventory; 'br_rosters_current' is",
                "'br_roster' is a prefix of 'br_rosters_current'",
            ),
        ),
    ]


def test_complete_dataset_ignores_declarations_but_not_authority(small_repo: Path) -> None:
    phase2 = small_repo / PHASE2
    phase2.write_text(phase2.read_text() + "complete: true\n")
    write(
        small_repo,
        {
            "schemas/raw.sql": "CREATE TABLE nba_raw.nbac_player_boxscores (x INT64);\n",
            "q.sql": "SELECT * FROM nba_raw.nbac_player_boxscores;\nSELECT * FROM nba_raw.nbac_schedule;\n",
        },
    )
    why = "not in the SSOT, which declares nba_raw complete"
    assert of_rule(run_audit(small_repo).findings, "unknown-table") == [
        unknown(
            "q.sql",
            1,
            23,
            "nbac_player_boxscores",
            f"'nba_raw.nbac_player_boxscores' is not a known table: {why}",
            confidence="likely",
            # The repository creates it: never renamed to the 0.88-similar bdl_player_boxscores.
            evidence=(why, "CREATE TABLE at schemas/raw.sql:1"),
        )
    ]
    # An authoritative inventory that lists the table wins: a table that exists is never drift.
    write(small_repo, {"t.json": snapshot(("nbac_player_boxscores",))})
    assert of_rule(run_audit(small_repo, inventories=["snapshot:t.json"]).findings, "unknown-table") == []


@pytest.mark.slow
def test_live_inventory_knows_every_deployed_table(emulator: Emulator, small_repo: Path, tmp_path: Path) -> None:
    project = "known-tables-live"
    ddl = tmp_path / "deployed.sql"  # outside the repository: only BigQuery knows these tables
    ddl.write_text(
        "".join(
            f"CREATE TABLE `nba-props-platform.nba_raw.{t}` (game_id STRING);\n"
            for t in ("bdl_player_boxscores", "nbac_player_boxscores", "nbac_play_by_play", "odds_api_game_lines")
        )
    )
    emulator.run_ddl(project, [ddl])
    write(
        small_repo,
        {
            "q.sql": (
                # Real tables whose names are 0.88 like an SSOT table: never drift, never renamed.
                "SELECT * FROM nba_raw.nbac_player_boxscores n JOIN nba_raw.bdl_player_boxscores b USING (game_id);\n"
                "SELECT * FROM nba_raw.nbac_play_by_play;\n"
                "SELECT * FROM nba_raw.espn_boxscores;\n"
            )
        },
    )
    live = f"bigquery://{project}"
    report = run_audit(small_repo, inventories=[live], bigquery_endpoint=emulator.endpoint)
    absent = f"not in {live}"
    assert of_rule(report.findings, "unknown-table") == [
        unknown(
            "q.sql",
            3,
            23,
            "espn_boxscores",
            f"'nba_raw.espn_boxscores' is not a known table: {absent}",
            confidence="certain",  # certainly absent; no table is close enough to be its new name
            evidence=(absent,),
        )
    ]


GAMEBOOK = (
    "-- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)\nSELECT 1\n"
)


def test_a_comment_word_the_repository_uses_as_a_value_is_not_stale(small_repo: Path) -> None:
    write(small_repo, {"bin/q.sql": GAMEBOOK})
    assert [(f.location, f.confidence) for f in of_rule(run_audit(small_repo).findings, "stale-comment-name")] == [
        (Location("bin/q.sql", 1, 55), "likely")
    ]
    write(small_repo, {"processors/fallback.py": "primary_source = 'nbac_gamebook'\n"})
    assert of_rule(run_audit(small_repo).findings, "stale-comment-name") == []


def test_a_comment_word_used_as_a_value_in_the_same_query_is_not_stale(small_repo: Path) -> None:
    text = GAMEBOOK.replace(
        "SELECT 1", "SELECT * FROM nba_raw.bdl_player_boxscores WHERE primary_source = 'nbac_gamebook'"
    )
    write(small_repo, {"bin/q.sql": text})
    assert of_rule(run_audit(small_repo).findings, "stale-comment-name") == []


def test_a_comment_word_naming_a_known_table_is_not_stale(small_repo: Path) -> None:
    write(small_repo, {"bin/q.sql": GAMEBOOK, "schemas/raw.sql": "CREATE TABLE nba_raw.nbac_gamebook (x INT64);\n"})
    assert of_rule(run_audit(small_repo).findings, "stale-comment-name") == []


def test_commented_out_and_quoted_ddl_declares_nothing(small_repo: Path) -> None:
    text = (
        "/* CREATE TABLE nba_raw.in_block (x INT64) */\n"
        "# CREATE TABLE nba_raw.in_hash (x INT64)\n"
        "-- CREATE TABLE nba_raw.in_dashes (x INT64)\n"
        "SELECT '''\nCREATE TABLE nba_raw.in_triple (x INT64)''' AS s, \"CREATE VIEW nba_raw.in_double\" AS d;\n"
        "CREATE TABLE `{project}.nba_raw.real_one` AS SELECT 'a(b' AS s;\n"
        "CREATE TABLE nba_raw.{table_name} AS SELECT 1;\n"
    )
    write(small_repo, {"schemas/raw.sql": text})
    declared = build_context(small_repo)[0].known_tables.declared_in
    assert [(t.project, t.dataset, t.table, t.declared_at) for d in declared for t in d.tables] == [
        ("", "nba_raw", "real_one", Location("schemas/raw.sql", 6, 14))
    ]


def test_a_delete_not_in_script_on_an_undeclared_table_gets_no_rename(small_repo: Path) -> None:
    """Without any declaration the table is unknown (possible), but never renamed to a 0.6-similar SSOT table."""
    text = (
        "DELETE FROM nba_raw.odds_api_player_points_props\n"
        "WHERE event_id NOT IN (SELECT event_id FROM nba_raw.odds_api_player_points_props WHERE bookmaker = 'x');\n"
    )
    write(small_repo, {"bin/cleanup.sql": text})
    found = of_rule(run_audit(small_repo).findings, "unknown-table")
    assert [(f.location.line, f.expected, f.fixable, f.confidence) for f in found] == [
        (1, None, False, "possible"),
        (2, None, False, "possible"),
    ]
