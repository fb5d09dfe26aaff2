"""
Daily health summary (Cloud Function, HTTP, Cloud Scheduler 08:00 ET)

Posts yesterday's pipeline health to Slack: completion per phase (from
Firestore) and how fresh the two upstream tables of the prediction features
are. Read-only: it never re-triggers anything (see self_heal for that).
"""

import logging
import os
from datetime import date, timedelta
from typing import Dict, List

import functions_framework
import requests
from google.cloud import bigquery, firestore

from shared.config.orchestration_config import expected_processors_for

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'nba-props-platform')
SLACK_WEBHOOK_URL = os.environ.get('SLACK_WEBHOOK_URL', '')

# Freshness of the two tables the features are computed from: table -> date column.
UPSTREAM_DATE_COLUMNS: Dict[str, str] = {
    'player_game_summary': 'game_date',
    'upcoming_player_game_context': 'game_date',
}

bq = bigquery.Client(project=PROJECT_ID)
db = firestore.Client()


def phase_completion(phase: int, game_date: str) -> Dict[str, bool]:
    doc = db.collection(f'phase{phase}_completion').document(game_date).get()
    current = doc.to_dict() if doc.exists else {}
    return {name: name in current for name in expected_processors_for(phase)}


def table_freshness() -> Dict[str, str]:
    freshness = {}
    for table, column in UPSTREAM_DATE_COLUMNS.items():
        query = f"SELECT MAX({column}) AS latest FROM `{PROJECT_ID}.nba_analytics.{table}`"
        rows = list(bq.query(query).result())
        freshness[table] = rows[0].latest.isoformat() if rows and rows[0].latest else 'never'
    return freshness


def render(game_date: str) -> List[Dict]:
    blocks: List[Dict] = [{'type': 'header', 'text': {'type': 'plain_text', 'text': f'Pipeline health {game_date}'}}]
    for phase in (2, 3, 4):
        status = phase_completion(phase, game_date)
        done = sum(status.values())
        missing = ', '.join(name for name, ok in status.items() if not ok) or 'none'
        text = f'*Phase {phase}*: {done}/{len(status)} complete; missing: {missing}'
        blocks.append({'type': 'section', 'text': {'type': 'mrkdwn', 'text': text}})
    fresh = ', '.join(f'{table} {latest}' for table, latest in table_freshness().items())
    blocks.append({'type': 'context', 'elements': [{'type': 'mrkdwn', 'text': f'Freshness: {fresh}'}]})
    return blocks


@functions_framework.http
def daily_health_summary(request):
    game_date = (date.today() - timedelta(days=1)).isoformat()
    blocks = render(game_date)
    if SLACK_WEBHOOK_URL:
        requests.post(SLACK_WEBHOOK_URL, json={'blocks': blocks}, timeout=10)
    return {'game_date': game_date, 'blocks': len(blocks)}, 200
