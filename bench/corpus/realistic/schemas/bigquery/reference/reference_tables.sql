-- nba_reference: registries shared by every phase (not written by orchestrated processors).

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.nba_players_registry` (
  player_lookup STRING NOT NULL,
  universal_player_id STRING NOT NULL,
  player_name STRING,
  team_abbr STRING,
  season STRING,
  first_game_date DATE,
  last_game_date DATE,
  games_played INT64,
  source_priority STRING
)
CLUSTER BY player_lookup;

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.player_aliases` (
  alias_lookup STRING NOT NULL,
  nba_canonical_lookup STRING NOT NULL,
  alias_source STRING,
  is_active BOOL
);

CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_reference.team_abbreviations` (
  team_abbr STRING NOT NULL,
  bdl_abbr STRING,
  espn_abbr STRING,
  odds_api_name STRING
);
