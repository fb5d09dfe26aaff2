"""
Phase 2 freshness gate.

Phase 3 analytics must not start on stale raw data. Before the morning run,
each required raw table must hold rows for yesterday's game date. Rosters
(br_rosters_current) are optional: Basketball Reference may not publish for
days when nothing changes, so they are not part of the gate. The team box
score table is required although no orchestrated processor writes it: the
team summaries read it.
"""

import logging
from datetime import date, timedelta
from typing import List, Tuple

from google.cloud import bigquery

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'

# (dataset, table, date column) of every table that must be fresh.
REQUIRED_PHASE2_TABLES: List[Tuple[str, str, str]] = [
    ('nba_raw', 'bdl_player_boxscores', 'game_date'),
    ('nba_raw', 'bigdataball_play_by_play', 'game_date'),
    ('nba_raw', 'odds_api_game_lines', 'game_date'),
    ('nba_raw', 'nbac_schedule', 'game_date'),
    ('nba_raw', 'nbac_gamebook_player_stats', 'game_date'),
    ('nba_raw', 'nbac_team_boxscore', 'game_date'),
]


class StaleDataError(RuntimeError):
    pass


def stale_tables(client: bigquery.Client, game_date: date) -> List[str]:
    stale = []
    for dataset, table, column in REQUIRED_PHASE2_TABLES:
        query = f"""
            SELECT COUNT(*) AS n FROM `{PROJECT_ID}.{dataset}.{table}`
            WHERE {column} = '{game_date.isoformat()}'
        """
        if list(client.query(query).result())[0].n == 0:
            stale.append(f'{dataset}.{table}')
    return stale


def enforce(client: bigquery.Client, today: date) -> None:
    game_date = today - timedelta(days=1)
    if not has_games(client, game_date):
        logger.info("No games on %s; gate passes", game_date)
        return
    stale = stale_tables(client, game_date)
    if stale:
        raise StaleDataError(f"Phase 2 data missing for {game_date}: {', '.join(stale)}")


def has_games(client: bigquery.Client, game_date: date) -> bool:
    query = f"""
        SELECT COUNT(*) AS n FROM `{PROJECT_ID}.nba_raw.nbac_schedule`
        WHERE game_date = '{game_date.isoformat()}'
    """
    return list(client.query(query).result())[0].n > 0
