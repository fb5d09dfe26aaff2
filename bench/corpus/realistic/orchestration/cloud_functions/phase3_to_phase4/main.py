"""
Phase 3 -> Phase 4 Orchestrator (Cloud Function)

Waits for the Phase 3 analytics processors of a game date, then publishes the
Phase 4 precompute trigger. Unlike Phase 2 -> 3 it degrades gracefully: once
the critical processors have completed and the deadline has passed, Phase 4
starts with whatever optional analytics exist (team context tables are only
used for adjustments, predictions still run without them).

Trigger: Pub/Sub topic nba-phase3-analytics-complete
"""

import base64
import json
import logging
import os
from datetime import datetime, timedelta, timezone
from typing import Dict, Set, Tuple

import functions_framework
from google.cloud import firestore, pubsub_v1

logger = logging.getLogger(__name__)

PROJECT_ID = os.environ.get('GCP_PROJECT_ID', 'nba-props-platform')
PHASE4_TRIGGER_TOPIC = os.environ.get('PHASE4_TRIGGER_TOPIC', 'nba-phase4-trigger')
COMPLETION_COLLECTION = 'phase3_completion'

# Optional analytics: Phase 4 runs without them once the deadline has passed.
# Keep this set small; everything not in it blocks Phase 4.
OPTIONAL_PROCESSORS: Set[str] = {
    'team_defense_game_summary',
    'team_offense_game_summary',
    'upcoming_team_game_context',
}

db = firestore.Client()
publisher = pubsub_v1.PublisherClient()


def get_phase3_requirements() -> Tuple[int, Set[str], Set[str]]:
    """(expected count, critical processors, optional processors) for Phase 3."""
    return (5, {'player_game_summary', 'upcoming_player_game_context'},
            {'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_team_game_context'})


def _deadline_passed(first_completion_at: datetime, timeout_minutes: int) -> bool:
    return datetime.now(timezone.utc) - first_completion_at > timedelta(minutes=timeout_minutes)


def should_trigger_phase4(completed: Set[str], first_completion_at: datetime,
                          timeout_minutes: int = 45) -> Tuple[bool, str]:
    """Decide whether Phase 4 may start, and say why."""
    expected_count, critical, optional = get_phase3_requirements()
    if len(completed & (critical | optional)) >= expected_count:
        return True, 'all_complete'
    missing_critical = critical - completed
    if missing_critical:
        return False, f"waiting for critical: {sorted(missing_critical)}"
    if _deadline_passed(first_completion_at, timeout_minutes):
        skipped = sorted(optional - completed)
        logger.warning("Deadline passed; triggering Phase 4 without optional %s", skipped)
        return True, 'degraded'
    return False, 'waiting for optional processors until the deadline'


def _parse(cloud_event) -> Dict:
    data = cloud_event.data.get('message', {}).get('data')
    return json.loads(base64.b64decode(data).decode('utf-8')) if data else {}


@firestore.transactional
def _record(transaction, doc_ref, processor_name: str) -> Tuple[Set[str], datetime, bool]:
    snapshot = doc_ref.get(transaction=transaction)
    current = snapshot.to_dict() if snapshot.exists else {}
    already = bool(current.get('_triggered'))
    current[processor_name] = {'completed_at': datetime.now(timezone.utc).isoformat()}
    first = current.setdefault('_first_completion_at', datetime.now(timezone.utc).isoformat())
    transaction.set(doc_ref, current)
    completed = {key for key in current if not key.startswith('_')}
    return completed, datetime.fromisoformat(first), already


@functions_framework.cloud_event
def orchestrate_phase3_to_phase4(cloud_event) -> None:
    payload = _parse(cloud_event)
    processor_name = payload.get('processor_name')
    game_date = payload.get('game_date')
    if not processor_name or not game_date:
        logger.error("Missing processor_name or game_date: %s", payload)
        return

    doc_ref = db.collection(COMPLETION_COLLECTION).document(game_date)
    completed, first_completion_at, already = _record(db.transaction(), doc_ref, processor_name)
    if already:
        return

    trigger, reason = should_trigger_phase4(completed, first_completion_at)
    if not trigger:
        logger.info("%s: not triggering Phase 4 yet (%s)", game_date, reason)
        return

    doc_ref.update({'_triggered': True, '_trigger_reason': reason})
    message = {
        'game_date': game_date,
        'trigger_source': 'phase3_to_phase4',
        'mode': reason,
        'completed_processors': sorted(completed),
        'skipped_optional': sorted(OPTIONAL_PROCESSORS - completed),
    }
    topic_path = publisher.topic_path(PROJECT_ID, PHASE4_TRIGGER_TOPIC)
    publisher.publish(topic_path, data=json.dumps(message).encode('utf-8')).result(timeout=30)
    logger.info("%s: Phase 4 triggered (%s)", game_date, reason)
