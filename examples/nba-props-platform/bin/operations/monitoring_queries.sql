-- =============================================================================
-- NBA Props Platform: operational monitoring queries
-- =============================================================================
--
-- Run these in the BigQuery console or with:
--   bq query --use_legacy_sql=false --project_id=nba-props-platform < bin/operations/monitoring_queries.sql
--
-- Each query is independent; copy the one you need. All dates are in ET game
-- days, which is the partition date of every table below. Tables are always
-- fully qualified so the queries also run from other projects with read
-- access to the datasets.
--
-- Sections:
--   1. Phase 2 raw data: daily row counts and processing times
--   2. Phase 3 analytics: completeness against the schedule
--   3. Phase 4 precompute: feature coverage and quality
--   4. Cross-phase checks: player coverage from raw to features
--   5. Data source fallbacks
--
-- =============================================================================


-- =============================================================================
-- 1. PHASE 2 RAW DATA
-- =============================================================================

-- Daily row counts for the game-driven Phase 2 tables over the last week (the
-- roster check follows). A missing game day means the processor wrote nothing.
SELECT 'bdl_player_boxscores' AS source_table, game_date, COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
UNION ALL
SELECT 'bigdataball_play_by_play' AS source_table, game_date, COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.bigdataball_play_by_play`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
UNION ALL
SELECT 'odds_api_game_lines' AS source_table, game_date, COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.odds_api_game_lines`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
UNION ALL
SELECT 'nbac_schedule' AS source_table, game_date, COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.nbac_schedule`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
UNION ALL
SELECT 'nbac_gamebook_player_stats' AS source_table, game_date, COUNT(*) AS row_count
FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
ORDER BY game_date DESC, source_table;


-- Roster freshness. Basketball Reference rosters only change on trades and
-- signings, so a few quiet days are normal; more than a week is not.
SELECT
  team_abbrev,
  COUNT(*) AS players_on_roster,
  MAX(last_scraped_date) AS last_scraped,
  DATE_DIFF(CURRENT_DATE(), MAX(last_scraped_date), DAY) AS days_since_scrape
FROM `nba-props-platform.nba_raw.br_rosters_current`
WHERE season_year = 2025
GROUP BY team_abbrev
HAVING days_since_scrape > 7
ORDER BY days_since_scrape DESC;


-- Processing lag: how long after the game each raw table received its data.
SELECT
  'bdl_player_boxscores' AS source_table,
  game_date,
  MIN(processed_at) AS first_processed,
  MAX(processed_at) AS last_processed
FROM `nba-props-platform.nba_raw.bdl_player_boxscores`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY)
GROUP BY game_date
UNION ALL
SELECT
  'nbac_gamebook_player_stats' AS source_table,
  game_date,
  MIN(processed_at) AS first_processed,
  MAX(processed_at) AS last_processed
FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY)
GROUP BY game_date
ORDER BY game_date DESC, source_table;


-- Games on the schedule without any betting lines (lines should exist by
-- noon ET on game day).
SELECT
  s.game_date,
  s.game_id,
  s.away_team_abbr,
  s.home_team_abbr
FROM `nba-props-platform.nba_raw.nbac_schedule` s
LEFT JOIN `nba-props-platform.nba_raw.odds_api_game_lines` o
  ON s.game_date = o.game_date
  AND s.home_team_abbr = o.home_team_abbr
WHERE s.game_date BETWEEN CURRENT_DATE() AND DATE_ADD(CURRENT_DATE(), INTERVAL 1 DAY)
  AND o.game_id IS NULL
ORDER BY s.game_date, s.game_id;


-- Completed games whose play-by-play has not arrived.
SELECT
  s.game_date,
  s.game_id,
  s.away_team_abbr,
  s.home_team_abbr
FROM `nba-props-platform.nba_raw.nbac_schedule` s
LEFT JOIN (
  SELECT DISTINCT game_date, game_id
  FROM `nba-props-platform.nba_raw.bigdataball_play_by_play`
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
) p
  ON s.game_date = p.game_date
  AND s.game_id = p.game_id
WHERE s.game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
  AND s.game_date < CURRENT_DATE()
  AND s.game_status = 3
  AND p.game_id IS NULL
ORDER BY s.game_date DESC;


-- =============================================================================
-- 2. PHASE 3 ANALYTICS
-- =============================================================================

-- Scheduled games versus games with player summaries. Every final game from
-- yesterday should be present by 6 AM ET.
WITH scheduled AS (
  SELECT game_date, COUNT(DISTINCT game_id) AS games_scheduled
  FROM `nba-props-platform.nba_raw.nbac_schedule`
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
    AND game_date < CURRENT_DATE()
    AND game_status = 3
  GROUP BY game_date
),
summarized AS (
  SELECT game_date, COUNT(DISTINCT game_id) AS games_summarized, COUNT(*) AS player_rows
  FROM `nba-props-platform.nba_analytics.player_game_summary`
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
  GROUP BY game_date
)
SELECT
  s.game_date,
  s.games_scheduled,
  COALESCE(m.games_summarized, 0) AS games_summarized,
  COALESCE(m.player_rows, 0) AS player_rows,
  s.games_scheduled - COALESCE(m.games_summarized, 0) AS games_missing
FROM scheduled s
LEFT JOIN summarized m ON s.game_date = m.game_date
ORDER BY s.game_date DESC;


-- Each game needs two team rows in both team summaries.
SELECT
  d.game_date,
  d.game_id,
  COUNT(DISTINCT d.defending_team_abbr) AS defense_rows,
  COUNT(DISTINCT o.team_abbr) AS offense_rows
FROM `nba-props-platform.nba_analytics.team_defense_game_summary` d
LEFT JOIN `nba-props-platform.nba_analytics.team_offense_game_summary` o
  ON d.game_date = o.game_date
  AND d.game_id = o.game_id
WHERE d.game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY d.game_date, d.game_id
HAVING defense_rows != 2 OR offense_rows != 2
ORDER BY d.game_date DESC;


-- Upcoming context coverage for today: every scheduled team should have a
-- team context row and at least eight player context rows.
SELECT
  t.game_date,
  t.team_abbr,
  t.opponent_team_abbr,
  COUNT(p.player_lookup) AS player_context_rows
FROM `nba-props-platform.nba_analytics.upcoming_team_game_context` t
LEFT JOIN `nba-props-platform.nba_analytics.upcoming_player_game_context` p
  ON t.game_date = p.game_date
  AND t.team_abbr = p.team_abbr
WHERE t.game_date = CURRENT_DATE()
GROUP BY t.game_date, t.team_abbr, t.opponent_team_abbr
HAVING player_context_rows < 8
ORDER BY player_context_rows;


-- Players expected to play today without a current points line. A handful
-- is normal; dozens mean the props scrape failed.
SELECT
  c.game_date,
  c.team_abbr,
  COUNT(*) AS players,
  COUNTIF(c.current_points_line IS NULL) AS players_without_line
FROM `nba-props-platform.nba_analytics.upcoming_player_game_context` c
WHERE c.game_date = CURRENT_DATE()
GROUP BY c.game_date, c.team_abbr
HAVING players_without_line > 3
ORDER BY players_without_line DESC;


-- =============================================================================
-- 3. PHASE 4 PRECOMPUTE
-- =============================================================================

-- Newest partition per precompute table. All five should be today's date
-- before the Phase 5 coordinator starts.
SELECT 'player_composite_factors' AS source_table, MAX(game_date) AS latest_date
FROM `nba-props-platform.nba_precompute.player_composite_factors`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
UNION ALL
SELECT 'player_shot_zone_analysis' AS source_table, MAX(analysis_date) AS latest_date
FROM `nba-props-platform.nba_precompute.player_shot_zone_analysis`
WHERE analysis_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
UNION ALL
SELECT 'team_defense_zone_analysis' AS source_table, MAX(analysis_date) AS latest_date
FROM `nba-props-platform.nba_precompute.team_defense_zone_analysis`
WHERE analysis_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
UNION ALL
SELECT 'player_daily_cache' AS source_table, MAX(cache_date) AS latest_date
FROM `nba-props-platform.nba_precompute.player_daily_cache`
WHERE cache_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
UNION ALL
SELECT 'ml_feature_store_v2' AS source_table, MAX(game_date) AS latest_date
FROM `nba-props-platform.nba_precompute.ml_feature_store_v2`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
ORDER BY source_table;


-- Feature quality distribution for today's feature vectors. Scores below 70
-- usually mean the player's history had gaps.
SELECT
  feature_version,
  COUNT(*) AS players,
  COUNTIF(feature_quality_score >= 90) AS high_quality,
  COUNTIF(feature_quality_score >= 70 AND feature_quality_score < 90) AS medium_quality,
  COUNTIF(feature_quality_score < 70) AS low_quality,
  ROUND(AVG(feature_quality_score), 1) AS avg_quality
FROM `nba-props-platform.nba_precompute.ml_feature_store_v2`
WHERE game_date = CURRENT_DATE()
GROUP BY feature_version
ORDER BY feature_version;


-- Feature vectors with the wrong length (the v2 schema has 33 features).
SELECT game_date, player_lookup, feature_version, feature_count, ARRAY_LENGTH(features) AS actual_length
FROM `nba-props-platform.nba_precompute.ml_feature_store_v2`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY)
  AND ARRAY_LENGTH(features) != 33
ORDER BY game_date DESC, player_lookup;


-- Daily cache sanity: the season points average in the cache should agree
-- with the analytics table to within half a point.
WITH actual AS (
  SELECT player_lookup, AVG(points) AS points_avg_season
  FROM `nba-props-platform.nba_analytics.player_game_summary`
  WHERE game_date >= '2025-10-21'
  GROUP BY player_lookup
)
SELECT d.player_lookup, d.points_avg_season AS cached, ROUND(a.points_avg_season, 2) AS actual
FROM `nba-props-platform.nba_precompute.player_daily_cache` d
JOIN actual a ON d.player_lookup = a.player_lookup
WHERE d.cache_date = CURRENT_DATE()
  AND ABS(d.points_avg_season - a.points_avg_season) > 0.5
ORDER BY d.player_lookup;


-- Team defense zones should cover all 30 teams every day.
SELECT analysis_date, COUNT(DISTINCT team_abbr) AS teams
FROM `nba-props-platform.nba_precompute.team_defense_zone_analysis`
WHERE analysis_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY analysis_date
HAVING teams < 30
ORDER BY analysis_date DESC;


-- =============================================================================
-- 4. CROSS-PHASE CHECKS
-- =============================================================================

-- Players with today's context but no composite factors or daily cache.
SELECT
  c.player_lookup,
  c.team_abbr,
  f.player_lookup IS NOT NULL AS has_composite_factors,
  d.player_lookup IS NOT NULL AS has_daily_cache
FROM `nba-props-platform.nba_analytics.upcoming_player_game_context` c
LEFT JOIN `nba-props-platform.nba_precompute.player_composite_factors` f
  ON c.game_date = f.game_date
  AND c.player_lookup = f.player_lookup
LEFT JOIN `nba-props-platform.nba_precompute.player_daily_cache` d
  ON c.game_date = d.cache_date
  AND c.player_lookup = d.player_lookup
WHERE c.game_date = CURRENT_DATE()
  AND (f.player_lookup IS NULL OR d.player_lookup IS NULL)
ORDER BY c.team_abbr, c.player_lookup;


-- Rostered players missing from the shot zone analysis (new signings usually).
SELECT
  r.team_abbrev,
  r.player_lookup,
  r.first_seen_date
FROM `nba-props-platform.nba_raw.br_rosters_current` r
LEFT JOIN `nba-props-platform.nba_precompute.player_shot_zone_analysis` z
  ON r.player_lookup = z.player_lookup
  AND z.analysis_date = CURRENT_DATE()
WHERE r.season_year = 2025
  AND z.player_lookup IS NULL
ORDER BY r.team_abbrev, r.player_lookup;


-- =============================================================================
-- 5. DATA SOURCE FALLBACKS
-- =============================================================================

-- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)
SELECT
  g.game_date,
  g.game_id,
  COUNT(DISTINCT g.player_lookup) AS gamebook_players,
  COUNT(DISTINCT b.player_lookup) AS bdl_players,
  CASE
    WHEN COUNT(DISTINCT b.player_lookup) = 0 THEN 'FALLBACK: gamebook only'
    WHEN COUNT(DISTINCT b.player_lookup) < COUNT(DISTINCT g.player_lookup) THEN 'PARTIAL: some players from gamebook'
    ELSE 'PRIMARY'
  END AS source_status
FROM `nba-props-platform.nba_raw.nbac_gamebook_player_stats` g
LEFT JOIN `nba-props-platform.nba_raw.bdl_player_boxscores` b
  ON g.game_date = b.game_date
  AND g.player_lookup = b.player_lookup
WHERE g.game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
  AND g.player_status = 'active'
GROUP BY g.game_date, g.game_id
ORDER BY g.game_date DESC, source_status;


-- How often the analytics layer fell back, by source, over the last 30 days.
SELECT
  primary_source_used,
  data_quality_tier,
  COUNT(*) AS player_games,
  COUNT(DISTINCT game_id) AS games
FROM `nba-props-platform.nba_analytics.player_game_summary`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
GROUP BY primary_source_used, data_quality_tier
ORDER BY player_games DESC;
