"""
Data freshness checks for the Phase 2 raw tables.

Run hourly by Cloud Scheduler (job: nba-data-freshness-check). For each table
it reads the newest partition date and alerts on Slack when the table is older
than its allowed lag.
"""

import logging
from datetime import date, timedelta
from typing import Dict, List, Tuple

from google.cloud import bigquery

from shared.utils.notification_system import notify_warning

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'

# (dataset, table, partition/date column)
TABLE_FRESHNESS_CHECKS: List[Tuple[str, str, str]] = [
    ('nba_raw', 'bdl_player_boxscores', 'game_date'),
    ('nba_raw', 'bigdataball_play_by_play', 'game_date'),
    ('nba_raw', 'odds_api_game_lines', 'game_date'),
    ('nba_raw', 'nbac_schedule', 'game_date'),
    ('nba_raw', 'nbac_gamebook_player_stats', 'game_date'),
    ('nba_raw', 'br_rosters_current', 'last_scraped_date'),
]

# Rosters only change on trades and signings, so they may lag for days.
MAX_LAG_DAYS: Dict[str, int] = {
    'default': 1,
    'roster': 7,
}


def latest_date(client: bigquery.Client, dataset: str, table: str, column: str) -> date:
    query = f"SELECT MAX({column}) AS latest FROM `{PROJECT_ID}.{dataset}.{table}`"
    rows = list(client.query(query).result())
    return rows[0].latest if rows else None


def check_freshness(client: bigquery.Client, today: date) -> List[str]:
    """Return one message per stale table (and notify)."""
    stale = []
    for dataset, table, column in TABLE_FRESHNESS_CHECKS:
        allowed = MAX_LAG_DAYS['roster'] if column == 'last_scraped_date' else MAX_LAG_DAYS['default']
        latest = latest_date(client, dataset, table, column)
        if latest is None or today - latest > timedelta(days=allowed):
            message = f"{dataset}.{table} is stale: newest {column} is {latest}"
            logger.warning(message)
            stale.append(message)
    if stale:
        notify_warning(title="Stale raw tables", message="\n".join(stale))
    return stale


def main() -> None:
    client = bigquery.Client(project=PROJECT_ID)
    stale = check_freshness(client, date.today())
    logger.info("Freshness check done: %d stale table(s)", len(stale))


if __name__ == '__main__':
    main()
