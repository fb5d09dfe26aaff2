-- Remove player points props whose game is not (or no longer) on the schedule:
-- postponed games and events the Odds API listed under a wrong date.
-- Scheduled weekly (Monday 05:00 ET) as a BigQuery scheduled query with @run_date.

DELETE FROM `nba-props-platform.nba_raw.odds_api_player_points_props`
WHERE game_date BETWEEN DATE_SUB(@run_date, INTERVAL 14 DAY) AND @run_date
  AND game_id NOT IN (
    SELECT game_id
    FROM `nba-props-platform.nba_raw.nbac_schedule`
    WHERE game_date BETWEEN DATE_SUB(@run_date, INTERVAL 14 DAY) AND @run_date
      AND game_status_text != 'Postponed'
  );

-- Same for game lines.
DELETE FROM `nba-props-platform.nba_raw.odds_api_game_lines`
WHERE game_date BETWEEN DATE_SUB(@run_date, INTERVAL 14 DAY) AND @run_date
  AND game_id NOT IN (
    SELECT game_id
    FROM `nba-props-platform.nba_raw.nbac_schedule`
    WHERE game_date BETWEEN DATE_SUB(@run_date, INTERVAL 14 DAY) AND @run_date
  );
