-- Line movement from the opening to the latest snapshot, per player and bookmaker.
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_line_movement` AS
SELECT
  game_date,
  player_lookup,
  bookmaker,
  ARRAY_AGG(points_line ORDER BY snapshot_timestamp ASC LIMIT 1)[OFFSET(0)] AS opening_line,
  ARRAY_AGG(points_line ORDER BY snapshot_timestamp DESC LIMIT 1)[OFFSET(0)] AS latest_line,
  COUNT(*) AS snapshots
FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
GROUP BY game_date, player_lookup, bookmaker;
