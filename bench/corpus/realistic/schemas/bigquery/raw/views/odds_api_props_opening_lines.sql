-- Opening line per player and game (earliest snapshot of any bookmaker).
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_opening_lines` AS
SELECT game_date, player_lookup, bookmaker, points_line AS opening_line, snapshot_timestamp
FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
WHERE TRUE
QUALIFY ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup ORDER BY snapshot_timestamp ASC) = 1;
