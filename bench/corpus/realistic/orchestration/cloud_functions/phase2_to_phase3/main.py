"""
Phase 2 -> Phase 3 Orchestrator (Cloud Function)

Triggered by the Pub/Sub message each Phase 2 raw processor publishes when it
finishes a run. Completions are recorded per game date in Firestore; once every
expected processor has reported, the Phase 3 analytics trigger is published.

Trigger: Pub/Sub topic nba-phase2-raw-complete
Deploy:  ./bin/orchestrators/deploy_phase2_to_phase3.sh

Firestore layout:
    phase2_completion/{game_date}
        {processor_name}: {completed_at, status, record_count, correlation_id}
        _completed_count: int
        _triggered: bool
        _triggered_at: timestamp
"""

import base64
import json
import logging
import os
from datetime import datetime, timezone
from typing import Dict, List, Optional

import functions_framework
from google.cloud import firestore, pubsub_v1

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'nba-props-platform')
PHASE3_TRIGGER_TOPIC = os.environ.get('PHASE3_TRIGGER_TOPIC', 'nba-phase3-trigger')
COMPLETION_COLLECTION = 'phase2_completion'

# Statuses a processor may report; 'skipped' counts as complete (e.g. no games).
COMPLETE_STATUSES = ('success', 'skipped', 'no_data')

# Document fields that are bookkeeping, not processors.
METADATA_FIELDS = ('_completed_count', '_triggered', '_triggered_at', '_first_completion_at')

db = firestore.Client()
publisher = pubsub_v1.PublisherClient()


def normalize_processor_name(raw_name: str) -> str:
    """Turn a class name such as 'BdlPlayerBoxScoresProcessor' into snake_case.

    Processors publish either their class name or their processor_name; the
    completion document is keyed by the snake_case processor_name.
    """
    name = raw_name.strip()
    if name.endswith('Processor'):
        name = name[: -len('Processor')]
    if name.islower():
        return name
    chars: List[str] = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and not name[i - 1].isupper():
            chars.append('_')
        chars.append(ch.lower())
    return ''.join(chars)


def parse_pubsub_message(cloud_event) -> Dict:
    """Decode the base64 JSON payload of a Pub/Sub CloudEvent."""
    data = cloud_event.data.get('message', {}).get('data')
    if not data:
        return {}
    try:
        return json.loads(base64.b64decode(data).decode('utf-8'))
    except (ValueError, UnicodeDecodeError) as exc:
        logger.error("Malformed Pub/Sub payload: %s", exc)
        return {}


# Expected processors come from the shared orchestration config; the fallback
# list below is only used when the vendored shared/ package is missing.
try:
    from shared.config.orchestration_config import get_orchestration_config
    _config = get_orchestration_config()
    EXPECTED_PROCESSORS: List[str] = _config.phase_transitions.phase2_expected_processors
except ImportError:
    logger.warning("Could not import orchestration_config, using fallback list")
    EXPECTED_PROCESSORS: List[str] = [
        'bdl_player_boxscores',       # Ball Don't Lie box scores
        'bigdataball_play_by_play',   # BigDataBall play-by-play
        'odds_api_game_lines',        # Odds API game lines
        'nbac_schedule',              # NBA.com schedule
        'nbac_gamebook_player_stats', # NBA.com gamebook stats
        'br_roster',                  # Basketball-ref rosters
    ]

EXPECTED_COUNT = len(EXPECTED_PROCESSORS)


@firestore.transactional
def _record_completion(transaction, doc_ref, processor_name: str, payload: Dict) -> bool:
    """Record one completion; return True if this call completed the set."""
    snapshot = doc_ref.get(transaction=transaction)
    current = snapshot.to_dict() if snapshot.exists else {}

    if current.get('_triggered'):
        logger.info("Phase 3 already triggered for %s, ignoring %s", doc_ref.id, processor_name)
        return False

    current[processor_name] = {
        'completed_at': firestore.SERVER_TIMESTAMP,
        'status': payload.get('status', 'success'),
        'record_count': payload.get('record_count', 0),
        'correlation_id': payload.get('correlation_id'),
    }
    if '_first_completion_at' not in current:
        current['_first_completion_at'] = firestore.SERVER_TIMESTAMP

    completed = [name for name in EXPECTED_PROCESSORS if name in current]
    current['_completed_count'] = len(completed)
    if len(completed) >= EXPECTED_COUNT:
        current['_triggered'] = True
        current['_triggered_at'] = firestore.SERVER_TIMESTAMP
        transaction.set(doc_ref, current)
        return True

    transaction.set(doc_ref, current)
    return False


def _missing_processors(game_date: str) -> List[str]:
    snapshot = db.collection(COMPLETION_COLLECTION).document(game_date).get()
    current = snapshot.to_dict() if snapshot.exists else {}
    return [name for name in EXPECTED_PROCESSORS if name not in current]


def _publish_phase3_trigger(game_date: str, correlation_id: Optional[str]) -> str:
    message = {
        'game_date': game_date,
        'correlation_id': correlation_id,
        'trigger_source': 'phase2_to_phase3',
        'triggered_at': datetime.now(timezone.utc).isoformat(),
        'expected_processors': EXPECTED_PROCESSORS,
    }
    topic_path = publisher.topic_path(PROJECT_ID, PHASE3_TRIGGER_TOPIC)
    future = publisher.publish(topic_path, data=json.dumps(message).encode('utf-8'))
    return future.result(timeout=30)


@functions_framework.cloud_event
def orchestrate_phase2_to_phase3(cloud_event) -> None:
    """Entry point: one Phase 2 processor finished for one game date."""
    payload = parse_pubsub_message(cloud_event)
    raw_name = payload.get('processor_name')
    game_date = payload.get('game_date')
    if not raw_name or not game_date:
        logger.error("Missing processor_name or game_date in message: %s", payload)
        return

    processor_name = normalize_processor_name(raw_name)
    if processor_name not in EXPECTED_PROCESSORS:
        # Not fatal: a processor outside the critical set (or a renamed one).
        logger.warning("Unexpected processor %s for %s; expected one of %s",
                       processor_name, game_date, EXPECTED_PROCESSORS)
        return

    if payload.get('status', 'success') not in COMPLETE_STATUSES:
        logger.info("Processor %s reported status %s; not counting it", processor_name, payload.get('status'))
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    should_trigger = _record_completion(db.transaction(), doc_ref, processor_name, payload)

    if should_trigger:
        message_id = _publish_phase3_trigger(game_date, payload.get('correlation_id'))
        logger.info("All %d Phase 2 processors complete for %s; published %s",
                    EXPECTED_COUNT, game_date, message_id)
    else:
        missing = _missing_processors(game_date)
        logger.info("Recorded %s for %s; still waiting for %s", processor_name, game_date, missing)
