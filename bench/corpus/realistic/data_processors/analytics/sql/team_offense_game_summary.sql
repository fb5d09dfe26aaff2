-- Source query of the team offense game summary processor (Phase 3).
-- Team box scores come from NBA.com; pace is estimated from possessions.
SELECT
  t.game_id,
  t.game_date,
  t.team_abbr,
  t.points,
  t.possessions,
  SAFE_DIVIDE(t.points * 100, t.possessions) AS offensive_rating,
  SAFE_DIVIDE(48 * (t.possessions + o.possessions) / 2, 48) AS pace
FROM `nba-props-platform.nba_raw.nbac_team_boxscore` AS t
JOIN `nba-props-platform.nba_raw.nbac_team_boxscore` AS o
  ON o.game_id = t.game_id AND o.team_abbr != t.team_abbr
JOIN `nba-props-platform.nba_raw.nbac_schedule` AS s
  ON s.game_id = t.game_id
WHERE t.game_date = @game_date
  AND s.game_status_text = 'Final';
