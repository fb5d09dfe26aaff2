"""
ML feature store processor (Phase 4, last step).

Reads the other Phase 4 outputs of a game date and writes one row of 25
features per player to nba_precompute.ml_feature_store_v2, then publishes
nba-phase4-precompute-complete for the prediction coordinator.
"""

import json
import logging
from datetime import datetime, timezone
from typing import Dict, List

from google.cloud import bigquery, pubsub_v1

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'
OUTPUT_TABLE = 'nba_precompute.ml_feature_store_v2'
COMPLETION_TOPIC = 'nba-phase4-precompute-complete'

# Phase 4 tables this processor reads (it never reads its own output).
UPSTREAM_PRECOMPUTE_TABLES: List[str] = [
    'player_composite_factors',
    'player_shot_zone_analysis',
    'team_defense_zone_analysis',
    'player_daily_cache',
]

FEATURE_VERSION = 'v2_25features'


class MLFeatureStoreProcessor:
    processor_name = 'ml_feature_store'
    target_table = 'ml_feature_store_v2'

    def __init__(self) -> None:
        self.bq = bigquery.Client(project=PROJECT_ID)
        self.publisher = pubsub_v1.PublisherClient()

    def _upstream_ready(self, analysis_date: str) -> Dict[str, bool]:
        ready = {}
        for table in UPSTREAM_PRECOMPUTE_TABLES:
            query = f"""
                SELECT COUNT(*) > 0 AS ok FROM `{PROJECT_ID}.nba_precompute.{table}`
                WHERE analysis_date = '{analysis_date}' OR cache_date = '{analysis_date}'
            """
            ready[table] = list(self.bq.query(query).result())[0].ok
        return ready

    def run(self, opts: Dict) -> int:
        analysis_date = opts['analysis_date']
        ready = self._upstream_ready(analysis_date)
        if not all(ready.values()) and not opts.get('backfill_mode'):
            missing = [table for table, ok in ready.items() if not ok]
            raise RuntimeError(f"upstream not ready for {analysis_date}: {missing}")
        rows = self._build_features(analysis_date)
        self.bq.insert_rows_json(f'{PROJECT_ID}.{OUTPUT_TABLE}', rows)
        self._publish_phase4_completion(analysis_date, len(rows))
        return len(rows)

    def _build_features(self, analysis_date: str) -> List[Dict]:
        query = f"""
            SELECT c.player_lookup, c.game_date, c.fatigue_score, c.shot_zone_mismatch_score,
                   s.paint_rate_last_10, s.three_pt_rate_last_10, d.paint_pct_allowed_last_15,
                   p.points_avg_last_5, p.points_avg_last_10, p.minutes_avg_last_10
            FROM `{PROJECT_ID}.nba_precompute.player_composite_factors` c
            JOIN `{PROJECT_ID}.nba_precompute.player_shot_zone_analysis` s USING (player_lookup)
            JOIN `{PROJECT_ID}.nba_precompute.player_daily_cache` p USING (player_lookup)
            LEFT JOIN `{PROJECT_ID}.nba_precompute.team_defense_zone_analysis` d
              ON d.team_abbr = c.opponent_team_abbr AND d.analysis_date = '{analysis_date}'
            WHERE c.game_date = '{analysis_date}'
        """
        rows = []
        for row in self.bq.query(query).result():
            record = dict(row.items())
            record['feature_version'] = FEATURE_VERSION
            record['game_date'] = analysis_date
            record['created_at'] = datetime.now(timezone.utc).isoformat()
            rows.append(record)
        return rows

    def _publish_phase4_completion(self, analysis_date: str, row_count: int) -> None:
        message = {'game_date': analysis_date, 'processor_name': self.processor_name,
                   'record_count': row_count, 'status': 'success' if row_count else 'no_data'}
        topic_path = self.publisher.topic_path(PROJECT_ID, COMPLETION_TOPIC)
        self.publisher.publish(topic_path, data=json.dumps(message).encode('utf-8')).result(timeout=30)
