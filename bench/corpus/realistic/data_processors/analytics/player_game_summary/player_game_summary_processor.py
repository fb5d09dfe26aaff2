"""
Player game summary (Phase 3 analytics).

One row per player per game in nba_analytics.player_game_summary. Box score
stats come from the NBA.com gamebook when it has the game, else from Ball Don't
Lie; `primary_source` records which one was used so the fallback rate can be
monitored (bin/operations/monitoring_queries.sql, section 5).
"""

import logging
from typing import Dict, List

from google.cloud import bigquery

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'

# Values of player_game_summary.primary_source
SOURCE_GAMEBOOK = 'nbac_gamebook'
SOURCE_BDL = 'bdl_boxscores'
SOURCE_PRIORITY = [SOURCE_GAMEBOOK, SOURCE_BDL]


class PlayerGameSummaryProcessor:
    processor_name = 'player_game_summary'
    target_table = 'nba_analytics.player_game_summary'

    def __init__(self) -> None:
        self.bq = bigquery.Client(project=PROJECT_ID)

    def extract(self, game_date: str) -> List[Dict]:
        query = f"""
            WITH gamebook AS (
              SELECT game_id, player_lookup, team_abbr, minutes, points, 'nbac_gamebook' AS primary_source
              FROM `{PROJECT_ID}.nba_raw.nbac_gamebook_player_stats`
              WHERE game_date = '{game_date}' AND player_status = 'active'
            ),
            bdl AS (
              SELECT game_id, player_lookup, team_abbr, minutes, points, 'bdl_boxscores' AS primary_source
              FROM `{PROJECT_ID}.nba_raw.bdl_player_boxscores`
              WHERE game_date = '{game_date}'
            )
            SELECT * FROM gamebook
            UNION ALL
            SELECT * FROM bdl WHERE game_id NOT IN (SELECT DISTINCT game_id FROM gamebook)
        """
        return [dict(row.items()) for row in self.bq.query(query).result()]

    def transform(self, rows: List[Dict]) -> List[Dict]:
        out = []
        for row in rows:
            row['minutes_played'] = self._minutes(row.pop('minutes'))
            if row['primary_source'] not in SOURCE_PRIORITY:
                logger.warning("unknown source %s for %s", row['primary_source'], row['player_lookup'])
            out.append(row)
        return out

    @staticmethod
    def _minutes(value) -> float:
        if value is None or value == '':
            return 0.0
        if isinstance(value, str) and ':' in value:
            mins, secs = value.split(':')
            return int(mins) + int(secs) / 60
        return float(value)
