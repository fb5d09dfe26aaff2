-- nba_precompute: Phase 4 feature tables read by the Phase 5 prediction workers.
-- Apply with: bq query --use_legacy_sql=false < schemas/bigquery/nba_precompute.sql

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_composite_factors` (
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  player_lookup STRING NOT NULL,
  fatigue_score FLOAT64,
  shot_zone_mismatch_score FLOAT64,
  pace_score FLOAT64,
  usage_spike_score FLOAT64,
  total_composite_adjustment FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Composite adjustment factors per player per game"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_shot_zone_analysis` (
  analysis_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  games_in_sample INT64,
  paint_rate_last_10 FLOAT64,
  mid_range_rate_last_10 FLOAT64,
  three_pt_rate_last_10 FLOAT64,
  primary_scoring_zone STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY analysis_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Rolling shot-zone distribution per player"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.team_defense_zone_analysis` (
  analysis_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  games_in_sample INT64,
  paint_defense_vs_league_avg FLOAT64,
  mid_range_defense_vs_league_avg FLOAT64,
  three_pt_defense_vs_league_avg FLOAT64,
  weakest_zone STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY analysis_date
CLUSTER BY team_abbr
OPTIONS (
  description = "Rolling defensive strength by shot zone per team"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.player_daily_cache` (
  cache_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  points_avg_last_5 FLOAT64,
  points_avg_last_10 FLOAT64,
  points_avg_season FLOAT64,
  minutes_avg_last_10 FLOAT64,
  games_played_season INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY cache_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Per-day cache of player aggregates so Phase 5 does not rescan history"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_precompute.ml_feature_store_v2` (
  game_date DATE NOT NULL,
  game_id STRING NOT NULL,
  player_lookup STRING NOT NULL,
  feature_version STRING NOT NULL,
  feature_count INT64,
  features ARRAY<FLOAT64>,
  feature_quality_score FLOAT64,
  data_source STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (
  description = "Feature vectors for the Phase 5 prediction models (v2 schema)"
);
