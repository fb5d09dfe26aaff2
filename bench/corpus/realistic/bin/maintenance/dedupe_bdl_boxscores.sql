-- One-off: remove duplicate Ball Don't Lie box score rows created by the double
-- delivery of 2026-01-14 (the processor ran twice for the same GCS file).
--
-- 1. back the partition range up, 2. delete it, 3. re-insert one row per
-- (game_id, player_lookup), keeping the latest processed_at.
-- Run with: bq query --use_legacy_sql=false < bin/maintenance/dedupe_bdl_boxscores.sql

CREATE TABLE `nba-props-platform.nba_raw.bdl_player_boxscores_backup_20260115` AS
SELECT *
FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
WHERE game_date BETWEEN '2026-01-10' AND '2026-01-15';

DELETE FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
WHERE game_date BETWEEN '2026-01-10' AND '2026-01-15';

INSERT INTO `nba-props-platform.nba_raw.bdl_player_boxscores`
SELECT * EXCEPT (rn)
FROM (
  SELECT
    b.*,
    ROW_NUMBER() OVER (PARTITION BY game_id, player_lookup ORDER BY processed_at DESC) AS rn
  FROM `nba-props-platform.nba_raw.bdl_player_boxscores_backup_20260115` AS b
)
WHERE rn = 1;

-- Verify: no duplicates left, and row counts per day match the backup's distinct rows.
SELECT
  game_date,
  COUNT(*) AS rows_now,
  COUNT(DISTINCT CONCAT(game_id, '|', player_lookup)) AS distinct_rows
FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
WHERE game_date BETWEEN '2026-01-10' AND '2026-01-15'
GROUP BY game_date
ORDER BY game_date;
