-- Cross-validate Ball Don't Lie box scores against the two other sources.
-- A player whose points differ between sources on a final game is a data
-- quality incident: the props settle on the official number.
--
-- Params: @start_date, @end_date

-- 1. ESPN vs Ball Don't Lie
SELECT
  'espn' AS other_source,
  b.game_date,
  b.game_id,
  b.player_lookup,
  b.points AS bdl_points,
  e.points AS other_points,
  b.points - e.points AS diff
FROM `nba-props-platform.nba_raw.bdl_player_boxscores` AS b
JOIN `nba-props-platform.nba_raw.espn_boxscores` AS e
  ON e.game_date = b.game_date AND e.player_lookup = b.player_lookup
WHERE b.game_date BETWEEN @start_date AND @end_date
  AND b.points != e.points

UNION ALL

-- 2. NBA.com vs Ball Don't Lie
SELECT
  'nbac' AS other_source,
  b.game_date,
  b.game_id,
  b.player_lookup,
  b.points AS bdl_points,
  n.points AS other_points,
  b.points - n.points AS diff
FROM `nba-props-platform.nba_raw.bdl_player_boxscores` AS b
JOIN `nba-props-platform.nba_raw.nbac_player_boxscores` AS n
  ON n.game_id = b.game_id AND n.player_lookup = b.player_lookup
WHERE b.game_date BETWEEN @start_date AND @end_date
  AND b.points != n.points
ORDER BY game_date, game_id, player_lookup;

-- Players present in one source and missing in the other.
SELECT
  COALESCE(b.game_date, n.game_date) AS game_date,
  COALESCE(b.player_lookup, n.player_lookup) AS player_lookup,
  b.player_lookup IS NULL AS missing_in_bdl,
  n.player_lookup IS NULL AS missing_in_nbac
FROM (
  SELECT game_date, game_id, player_lookup FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
  WHERE game_date BETWEEN @start_date AND @end_date
) AS b
FULL OUTER JOIN (
  SELECT game_date, game_id, player_lookup FROM `nba-props-platform.nba_raw.nbac_player_boxscores`
  WHERE game_date BETWEEN @start_date AND @end_date
) AS n
  ON n.game_id = b.game_id AND n.player_lookup = b.player_lookup
WHERE b.player_lookup IS NULL OR n.player_lookup IS NULL;
