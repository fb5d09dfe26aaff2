-- Closing line: the last snapshot taken before tip-off.
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_closing_lines` AS
SELECT game_date, player_lookup, bookmaker, points_line AS closing_line, minutes_before_tipoff
FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
WHERE minutes_before_tipoff >= 0
QUALIFY ROW_NUMBER() OVER (
  PARTITION BY game_date, player_lookup, bookmaker ORDER BY minutes_before_tipoff ASC
) = 1;
