#!/usr/bin/env bash
# Re-run Phase 5 for one date after a failed night, then poll the batch until it completes.
# Usage: ./rerun_predictions.sh 2026-01-14
set -euo pipefail
GAME_DATE="${1:?usage: rerun_predictions.sh YYYY-MM-DD}"
URL=$(gcloud run services describe prediction-coordinator --region=us-west2 --format='value(status.url)')
TOKEN=$(gcloud auth print-identity-token)

curl -fsS "$URL/health" > /dev/null
BATCH=$(curl -fsS -X POST -H "Authorization: Bearer ${TOKEN}" -H "Content-Type: application/json" \
  -d "{\"game_date\": \"${GAME_DATE}\", \"force\": true}" "$URL/strat" | jq -r '.batch_id')

for _ in $(seq 1 30); do
  STATE=$(curl -fsS -H "Authorization: Bearer ${TOKEN}" "$URL/status/${BATCH}" | jq -r '.state')
  [[ "$STATE" == "complete" ]] && break
  sleep 20
done
# Grading is another team's service: its path is its own business.
curl -fsS -X POST "https://grading-service-f7p3g7f6ya-wl.a.run.app/grade?date=${GAME_DATE}"
