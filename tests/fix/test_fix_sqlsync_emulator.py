"""The generated table-verification queries against a real BigQuery-protocol server (bqemulator).

Dry-run through `driftbot.inventory.bigquery.dry_run`, then run for real: tables the DDL created
exist, a dropped one does not, and only a table that received rows counts as fresh.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from driftbot.fix.sqlsync import render
from driftbot.inventory.bigquery import dry_run
from driftbot.ssot import loader
from example_helpers import EXAMPLE

PROJECT = "driftbot-sqlsync"
SERVERS = Path(__file__).resolve().parents[1] / "inventory" / "inventory_servers.py"


def _servers() -> ModuleType:
    """The inventory tests' emulator helper (one implementation of starting bqemulator offline)."""
    spec = importlib.util.spec_from_file_location("inventory_servers", SERVERS)
    assert spec is not None
    assert spec.loader is not None
    module = sys.modules.get("inventory_servers") or importlib.util.module_from_spec(spec)
    if "inventory_servers" not in sys.modules:
        sys.modules["inventory_servers"] = module
        spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = _servers().start_emulator(tmp_path_factory.mktemp("bqemulator-home"))
    try:
        running.run_ddl(PROJECT, sorted((EXAMPLE / "schemas" / "bigquery").glob("*.sql")))
        yield running
    finally:
        running.stop()


def statements(region: str) -> list[str]:
    return [s for s in _servers().split_statements(region) if "SELECT" in s]


def test_generated_queries_pass_a_dry_run_and_answer_correctly(emulator: Any) -> None:
    ssot = loader.load(EXAMPLE / "ssot", EXAMPLE)
    queries = statements(render(ssot, 36))
    assert len(queries) == 3
    for sql in queries:
        dry_run(sql, PROJECT, emulator.endpoint)

    client = emulator.client(PROJECT)
    client.query("DROP TABLE nba_raw.br_rosters_current").result()
    client.query(
        "INSERT INTO nba_raw.nbac_schedule (game_id, game_date, season_year, home_team_abbr, away_team_abbr,"
        " processed_at) VALUES ('g1', CURRENT_DATE(), 2025, 'LAL', 'BOS', CURRENT_TIMESTAMP())"
    ).result()
    rows = [dict(r) for r in client.query(queries[0]).result()]
    assert [(r["table_name"], r["table_exists"], r["received_rows_recently"]) for r in rows] == [
        ("bdl_player_boxscores", True, False),
        ("bigdataball_play_by_play", True, False),
        ("odds_api_game_lines", True, False),
        ("nbac_schedule", True, True),
        ("nbac_gamebook_player_stats", True, False),
        ("br_rosters_current", False, False),
    ]
