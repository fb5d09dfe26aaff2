-- nba_raw: Ball Don't Lie API tables.
-- Apply with: bq query --use_legacy_sql=false < schemas/bigquery/raw/bdl_tables.sql

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bdl_player_boxscores` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  player_lookup STRING NOT NULL,
  player_full_name STRING,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING,
  minutes STRING,
  points INT64,
  rebounds INT64,
  assists INT64,
  steals INT64,
  blocks INT64,
  turnovers INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  three_pointers_made INT64,
  three_pointers_attempted INT64,
  free_throws_made INT64,
  free_throws_attempted INT64,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr
OPTIONS (
  description = "Player box scores from the Ball Don't Lie API, one row per player per game",
  require_partition_filter = TRUE
);
