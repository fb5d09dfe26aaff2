-- nba_raw: The Odds API tables (game lines and player points props).

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.odds_api_game_lines` (
  game_id STRING,
  game_date DATE NOT NULL,
  snapshot_timestamp TIMESTAMP NOT NULL,
  home_team_abbr STRING,
  away_team_abbr STRING,
  bookmaker_key STRING NOT NULL,
  market_key STRING NOT NULL,
  outcome_name STRING,
  outcome_point FLOAT64,
  outcome_price FLOAT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id, bookmaker_key
OPTIONS (description = "Spreads, totals and moneylines per bookmaker snapshot");

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.odds_api_player_points_props` (
  event_id STRING NOT NULL,
  game_id STRING,
  game_date DATE NOT NULL,
  snapshot_timestamp TIMESTAMP NOT NULL,
  minutes_before_tipoff INT64,
  bookmaker STRING NOT NULL,
  player_name STRING NOT NULL,
  player_lookup STRING NOT NULL,
  points_line FLOAT64,
  over_price_american INT64,
  under_price_american INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY player_lookup, bookmaker
OPTIONS (description = "Player points over/under lines per bookmaker snapshot");
