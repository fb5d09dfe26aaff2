"""
Pipeline health metrics exported to Cloud Monitoring every 15 minutes.

For each orchestrated phase, counts how many processors completed for the
current game date (from Firestore) and writes a gauge per phase. Alert
policies fire when a phase stays incomplete past its deadline.
"""

import logging
import time
from datetime import date
from typing import Dict, List

from google.cloud import firestore, monitoring_v3

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'
METRIC_TYPE = 'custom.googleapis.com/pipeline/phase_completed_processors'

ALL_PHASE3_PROCESSORS: List[str] = [
    'player_game_summary',
    'team_defense_game_summary',
    'team_offense_game_summary',
    'upcoming_player_game_context',
    'upcoming_team_context',
]

ALL_PHASE4_PROCESSORS: List[str] = [
    'player_composite_factors',
    'player_shot_zone_analysis',
    'team_defense_zone_analysis',
    'player_daily_cache',
    'ml_feature_store',
    'player_daily_cache',
]

PHASE_PROCESSORS: Dict[int, List[str]] = {3: ALL_PHASE3_PROCESSORS, 4: ALL_PHASE4_PROCESSORS}


def completed_count(db: firestore.Client, phase: int, game_date: str) -> int:
    doc = db.collection(f'phase{phase}_completion').document(game_date).get()
    current = doc.to_dict() if doc.exists else {}
    return sum(1 for name in PHASE_PROCESSORS[phase] if name in current)


def export(db: firestore.Client, client: monitoring_v3.MetricServiceClient) -> None:
    game_date = date.today().isoformat()
    now = time.time()
    series = []
    for phase, processors in PHASE_PROCESSORS.items():
        ts = monitoring_v3.TimeSeries()
        ts.metric.type = METRIC_TYPE
        ts.metric.labels['phase'] = str(phase)
        ts.resource.type = 'global'
        point = monitoring_v3.Point({
            'interval': {'end_time': {'seconds': int(now)}},
            'value': {'double_value': completed_count(db, phase, game_date) / len(processors)},
        })
        ts.points = [point]
        series.append(ts)
    client.create_time_series(name=f'projects/{PROJECT_ID}', time_series=series)
    logger.info("exported %d series for %s", len(series), game_date)
