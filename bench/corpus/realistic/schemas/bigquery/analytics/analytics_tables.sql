-- nba_analytics: Phase 3 analytics tables, one per processor, plus reporting views.

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.player_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING,
  opponent_team_abbr STRING,
  minutes_played FLOAT64,
  points INT64,
  points_line FLOAT64,
  over_under_result STRING,
  primary_source STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.team_defense_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  defending_team_abbr STRING NOT NULL,
  opponent_points INT64,
  opponent_paint_points INT64,
  defensive_rating FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.team_offense_game_summary` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  points INT64,
  pace FLOAT64,
  offensive_rating FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_player_game_context` (
  game_date DATE NOT NULL,
  game_id STRING,
  player_lookup STRING NOT NULL,
  team_abbr STRING,
  opponent_team_abbr STRING,
  days_rest INT64,
  back_to_back BOOL,
  current_points_line FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_analytics.upcoming_team_game_context` (
  game_date DATE NOT NULL,
  game_id STRING,
  team_abbr STRING NOT NULL,
  opponent_team_abbr STRING,
  game_spread FLOAT64,
  game_total FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date;

-- Prop outcomes for the last 30 days, for the results dashboard.
CREATE OR REPLACE VIEW `nba-props-platform.nba_analytics.v_player_prop_results` AS
SELECT game_date, player_lookup, points, points_line, over_under_result, primary_source
FROM `nba-props-platform.nba_analytics.player_game_summary`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
  AND points_line IS NOT NULL;
