#!/usr/bin/env bash
# Copy shared/config/orchestration_config.py into every service that vendors it.
# Cloud Functions and Cloud Run services are deployed from their own directory,
# so each one carries a copy of shared/.
set -euo pipefail

cd "$(dirname "$0")/.."
SOURCE=shared/config/orchestration_config.py

TARGETS=(
  predictions/coordinator
  predictions/worker
  orchestration/cloud_functions/phase2_to_phase3
  orchestration/cloud_functions/phase3_to_phase4
  orchestration/cloud_functions/phase4_to_phase5
  orchestration/cloud_functions/phase5_to_phase6
  orchestration/cloud_functions/self_heal
  orchestration/cloud_functions/daily_health_summary
)

for target in "${TARGETS[@]}"; do
  mkdir -p "$target/shared/config"
  cp "$SOURCE" "$target/shared/config/orchestration_config.py"
  echo "synced $target"
done
