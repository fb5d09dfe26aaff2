#!/usr/bin/env bash
# Deploy the Phase 2 -> Phase 3 orchestrator Cloud Function.
# Syncs the vendored shared/ config first: the function cannot import from the repo root.
set -euo pipefail

cd "$(dirname "$0")/../.."
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"
REGION="${REGION:-us-west2}"
FUNCTION_NAME=phase2-to-phase3-orchestrator
SOURCE_DIR=orchestration/cloud_functions/phase2_to_phase3

./bin/sync_shared_config.sh

gcloud functions deploy "$FUNCTION_NAME" \
  --gen2 \
  --project="$PROJECT_ID" \
  --region="$REGION" \
  --runtime=python311 \
  --source="$SOURCE_DIR" \
  --entry-point=orchestrate_phase2_to_phase3 \
  --trigger-topic=nba-phase2-raw-complete \
  --set-env-vars="GCP_PROJECT_ID=${PROJECT_ID},PHASE3_TRIGGER_TOPIC=nba-phase3-trigger" \
  --memory=512MB \
  --timeout=60s \
  --max-instances=10

echo "Deployed $FUNCTION_NAME"
gcloud functions describe "$FUNCTION_NAME" --gen2 --project="$PROJECT_ID" --region="$REGION" --format='value(state)'
