"""Phase 4 output tables, in dependency order, for ops scripts and the dashboard.

Note these are *table* names: the feature store processor (ml_feature_store)
writes ml_feature_store_v2.
"""

from typing import Dict, List

DATASET = 'nba_precompute'

PRECOMPUTE_TABLES: List[str] = [
    'team_defense_zone_analysis',
    'player_shot_zone_analysis',
    'player_composite_factors',
    'player_daily_cache',
    'ml_feature_store_v2',
]

# Partition column of each table (most are keyed by the analysis date).
PARTITION_COLUMNS: Dict[str, str] = {
    'team_defense_zone_analysis': 'analysis_date',
    'player_shot_zone_analysis': 'analysis_date',
    'player_composite_factors': 'game_date',
    'player_daily_cache': 'cache_date',
    'ml_feature_store_v2': 'game_date',
}


def qualified(table: str, project: str = 'nba-props-platform') -> str:
    if table not in PRECOMPUTE_TABLES:
        raise KeyError(f"{table} is not a Phase 4 table")
    return f'{project}.{DATASET}.{table}'
