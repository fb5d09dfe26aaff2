#!/usr/bin/env bash
# Re-apply the Phase 5 retry and status-check schedules after a hotfix (Option B times, see
# ssot/infrastructure/cloud_scheduler_jobs.yaml). One entry per job: "cron|time zone".
set -euo pipefail
REGION="${REGION:-us-west2}"

declare -A SCHEDULES=(
  ["phase5-retry-1"]="15 3 * * *|America/Los_Angeles"
  ["phase5-retry-2"]="30 3 * * *|America/Los_Angeles"
  ["phase5-status-check"]="0 4 * 4-10 *|America/Los_Angeles"
  # The odds scraper belongs to the scrapers team; listed here so one loop re-applies everything.
  ["nba-odds-scraper-morning"]="0 9 * * *|America/New_York"
)

# Before Option B the backup ran at 06:00 PT:
# gcloud scheduler jobs update http prediction-coordinator-daily-prod --schedule="0 6 * * *"

STAMP=`date -u +%Y%m%dT%H%M%S-\`hostname -s\``
for job in "${!SCHEDULES[@]}"; do
  IFS='|' read -r cron tz <<< "${SCHEDULES[$job]}"
  gcloud scheduler jobs update http "$job" --location="$REGION" \
    --schedule="$cron" --time-zone="$tz" --update-headers="X-Reapplied=${STAMP}"
done
