#!/usr/bin/env bash
# Re-apply the Phase 5 schedules of one environment: ./deploy_env_schedules.sh prod|staging
# Staging jobs share the production schedules (same SSOT), only the name suffix differs.
set -euo pipefail
ENV="${1:?usage: deploy_env_schedules.sh prod|staging}"
REGION="${REGION:-us-west2}"

declare -A SCHEDULES=(
  ["prediction-coordinator-daily-${ENV}"]="30 2 * * *|America/Los_Angeles"
  ["phase5-status-check"]="0 4 * * *|America/Los_Angeles"
)

# The retries are numbered: one line covers both (their times differ, see the SSOT).
for N in 1 2; do
  gcloud scheduler jobs update http "phase5-retry-${N}" --location="$REGION" --time-zone="America/Los_Angeles"
done
