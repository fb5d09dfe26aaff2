-- How many players each bookmaker offers a points line for, per game date.
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_bookmaker_coverage` AS
SELECT
  game_date,
  bookmaker,
  COUNT(DISTINCT player_lookup) AS players_with_lines,
  COUNT(DISTINCT event_id) AS events,
  MAX(snapshot_timestamp) AS last_snapshot
FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
GROUP BY game_date, bookmaker;
