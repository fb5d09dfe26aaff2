"""SQL extraction (exact positions) and the SQL rules: unknown-table, stale-comment-name, unparsable-sql."""

from __future__ import annotations

import shutil
from pathlib import Path

from driftbot.extract.sql import extract
from driftbot.fix import fix_repo
from driftbot.ftypes import Location
from driftbot.inventory.known import KnownTables
from driftbot.rules.sql import check_file
from driftbot.ssot import loader
from example_helpers import ROOT

SSOT = loader.load(ROOT / "ssot", ROOT)
KNOWN = KnownTables.build(SSOT, ())


def loc(line: int, column: int) -> Location:
    return Location("q.sql", line, column)


def findings(text: str) -> list[tuple[str, str, str | None, str | None, bool]]:
    found = check_file(extract("q.sql", text), SSOT, KNOWN)
    return [(f.rule, str(f.location), f.actual, f.expected, f.fixable) for f in found]


def test_table_references_with_exact_columns() -> None:
    text = (
        "SELECT *\n"
        "FROM `nba-props-platform.nba_raw.nbac_gamebook` AS g  -- backticked, three parts\n"
        "JOIN nba_raw.bdl_player_boxscores b USING (game_id)\n"
        "  JOIN `nba_raw`.`odds` o ON TRUE\n"
        "WHERE x IN (SELECT y FROM proj.nba_analytics.player_game_summary)\n"
    )
    refs = [(r.project, r.dataset, r.table, r.location, r.name_at) for r in extract("q.sql", text).tables]
    assert refs == [
        ("nba-props-platform", "nba_raw", "nbac_gamebook", loc(2, 6), loc(2, 34)),
        (None, "nba_raw", "bdl_player_boxscores", loc(3, 6), loc(3, 14)),
        (None, "nba_raw", "odds", loc(4, 8), loc(4, 19)),
        ("proj", "nba_analytics", "player_game_summary", loc(5, 27), loc(5, 46)),
    ]
    lines = text.splitlines()
    for r in extract("q.sql", text).tables:
        assert r.name_at is not None
        assert lines[r.name_at.line - 1][r.name_at.column - 1 :].startswith(r.table)


def test_comments_with_positions_and_strings_are_not_comments() -> None:
    text = "SELECT '-- not a comment' AS s, 1 # hash\n/* block\n   two */ -- tail\nFROM t\n"
    got = [(c.text, c.location, c.text_at, c.block) for c in extract("q.sql", text).comments]
    assert got == [
        (" hash", loc(1, 35), loc(1, 36), False),
        (" block\n   two ", loc(2, 1), loc(2, 3), True),
        (" tail", loc(3, 11), loc(3, 13), False),
    ]


def test_one_bad_statement_is_reported_and_the_others_still_read() -> None:
    text = "SELECT 1 FROM nba_raw.nbac_schedule;\nSELECT FROM WHERE;\nSELECT * FROM nba_raw.br_roster;\n"
    sql = extract("q.sql", text)
    assert [(p.location, p.message) for p in sql.problems] == [
        (loc(2, 13), "cannot parse SQL statement: Expected table name but got 'WHERE'"),
    ]
    assert [r.table for r in sql.tables] == ["nbac_schedule", "br_roster"]
    assert [f[0] for f in findings(text)] == ["unparsable-sql", "unknown-table"]


def test_unknown_table_with_unambiguous_and_ambiguous_hints() -> None:
    text = "SELECT * FROM nba_raw.nbac_gamebook;\nSELECT * FROM nba_precompute.player;\nSELECT * FROM nba_raw.zzz;\n"
    assert findings(text) == [
        ("unknown-table", "q.sql:1:23", "nbac_gamebook", "nbac_gamebook_player_stats", True),
        ("unknown-table", "q.sql:2:30", "player", None, False),
        ("unknown-table", "q.sql:3:23", "zzz", None, False),
    ]
    f = next(iter(check_file(extract("q.sql", text), SSOT, KNOWN)))
    assert f.message == (
        "'nba_raw.nbac_gamebook' is not a known table: no CREATE TABLE/VIEW in the repository and not in the SSOT; "
        "did you mean 'nbac_gamebook_player_stats'?"
    )
    assert f.ssot == "ssot/processors/phase2_raw_processors.yaml"
    # No authoritative inventory: a unique close name is likely, no name at all only possible.
    absent = "no CREATE TABLE/VIEW in the repository and not in the SSOT"
    assert [(g.confidence, g.evidence) for g in check_file(extract("q.sql", text), SSOT, KNOWN)] == [
        ("likely", (absent, "'nbac_gamebook' is a prefix of 'nbac_gamebook_player_stats'")),
        (
            "possible",
            (absent, "3 close names: player_composite_factors, player_daily_cache, player_shot_zone_analysis"),
        ),
        ("possible", (absent,)),
    ]


def test_tables_that_are_not_references_to_check() -> None:
    text = (
        "CREATE TABLE nba_raw.new_table (x INT64);\n"
        "SELECT * FROM nba_raw.INFORMATION_SCHEMA.TABLES;\n"
        "SELECT * FROM `nba_raw.INFORMATION_SCHEMA.PARTITIONS`;\n"
        "SELECT * FROM nba_raw.__TABLES__;\n"
        "SELECT * FROM `nba_raw.odds_*`;\n"
        "SELECT * FROM other_dataset.anything;\n"
        "WITH cte AS (SELECT 1) SELECT * FROM cte;\n"
    )
    assert findings(text) == []


def test_stale_comment_name_fires_on_the_seed_line() -> None:
    text = "-- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)\n"
    assert findings(text) == [("stale-comment-name", "q.sql:1:55", "nbac_gamebook", "nbac_gamebook_player_stats", True)]


def test_stale_comment_name_is_silent_on_ordinary_comments() -> None:
    quiet = [
        # ordinary words, even near SSOT names
        "-- Track which games are using fallback data from the gamebook and box scores\nSELECT 1\n",
        # a near-miss but no SSOT name or dataset in the comment: no context
        "-- nbac_gamebook was the old name\nSELECT 1\n",
        # the comment names the new table itself: history, not staleness
        "-- nbac_gamebook was renamed to nbac_gamebook_player_stats in 2025\nSELECT 1\n",
        # a column the query itself uses is not stale
        "-- player_game from nba_analytics\nSELECT player_game FROM t\n",
        # ambiguous: a prefix of two tables
        "-- team_defense rows in nba_analytics\nSELECT 1\n",
        # identifiers that only look like SSOT names
        "-- use_legacy_sql and project_id for nba_raw\nSELECT 1\n",
    ]
    for text in quiet:
        assert findings(text) == [], text


def test_consecutive_line_comments_share_their_context() -> None:
    text = "-- Rows of bdl_player_boxscores, with the\n-- nbac_gamebook fallback\nSELECT 1\n"
    assert findings(text) == [("stale-comment-name", "q.sql:2:4", "nbac_gamebook", "nbac_gamebook_player_stats", True)]


def test_fix_renames_inside_backticks_and_in_comments(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    text = "-- fallback: nbac_gamebook instead of bdl_player_boxscores\nSELECT * FROM `p.nba_raw.nbac_gamebook` -- ok\n"
    (tmp_path / "q.sql").write_text(text)
    result = fix_repo(tmp_path, confidence="likely")
    assert sorted(f.rule for f in result.fixed) == ["stale-comment-name", "unknown-table"]
    assert (tmp_path / "q.sql").read_text() == text.replace("nbac_gamebook", "nbac_gamebook_player_stats")
    assert fix_repo(tmp_path, confidence="likely").changed == ()


DBT = (
    "{{ config(materialized='table') }}\n"
    "{# reads nba_raw.retired_table #}\n"
    "SELECT g.game_id\n"
    "FROM {{ source('nba_raw', 'nbac_gamebook') }} AS g\n"
    "JOIN {{ ref('stg_games') }} AS s ON s.id = g.game_id\n"
    "{% if is_incremental() %}\n"
    "WHERE g.game_date > (SELECT MAX(game_date) FROM {{ this }})\n"
    "{% endif %}\n"
)


def test_a_dbt_model_reads_source_as_its_table_and_skips_tags_comments_and_refs() -> None:
    refs = [(r.dataset, r.table, r.location, r.name_at) for r in extract("q.sql", DBT).tables]
    assert refs == [  # `{{ ref(...) }}` and `{{ this }}` are placeholders: a table no rule checks
        ("nba_raw", "nbac_gamebook", loc(4, 20), loc(4, 28)),
        (None, "_" * 22, loc(5, 6), loc(5, 6)),
        (None, "_" * 10, loc(7, 49), loc(7, 49)),
    ]
    assert extract("q.sql", DBT).problems == ()
    assert findings(DBT) == [
        ("unknown-table", "q.sql:4:28", "nbac_gamebook", "nbac_gamebook_player_stats", True),
    ]


def test_a_dbt_source_is_renamed_inside_its_quotes(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "q.sql").write_text(DBT)
    result = fix_repo(tmp_path, confidence="likely")
    assert [f.rule for f in result.fixed] == ["unknown-table"]
    assert (tmp_path / "q.sql").read_text() == DBT.replace("'nbac_gamebook'", "'nbac_gamebook_player_stats'")
