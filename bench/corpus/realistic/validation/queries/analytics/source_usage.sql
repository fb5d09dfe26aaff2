-- Share of player rows per primary source over the season. The gamebook is the
-- primary source; Ball Don't Lie fills games the gamebook does not have yet.
SELECT
  season_year,
  COUNTIF(primary_source = 'nbac_gamebook') AS gamebook_rows,
  COUNTIF(primary_source = 'bdl_boxscores') AS bdl_rows,
  ROUND(100 * COUNTIF(primary_source = 'nbac_gamebook') / COUNT(*), 1) AS gamebook_pct
FROM (
  SELECT EXTRACT(YEAR FROM DATE_SUB(game_date, INTERVAL 9 MONTH)) AS season_year, primary_source
  FROM `nba-props-platform.nba_analytics.player_game_summary`
  WHERE game_date >= '2023-10-01'
)
GROUP BY season_year
ORDER BY season_year;
