-- nba_analytics: Phase 3 analytics tables built from nba_raw.
-- Apply with: bq query --use_legacy_sql=false < schemas/bigquery/nba_analytics.sql

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.player_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  minutes_played FLOAT64,
  points INT64,
  rebounds INT64,
  assists INT64,
  usage_rate FLOAT64,
  true_shooting_pct FLOAT64,
  primary_source_used STRING,
  data_quality_tier STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr
OPTIONS (
  description = "One row per player per game with box score, advanced stats and source lineage",
  require_partition_filter = TRUE
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.team_defense_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  defending_team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  points_allowed INT64,
  defensive_rating FLOAT64,
  opp_paint_points INT64,
  opp_three_pt_makes INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY defending_team_abbr
OPTIONS (
  description = "Team defensive performance per game"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.team_offense_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  points_scored INT64,
  offensive_rating FLOAT64,
  pace FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY team_abbr
OPTIONS (
  description = "Team offensive performance per game"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_player_game_context` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  is_home BOOL,
  days_rest INT64,
  current_points_line FLOAT64,
  projected_minutes FLOAT64,
  injury_status STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Pre-game context for every player expected to play today"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_team_game_context` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING NOT NULL,
  is_home BOOL,
  days_rest INT64,
  game_spread FLOAT64,
  game_total FLOAT64,
  starters_out_count INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY team_abbr
OPTIONS (
  description = "Pre-game context for every team playing today"
);

-- Last 30 days of player games, for dashboards (Looker Studio).
CREATE OR REPLACE VIEW `nba-props-platform.nba_analytics.v_player_recent_form` AS
SELECT
  player_lookup,
  team_abbr,
  COUNT(*) AS games_played,
  ROUND(AVG(points), 1) AS avg_points,
  ROUND(AVG(minutes_played), 1) AS avg_minutes,
  MAX(game_date) AS last_game_date
FROM `nba-props-platform.nba_analytics.player_game_summary`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
GROUP BY player_lookup, team_abbr;
