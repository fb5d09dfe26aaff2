-- nba_raw: NBA.com tables (schedule, gamebooks, box scores, play-by-play, player list).
-- Apply with: bq query --use_legacy_sql=false < schemas/bigquery/raw/nbac_tables.sql

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_schedule` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  home_team_tricode STRING NOT NULL,
  away_team_tricode STRING NOT NULL,
  game_status INT64,
  game_status_text STRING,
  game_time_utc TIMESTAMP,
  is_playoffs BOOL,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id
OPTIONS (description = "NBA.com schedule, one row per game");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_gamebook_player_stats` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  player_lookup STRING,
  player_name STRING,
  team_abbr STRING NOT NULL,
  player_status STRING,
  dnp_reason STRING,
  minutes STRING,
  points INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  rebounds_total INT64,
  assists INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, game_id
OPTIONS (description = "NBA.com gamebook player stats including inactive and DNP players");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_team_boxscore` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  team_abbr STRING NOT NULL,
  is_home BOOL,
  points INT64,
  field_goals_made INT64,
  field_goals_attempted INT64,
  three_pointers_made INT64,
  offensive_rebounds INT64,
  defensive_rebounds INT64,
  turnovers INT64,
  possessions FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY team_abbr
OPTIONS (description = "NBA.com team box scores, one row per team per game");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_player_boxscores` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING NOT NULL,
  minutes STRING,
  points INT64,
  rebounds INT64,
  assists INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup
OPTIONS (description = "NBA.com traditional box scores (validation source)");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_play_by_play` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  event_num INT64 NOT NULL,
  period INT64,
  clock STRING,
  event_type STRING,
  player_1_lookup STRING,
  shot_made BOOL,
  shot_distance_ft INT64,
  score_home INT64,
  score_away INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id
OPTIONS (description = "NBA.com play-by-play; validation source for BigDataBall");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_player_list_current` (
  player_lookup STRING NOT NULL,
  player_full_name STRING,
  team_abbr STRING,
  nba_player_id INT64,
  roster_status STRING,
  last_seen_date DATE,
  processed_at TIMESTAMP NOT NULL
)
CLUSTER BY player_lookup
OPTIONS (description = "Current NBA.com player list (who is on which team today)");
