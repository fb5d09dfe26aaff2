-- Consensus line: median of the latest line across bookmakers.
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_consensus` AS
WITH latest AS (
  SELECT game_date, player_lookup, bookmaker, points_line,
         ROW_NUMBER() OVER (PARTITION BY game_date, player_lookup, bookmaker ORDER BY snapshot_timestamp DESC) AS rn
  FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
)
SELECT
  game_date,
  player_lookup,
  APPROX_QUANTILES(points_line, 2)[OFFSET(1)] AS consensus_line,
  COUNT(DISTINCT bookmaker) AS bookmaker_count
FROM latest
WHERE rn = 1
GROUP BY game_date, player_lookup;
