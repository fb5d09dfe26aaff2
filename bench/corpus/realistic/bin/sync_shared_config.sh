#!/usr/bin/env bash
# Copy shared/config/orchestration_config.py into every Cloud Function that vendors it.
# Cloud Functions are deployed from their own directory (gcloud functions deploy --source=...),
# so each one carries a copy of shared/. Run after every edit of shared/config/.
set -euo pipefail

cd "$(dirname "$0")/.."
SOURCE=shared/config/orchestration_config.py

TARGETS=(
  orchestration/cloud_functions/phase2_to_phase3
  orchestration/cloud_functions/phase3_to_phase4
  orchestration/cloud_functions/phase4_to_phase5
  orchestration/cloud_functions/self_heal
  orchestration/cloud_functions/daily_health_summary
)

for target in "${TARGETS[@]}"; do
  mkdir -p "$target/shared/config"
  touch "$target/shared/__init__.py" "$target/shared/config/__init__.py"
  cp "$SOURCE" "$target/shared/config/orchestration_config.py"
  echo "synced $target"
done

# Fail loudly if a copy was edited by hand since the last sync.
for target in "${TARGETS[@]}"; do
  if ! cmp -s "$SOURCE" "$target/shared/config/orchestration_config.py"; then
    echo "ERROR: $target/shared/config/orchestration_config.py differs from $SOURCE" >&2
    exit 1
  fi
done
