"""
Self-heal (Cloud Function, HTTP, Cloud Scheduler every 30 minutes 12:00-23:30 ET)

Looks for game dates whose analytics are missing even though the raw data
arrived, and re-triggers the Phase 3 processors for them. Only the three
tables the prediction features depend on are checked: the team context table
is rebuilt by the next morning's run anyway.
"""

import json
import logging
import os
from datetime import date, timedelta
from typing import Dict, List

import functions_framework
from google.cloud import bigquery, firestore, pubsub_v1

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'nba-props-platform')
PHASE3_TRIGGER_TOPIC = 'nba-phase3-trigger'
LOOKBACK_DAYS = 3

# Analytics tables worth healing (the rest are rebuilt by the next scheduled run).
TABLES_TO_CHECK = [
    'player_game_summary',
    'team_defense_game_summary',
    'upcoming_player_game_context',
]

# What a healed date looks like in phase3_completion; used to reset the document.
RESET_TEMPLATE: Dict[str, object] = {
    '_completed_count': 0,
    '_triggered': False,
    '_healed_by': 'self_heal',
}

bq = bigquery.Client(project=PROJECT_ID)
db = firestore.Client()
publisher = pubsub_v1.PublisherClient()


def dates_with_games(start: date, end: date) -> List[date]:
    query = f"""
        SELECT DISTINCT game_date
        FROM `{PROJECT_ID}.nba_raw.nbac_schedule`
        WHERE game_date BETWEEN @start AND @end AND game_status_text = 'Final'
    """
    job_config = bigquery.QueryJobConfig(query_parameters=[
        bigquery.ScalarQueryParameter('start', 'DATE', start),
        bigquery.ScalarQueryParameter('end', 'DATE', end),
    ])
    return [row.game_date for row in bq.query(query, job_config=job_config).result()]


def missing_tables(game_date: date) -> List[str]:
    missing = []
    for table in TABLES_TO_CHECK:
        query = f"""
            SELECT COUNT(*) AS n FROM `{PROJECT_ID}.nba_analytics.{table}`
            WHERE game_date = '{game_date.isoformat()}'
        """
        if list(bq.query(query).result())[0].n == 0:
            missing.append(table)
    return missing


def heal(game_date: date, tables: List[str]) -> None:
    db.collection('phase3_completion').document(game_date.isoformat()).set(RESET_TEMPLATE, merge=True)
    message = {'game_date': game_date.isoformat(), 'processors': tables, 'trigger_source': 'self_heal'}
    topic_path = publisher.topic_path(PROJECT_ID, PHASE3_TRIGGER_TOPIC)
    publisher.publish(topic_path, data=json.dumps(message).encode('utf-8')).result(timeout=30)


@functions_framework.http
def self_heal(request):
    today = date.today()
    healed = {}
    for game_date in dates_with_games(today - timedelta(days=LOOKBACK_DAYS), today - timedelta(days=1)):
        tables = missing_tables(game_date)
        if tables:
            logger.warning("%s: missing %s; re-triggering Phase 3", game_date, tables)
            heal(game_date, tables)
            healed[game_date.isoformat()] = tables
    return {'healed': healed}, 200
