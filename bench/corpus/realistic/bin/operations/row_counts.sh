#!/usr/bin/env bash
# Print the last week's row counts of the Phase 2 tables, one query per table,
# from bin/operations/templates/table_row_counts.sql.
set -euo pipefail

cd "$(dirname "$0")"
PROJECT_ID="${PROJECT_ID:-nba-props-platform}"

TABLES=(
  "bdl_player_boxscores:game_date"
  "bigdataball_play_by_play:game_date"
  "odds_api_game_lines:game_date"
  "nbac_schedule:game_date"
  "nbac_gamebook_player_stats:game_date"
  "br_rosters_current:last_scraped_date"
)

for entry in "${TABLES[@]}"; do
  table="${entry%%:*}"
  column="${entry##*:}"
  sed -e "s/{table_name}/${table}/g" -e "s/{date_column}/${column}/g" templates/table_row_counts.sql \
    | bq query --use_legacy_sql=false --project_id="$PROJECT_ID" --format=pretty
done
