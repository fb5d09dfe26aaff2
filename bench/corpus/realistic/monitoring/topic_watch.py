"""Alert when the Phase 5 dead-letter topic receives messages (Cloud Monitoring, not Pub/Sub pulls)."""

import os

PROJECT_ID = os.environ.get('GCP_PROJECT', 'nba-props-platform')
DLQ_TOPIC = os.environ.get('DLQ_TOPIC', 'nba-phase5-trigger-dlq')
# The staging stack publishes to its own copy of the Phase 4 completion topic.
STAGING_COMPLETION_TOPIC = 'nba-phase4-precompute-complete-staging'
# A vendor's webhook topic, owned by the odds team: not part of the Phase 4 -> 5 integration.
VENDOR_TOPIC = os.environ.get('VENDOR_TOPIC', 'odds-api-webhook-events')
COORDINATOR_STATUS_URL = os.environ.get(
    'COORDINATOR_STATUS_URL', 'https://prediction-coordinator-f7p3g7f6ya-wl.a.run.app/status'
)


def alert_policy(threshold=1):
    return {
        'display_name': f'{DLQ_TOPIC} has undelivered messages',
        'filter': f'resource.type="pubsub_topic" AND resource.label.topic_id="{DLQ_TOPIC}"',
        'threshold': threshold,
    }
