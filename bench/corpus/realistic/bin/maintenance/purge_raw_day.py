"""Purge one game date from the raw tables a re-scrape reloads, before the reload.

Usage: python bin/maintenance/purge_raw_day.py 2026-01-20
Not every phase 2 table: only the sources the re-scrape job writes, plus the
NBA.com tables the cross-validation reads.
"""

import sys

from google.cloud import bigquery

PROJECT_ID = 'nba-props-platform'

PURGE_TABLES = [
    'bdl_player_boxscores',
    'nbac_schedule',
    'nbac_player_boxscore',
    'nbac_team_boxscore',
    'espn_boxscores',
    'nbac_play_by_play',
]

# Partition column of each table family; every purged table has one of these.
DATE_COLUMNS = ['game_date', 'game_date_est', 'scheduled_date']


def purge(game_date: str) -> None:
    client = bigquery.Client(project=PROJECT_ID)
    for table in PURGE_TABLES:
        client.query(
            f"DELETE FROM `{PROJECT_ID}.nba_raw.{table}` WHERE game_date = @game_date",
            job_config=bigquery.QueryJobConfig(
                query_parameters=[bigquery.ScalarQueryParameter('game_date', 'DATE', game_date)]
            ),
        ).result()


if __name__ == '__main__':
    purge(sys.argv[1])
