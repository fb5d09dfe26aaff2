"""
Tables written by the Phase 4 precompute processors (dataset nba_precompute).

The Phase 5 prediction coordinator checks that each of these has a partition
for the game date before it starts the workers.
"""

from typing import List

PRECOMPUTE_DATASET = 'nba_precompute'

PRECOMPUTE_TABLES: List[str] = [
    'player_composite_factors',
    'player_shot_zone_analysis',
    'team_defense_zone_analysis',
    'player_daily_cache',
    'ml_feature_store_v2',          # v2: 33-feature schema (Dec 2025)
]

# Date column each table is partitioned on.
PARTITION_COLUMNS = {
    'player_composite_factors': 'game_date',
    'player_shot_zone_analysis': 'analysis_date',
    'team_defense_zone_analysis': 'analysis_date',
    'player_daily_cache': 'cache_date',
    'ml_feature_store_v2': 'game_date',
}


def qualified_tables(project_id: str = 'nba-props-platform') -> List[str]:
    return [f'{project_id}.{PRECOMPUTE_DATASET}.{table}' for table in PRECOMPUTE_TABLES]
