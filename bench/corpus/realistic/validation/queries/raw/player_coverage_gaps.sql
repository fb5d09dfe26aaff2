-- Players listed active in the gamebook but absent from the NBA.com box score
-- feed of the same game. Usually a late scrape; re-run the box score scraper.

SELECT
  g.game_date,
  g.game_id,
  g.player_lookup,
  g.team_abbr,
  g.minutes
FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats` AS g
LEFT JOIN `nba-props-platform.nba_raw.nbac_player_boxscore` AS n
  ON n.game_id = g.game_id AND n.player_lookup = g.player_lookup
WHERE g.game_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
  AND g.player_status = 'active'
  AND n.player_lookup IS NULL
ORDER BY g.game_id, g.team_abbr;

-- Registry gaps: active players the reference registry does not resolve.
SELECT g.player_lookup, ANY_VALUE(g.player_name) AS player_name, COUNT(*) AS games
FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats` AS g
LEFT JOIN `nba-props-platform.nba_reference.player_aliases` AS a
  ON a.alias_lookup = g.player_lookup AND a.is_active
LEFT JOIN `nba-props-platform.nba_reference.nba_players_registry` AS r
  ON r.player_lookup = COALESCE(a.nba_canonical_lookup, g.player_lookup)
WHERE g.game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 14 DAY)
  AND g.player_status = 'active'
  AND r.player_lookup IS NULL
GROUP BY g.player_lookup;
