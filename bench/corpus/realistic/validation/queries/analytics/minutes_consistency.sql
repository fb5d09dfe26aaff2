-- Minutes played per game: the analytics summary against the raw gamebook.
-- A gap over 2 minutes means the summary was built before the gamebook's late update.
SELECT
  s.game_date,
  s.game_id,
  s.player_lookup,
  s.minutes_played AS summary_minutes,
  g.minutes AS gamebook_minutes
FROM `nba-props-platform.nba_raw.player_game_summary` AS s
JOIN `nba-props-platform.nba_raw.nbac_gamebook_player_stats` AS g
  USING (game_id, player_lookup)
WHERE s.game_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
  AND ABS(s.minutes_played - g.minutes) > 2;

-- The staging copy the backfill writes before it swaps tables (nba_staging: no SSOT or inventory speaks for it).
SELECT COUNT(*) AS staged_rows
FROM `nba-props-platform.nba_staging.player_game_summary`
WHERE game_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY);
