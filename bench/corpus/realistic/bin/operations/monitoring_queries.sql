-- =============================================================================
-- NBA Props Platform: operational monitoring queries
-- =============================================================================
--
-- Run these in the BigQuery console or with:
--   bq query --use_legacy_sql=false --project_id=nba-props-platform < bin/operations/monitoring_queries.sql
--
-- Each query is independent; copy the one you need. Dates are ET game days,
-- the partition date of every table below.
--
-- Sections:
--   1. Phase 2 raw data: daily row counts
--   2. Odds: line availability before tip-off
--   3. Phase 3 analytics: completeness against the schedule
--   4. Phase 4 precompute: feature coverage
--   5. Data source fallbacks
-- =============================================================================


-- =============================================================================
-- 1. PHASE 2 RAW DATA
-- =============================================================================

-- Daily row counts for the game-driven Phase 2 tables over the last week.
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


-- Roster freshness (upstream: nba_raw.br_roster and nba_raw.nbac_schedule). Rosters only
-- change on trades and signings, so a few quiet days are normal; more than a week is not.
SELECT
  r.team_abbrev,
  COUNT(*) AS players_on_roster,
  MAX(r.last_scraped_date) AS last_scraped,
  DATE_DIFF(CURRENT_DATE(), MAX(r.last_scraped_date), DAY) AS days_since_scrape
FROM `nba-props-platform.nba_raw.br_rosters_current` AS r
WHERE r.season_year = 2025
GROUP BY r.team_abbrev
HAVING days_since_scrape > 7
ORDER BY days_since_scrape DESC;


-- Players in today's box scores that the registry does not know (new call-ups, name changes).
SELECT DISTINCT b.player_lookup, b.player_full_name, b.team_abbr
FROM `nba-props-platform.nba_raw.bdl_player_boxscores` AS b
LEFT JOIN `nba-props-platform.nba_reference.nba_players_registry` AS reg
  ON reg.player_lookup = b.player_lookup
WHERE b.game_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
  AND reg.player_lookup IS NULL;


-- =============================================================================
-- 2. ODDS
-- =============================================================================

-- Game lines per bookmaker for today's games; fewer than 3 bookmakers is an alert.
SELECT game_date, game_id, COUNT(DISTINCT bookmaker_key) AS bookmakers
FROM `nba-props-platform.nba_raw.odds_game_lines`
WHERE game_date = CURRENT_DATE()
GROUP BY game_date, game_id
HAVING bookmakers < 3;

-- Players with a points line today, from the latest-snapshot view.
SELECT game_date, COUNT(DISTINCT player_lookup) AS players_with_lines, COUNT(DISTINCT bookmaker) AS bookmakers
FROM `nba-props-platform.nba_raw.odds_api_props_latest`
WHERE game_date = CURRENT_DATE()
GROUP BY game_date;


-- =============================================================================
-- 3. PHASE 3 ANALYTICS
-- =============================================================================

-- Games in the schedule without player summaries (should be empty by 06:00 ET).
SELECT s.game_date, s.game_id, s.home_team_tricode, s.away_team_tricode
FROM `nba-props-platform.nba_raw.nbac_schedule` AS s
LEFT JOIN (
  SELECT DISTINCT game_id FROM `nba-props-platform.nba_analytics.player_game_summary`
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY)
) AS pgs ON pgs.game_id = s.game_id
WHERE s.game_date BETWEEN DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY) AND DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
  AND s.game_status_text = 'Final'
  AND pgs.game_id IS NULL;

-- Prop hit rate over the last 30 days (reads the reporting view).
SELECT over_under_result, COUNT(*) AS props, ROUND(100 * COUNT(*) / SUM(COUNT(*)) OVER (), 1) AS pct
FROM `nba-props-platform.nba_analytics.v_player_prop_results`
GROUP BY over_under_result;


-- =============================================================================
-- 4. PHASE 4 PRECOMPUTE
-- =============================================================================

-- Feature coverage: players with an upcoming game but no features.
SELECT ctx.game_date, COUNT(*) AS players_without_features
FROM `nba-props-platform.nba_analytics.upcoming_player_game_context` AS ctx
LEFT JOIN `nba-props-platform.nba_precompute.ml_feature_store_v2` AS fs
  ON fs.player_lookup = ctx.player_lookup AND fs.game_date = ctx.game_date
WHERE ctx.game_date = CURRENT_DATE()
  AND fs.player_lookup IS NULL
GROUP BY ctx.game_date;

-- Low-quality feature rows (quality < 70) by day.
SELECT game_date, COUNTIF(feature_quality_score < 70) AS low_quality, COUNT(*) AS total
FROM `nba-props-platform.nba_precompute.ml_feature_store_v2`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
GROUP BY game_date
ORDER BY game_date DESC;


-- =============================================================================
-- 5. DATA SOURCE FALLBACKS
-- =============================================================================

-- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)
SELECT game_date, primary_source, COUNT(DISTINCT game_id) AS games, COUNT(*) AS player_rows
FROM `nba-props-platform.nba_analytics.player_game_summary`
WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 14 DAY)
GROUP BY game_date, primary_source
ORDER BY game_date DESC, games DESC;
