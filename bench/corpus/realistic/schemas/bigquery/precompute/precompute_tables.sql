-- nba_precompute: Phase 4 tables. The ml_feature_store processor writes ml_feature_store_v2
-- (v1 was dropped in November when the feature set went to 25 features).

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.team_defense_zone_analysis` (
  team_abbr STRING NOT NULL,
  analysis_date DATE NOT NULL,
  paint_pct_allowed_last_15 FLOAT64,
  mid_range_pct_allowed_last_15 FLOAT64,
  three_pt_pct_allowed_last_15 FLOAT64,
  games_in_sample INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY analysis_date;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_shot_zone_analysis` (
  player_lookup STRING NOT NULL,
  analysis_date DATE NOT NULL,
  paint_rate_last_10 FLOAT64,
  mid_range_rate_last_10 FLOAT64,
  three_pt_rate_last_10 FLOAT64,
  primary_scoring_zone STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY analysis_date
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_composite_factors` (
  player_lookup STRING NOT NULL,
  game_date DATE NOT NULL,
  opponent_team_abbr STRING,
  fatigue_score FLOAT64,
  shot_zone_mismatch_score FLOAT64,
  pace_score FLOAT64,
  usage_spike_score FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_daily_cache` (
  player_lookup STRING NOT NULL,
  cache_date DATE NOT NULL,
  points_avg_last_5 FLOAT64,
  points_avg_last_10 FLOAT64,
  minutes_avg_last_10 FLOAT64,
  games_played_season INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY cache_date
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.ml_feature_store_v2` (
  player_lookup STRING NOT NULL,
  game_date DATE NOT NULL,
  feature_version STRING NOT NULL,
  features ARRAY<FLOAT64>,
  feature_names ARRAY<STRING>,
  feature_quality_score FLOAT64,
  created_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup;
