-- Latest points line per player, game and bookmaker (the snapshot closest to tip-off).
CREATE OR REPLACE VIEW `nba-props-platform.nba_raw.odds_api_props_latest` AS
SELECT * EXCEPT (rn)
FROM (
  SELECT
    p.*,
    ROW_NUMBER() OVER (
      PARTITION BY game_date, player_lookup, bookmaker
      ORDER BY snapshot_timestamp DESC
    ) AS rn
  FROM `nba-props-platform.nba_raw.odds_api_player_points_props` AS p
  WHERE game_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 30 DAY)
)
WHERE rn = 1;
