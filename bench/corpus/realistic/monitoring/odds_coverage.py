"""
Odds coverage check (Phase 2).

Counts the games of a day that have pre-game lines, so that a missing scrape
shows up before the props are priced.

Example (BigQuery console):
    SELECT game_date, COUNT(DISTINCT game_id) AS games_with_lines
    FROM `nba-props-platform.nba_raw.odds_api_game_line`
    WHERE game_date = CURRENT_DATE()
    GROUP BY game_date

Select the date from the schedule first: a day without games has no lines.
"""

from google.cloud import bigquery

PROJECT_ID = 'nba-props-platform'


def games_with_lines(client: bigquery.Client, game_date: str) -> int:
    """Games of `game_date` that have lines.

    Example: SELECT COUNT(*) FROM nba_raw.odds_api_game_lines WHERE game_date = (
    """
    query = f"""
        SELECT COUNT(DISTINCT game_id) AS n
        FROM `{PROJECT_ID}.nba_raw.odds_api_game_lines`
        WHERE game_date = @game_date
    """
    job = client.query(query, job_config=bigquery.QueryJobConfig(
        query_parameters=[bigquery.ScalarQueryParameter('game_date', 'DATE', game_date)]))
    return next(iter(job.result())).n


def scheduled_games(client: bigquery.Client, game_date: str) -> int:
    """Games on the schedule.

    >>> SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date = '2026-01-20'
    """
    return 0
