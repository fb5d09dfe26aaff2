-- nba_raw: Phase 2 raw tables, one per scraper source.
-- Apply with: bq query --use_legacy_sql=false < schemas/bigquery/nba_raw.sql

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

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bigdataball_play_by_play` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  event_sequence INT64 NOT NULL,
  period INT64,
  game_clock STRING,
  event_type STRING,
  event_description STRING,
  player_1_lookup STRING,
  team_abbr STRING,
  home_score INT64,
  away_score INT64,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id, event_sequence
OPTIONS (
  description = "Per-event play-by-play from BigDataBall",
  require_partition_filter = TRUE
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.odds_api_game_lines` (
  snapshot_timestamp TIMESTAMP NOT NULL,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  commence_time TIMESTAMP,
  home_team_abbr STRING,
  away_team_abbr STRING,
  bookmaker_key STRING NOT NULL,
  market_key STRING NOT NULL,
  outcome_name STRING,
  outcome_point FLOAT64,
  outcome_price INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id, bookmaker_key, market_key
OPTIONS (
  description = "Spreads, totals and moneylines from The Odds API, one row per outcome per snapshot"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_schedule` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  game_status INT64,
  game_status_text STRING,
  home_team_abbr STRING NOT NULL,
  away_team_abbr STRING NOT NULL,
  game_date_est TIMESTAMP,
  arena_name STRING,
  is_playoffs BOOL,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY home_team_abbr, away_team_abbr
OPTIONS (
  description = "NBA.com league schedule, one row per game"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_gamebook_player_stats` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  player_lookup STRING,
  player_name STRING NOT NULL,
  team_abbr STRING NOT NULL,
  player_status STRING NOT NULL,
  dnp_reason STRING,
  minutes STRING,
  points INT64,
  rebounds INT64,
  assists INT64,
  source_file_path STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, team_abbr
OPTIONS (
  description = "Official NBA.com gamebook: active, inactive and DNP players per game",
  require_partition_filter = TRUE
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.br_rosters_current` (
  season_year INT64 NOT NULL,
  team_abbrev STRING NOT NULL,
  player_lookup STRING NOT NULL,
  player_full_name STRING,
  position STRING,
  jersey_number STRING,
  height STRING,
  weight STRING,
  experience_years INT64,
  first_seen_date DATE,
  last_scraped_date DATE NOT NULL,
  data_source STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY RANGE_BUCKET(season_year, GENERATE_ARRAY(2020, 2035, 1))
CLUSTER BY team_abbrev, player_lookup
OPTIONS (
  description = "Current-season rosters from Basketball Reference, merged daily"
);

-- Extra raw tables: loaded daily, but the orchestrators do not wait for them.

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_injury_report` (
  report_date DATE NOT NULL,
  report_hour INT64,
  game_date DATE NOT NULL,
  game_id STRING,
  team_abbr STRING NOT NULL,
  player_lookup STRING NOT NULL,
  injury_status STRING,
  reason STRING,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY report_date
CLUSTER BY player_lookup, team_abbr
OPTIONS (
  description = "NBA.com official injury report, one row per player per report"
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.odds_api_player_points_props` (
  snapshot_timestamp TIMESTAMP NOT NULL,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  bookmaker STRING NOT NULL,
  points_line FLOAT64,
  over_price INT64,
  under_price INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, bookmaker
OPTIONS (
  description = "Player points props from The Odds API"
);
