-- nba_raw: BigDataBall, ESPN and Basketball Reference tables.

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bigdataball_play_by_play` (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  season_year INT64 NOT NULL,
  event_sequence INT64 NOT NULL,
  period INT64,
  remaining_time STRING,
  event_type STRING,
  player_1_lookup STRING,
  shot_distance FLOAT64,
  shot_made BOOL,
  original_x FLOAT64,
  original_y FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id
OPTIONS (description = "BigDataBall enhanced play-by-play with shot coordinates");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.espn_boxscores` (
  game_id STRING NOT NULL,
  espn_game_id STRING,
  game_date DATE NOT NULL,
  player_lookup STRING NOT NULL,
  team_abbr STRING,
  minutes INT64,
  points INT64,
  rebounds INT64,
  assists INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
OPTIONS (description = "ESPN box scores, backup source used for cross-validation");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.br_rosters_current` (
  season_year INT64 NOT NULL,
  team_abbrev STRING NOT NULL,
  player_full_name STRING,
  player_lookup STRING NOT NULL,
  position STRING,
  jersey_number STRING,
  first_seen_date DATE,
  last_scraped_date DATE
)
CLUSTER BY team_abbrev, player_lookup
OPTIONS (description = "Current season rosters from Basketball Reference");
