-- Play-by-play coverage: BigDataBall (primary, has shot coordinates) against
-- NBA.com play-by-play (validation source). BigDataBall publishes a few hours
-- later; a game missing there for more than a day needs a manual re-scrape.

SELECT
  n.game_date,
  n.game_id,
  COUNT(DISTINCT n.event_num) AS nbac_events,
  COUNT(DISTINCT bdb.event_sequence) AS bigdataball_events,
  SAFE_DIVIDE(COUNT(DISTINCT bdb.event_sequence), COUNT(DISTINCT n.event_num)) AS coverage_ratio
FROM `nba-props-platform.nba_raw.nbac_play_by_play` AS n
LEFT JOIN `nba-props-platform.nba_raw.bigdataball_play_by_play` AS bdb
  ON bdb.game_id = n.game_id
WHERE n.game_date BETWEEN DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY) AND DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
GROUP BY n.game_date, n.game_id
HAVING coverage_ratio IS NULL OR coverage_ratio < 0.95
ORDER BY n.game_date DESC;

-- Made shots per game must agree between the two feeds.
SELECT
  n.game_id,
  COUNTIF(n.shot_made) AS nbac_made_shots,
  (SELECT COUNTIF(shot_made) FROM `nba-props-platform.nba_raw.bigdataball_play_by_play` AS b
    WHERE b.game_id = n.game_id) AS bigdataball_made_shots
FROM `nba-props-platform.nba_raw.nbac_play_by_play` AS n
WHERE n.game_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
GROUP BY n.game_id;
