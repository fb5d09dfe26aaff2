"""
Phase 4 -> Phase 5 Orchestrator (Cloud Function)

Waits for the Phase 4 precompute processors of a game date, checks that the
feature store holds rows for the date, and publishes
nba-phase4-precompute-complete, which pushes to the prediction coordinator's
/trigger endpoint. The 03:00 PT Cloud Scheduler job is the backup path.
"""

import base64
import json
import logging
import os
from typing import Dict, List, Tuple

import functions_framework
from google.cloud import bigquery, firestore, pubsub_v1

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'nba-props-platform')
COMPLETION_TOPIC = 'nba-phase4-precompute-complete'
COMPLETION_COLLECTION = 'phase4_completion'

# Phase 4 processors whose completion gates Phase 5.
EXPECTED_PHASE4_PROCESSORS = [
    'player_composite_factors',
    'player_shot_zone_analysis',
    'team_defense_zone_analysis',
    'ml_feature_store',
]

# Per-date output contract checked before predictions start: the coordinator
# reads only the feature store, so that is the one table that must be filled.
PHASE4_OUTPUT_CONTRACT: Dict[str, Dict[str, object]] = {
    'ml_feature_store_v2': {
        'dataset': 'nba_precompute',
        'date_column': 'game_date',
        'min_rows': 100,
        'min_feature_quality': 70.0,
    },
}

db = firestore.Client()
bq = bigquery.Client(project=PROJECT_ID)
publisher = pubsub_v1.PublisherClient()


def _validate_phase4_ready(game_date: str) -> Tuple[bool, List[str]]:
    """Check the output contract of the date; return (ready, problems)."""
    problems: List[str] = []
    for table, contract in PHASE4_OUTPUT_CONTRACT.items():
        query = f"""
            SELECT COUNT(*) AS row_count, AVG(feature_quality_score) AS quality
            FROM `{PROJECT_ID}.{contract['dataset']}.{table}`
            WHERE {contract['date_column']} = @game_date
        """
        job_config = bigquery.QueryJobConfig(
            query_parameters=[bigquery.ScalarQueryParameter('game_date', 'DATE', game_date)])
        row = list(bq.query(query, job_config=job_config).result())[0]
        if row.row_count < contract['min_rows']:
            problems.append(f"{table}: {row.row_count} rows < {contract['min_rows']}")
        if row.quality is not None and row.quality < contract['min_feature_quality']:
            problems.append(f"{table}: feature quality {row.quality:.1f}")
    return not problems, problems


@functions_framework.cloud_event
def orchestrate_phase4_to_phase5(cloud_event) -> None:
    data = cloud_event.data.get('message', {}).get('data')
    payload = json.loads(base64.b64decode(data).decode('utf-8')) if data else {}
    processor_name, game_date = payload.get('processor_name'), payload.get('game_date')
    if not processor_name or not game_date:
        logger.error("Missing processor_name or game_date: %s", payload)
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    doc_ref.set({processor_name: {'status': payload.get('status', 'success')}}, merge=True)
    current = doc_ref.get().to_dict() or {}
    missing = [name for name in EXPECTED_PHASE4_PROCESSORS if name not in current]
    if missing:
        logger.info("%s: waiting for %s", game_date, missing)
        return
    if current.get('_triggered'):
        return

    ready, problems = _validate_phase4_ready(game_date)
    if not ready:
        logger.error("%s: Phase 4 complete but output contract fails: %s", game_date, problems)
        return

    doc_ref.update({'_triggered': True})
    topic_path = publisher.topic_path(PROJECT_ID, COMPLETION_TOPIC)
    message = {'game_date': game_date, 'trigger_source': 'phase4_to_phase5'}
    publisher.publish(topic_path, data=json.dumps(message).encode('utf-8')).result(timeout=30)
    logger.info("%s: published %s", game_date, COMPLETION_TOPIC)
