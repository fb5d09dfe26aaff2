-- Props joined to the schedule, so a line can be tied to its game and teams.
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_with_schedule` AS
SELECT
  p.game_date,
  s.game_id,
  s.home_team_tricode,
  s.away_team_tricode,
  p.player_lookup,
  p.bookmaker,
  p.points_line,
  p.snapshot_timestamp
FROM `nba-props-platform.nba_raw.odds_api_player_points_props` AS p
JOIN `nba-props-platform.nba_raw.nbac_schedule` AS s
  ON s.game_date = p.game_date AND s.game_id = p.game_id;
