"""Unit tests for the Phase 2 freshness gate."""

from datetime import date
from unittest import mock

import pytest

from monitoring import freshness_gate


def fake_client(empty_tables):
    client = mock.Mock()

    def query(sql):
        n = 0 if any(f'.{table}`' in sql for table in empty_tables) else 10
        return mock.Mock(result=lambda: [mock.Mock(n=n)])

    client.query.side_effect = query
    return client


def test_fresh_tables_pass():
    freshness_gate.enforce(fake_client([]), date(2026, 1, 21))


def test_stale_tables_are_named():
    client = fake_client(['odds_api_game_lines', 'nbac_team_boxscore'])
    with pytest.raises(freshness_gate.StaleDataError, match='nba_raw.odds_api_game_lines'):
        freshness_gate.enforce(client, date(2026, 1, 21))


def test_rosters_are_not_gated():
    tables = [table for _, table, _ in freshness_gate.REQUIRED_PHASE2_TABLES]
    assert 'br_rosters_current' not in tables
