#!/usr/bin/env bash
# Phase 4 -> 5 integration infrastructure (action plan, Phase 2): Pub/Sub trigger with its
# dead-letter topic, the scheduler backup, two retries and the status check.
#
# Every name, time and path here is stated in ssot/infrastructure/ and checked by `driftbot audit`.
# Timezone decision: Option B, predictions ready by 07:00 America/New_York, so the jobs run at
# 03:00 / 03:15 / 03:30 / 04:00 America/Los_Angeles (= 06:00 / 06:15 / 06:30 / 07:00 Eastern).
set -euo pipefail

PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
REGION="${REGION:-us-west2}"
ENVIRONMENT="${ENVIRONMENT:-prod}"
TIME_ZONE="America/Los_Angeles"
INVOKER="scheduler-invoker@${PROJECT_ID}.iam.gserviceaccount.com"

TRIGGER_TOPIC=nba-phase4-precompute-complete
DLQ_TOPIC=nba-phase5-trigger-dlq
SUBSCRIPTION=nba-phase5-trigger-sub

echo "== Cloud Run: prediction-coordinator"
gcloud run deploy prediction-coordinator \
  --project="$PROJECT_ID" \
  --region="$REGION" \
  --source=predictions/coordinator \
  --no-allow-unauthenticated

COORDINATOR_URL=$(gcloud run services describe prediction-coordinator \
  --project="$PROJECT_ID" --region="$REGION" --format='value(status.url)')

echo "== Pub/Sub topics"
gcloud pubsub topics create "$TRIGGER_TOPIC" "$DLQ_TOPIC" --project="$PROJECT_ID"

echo "== Push subscription: Phase 4 completion -> coordinator /trigger"
gcloud pubsub subscriptions create "$SUBSCRIPTION" \
  --project="$PROJECT_ID" \
  --topic="$TRIGGER_TOPIC" \
  --push-endpoint="${COORDINATOR_URL}/trigger" \
  --push-auth-service-account="$INVOKER" \
  --ack-deadline=600 \
  --dead-letter-topic="$DLQ_TOPIC" \
  --max-delivery-attempts=5

echo "== Cloud Scheduler: backup trigger, retries, status check"
gcloud scheduler jobs create http "prediction-coordinator-daily-${ENVIRONMENT}" \
  --project="$PROJECT_ID" --location="$REGION" \
  --schedule="0 3 * * *" \
  --time-zone="$TIME_ZONE" \
  --uri="${COORDINATOR_URL}/start" \
  --http-method=POST \
  --oidc-service-account-email="$INVOKER" \
  --message-body='{"trigger": "scheduler_backup"}'

gcloud scheduler jobs create http phase5-retry-1 \
  --project="$PROJECT_ID" --location="$REGION" \
  --schedule="15 3 * * *" \
  --time-zone="$TIME_ZONE" \
  --uri="${COORDINATOR_URL}/retry" \
  --http-method=POST \
  --oidc-service-account-email="$INVOKER"

gcloud scheduler jobs create http phase5-retry-2 \
  --project="$PROJECT_ID" --location="$REGION" \
  --schedule="30 3 * * *" \
  --time-zone="$TIME_ZONE" \
  --uri="${COORDINATOR_URL}/retry" \
  --http-method=POST \
  --oidc-service-account-email="$INVOKER"

gcloud scheduler jobs create http phase5-status-check \
  --project="$PROJECT_ID" --location="$REGION" \
  --schedule="0 4 * * *" \
  --time-zone="$TIME_ZONE" \
  --uri="${COORDINATOR_URL}/status" \
  --http-method=GET \
  --oidc-service-account-email="$INVOKER"

echo "== Verify"
gcloud pubsub subscriptions describe "$SUBSCRIPTION" --project="$PROJECT_ID"
gcloud scheduler jobs list --project="$PROJECT_ID" --location="$REGION"
