"""
Catalogue of every table in the nba_raw dataset.

Used by the nightly backup export and by the storage-cost report, which must
cover every raw table, not only the ones the orchestrators wait for. This is
deliberately broader than the Phase 2 critical processor list.
"""

from typing import List

PROJECT_ID = 'nba-props-platform'
RAW_DATASET = 'nba_raw'

ALL_RAW_TABLES: List[str] = [
    # Ball Don't Lie
    'bdl_active_players',
    'bdl_games',
    'bdl_injuries',
    'bdl_live_boxscores',
    'bdl_player_boxscores',
    'bdl_season_averages',
    'bdl_standings',
    # BettingPros
    'bettingpros_player_points_props',
    # BigDataBall
    'bigdataball_play_by_play',
    # Basketball Reference
    'br_roster_history',
    'br_rosters_current',
    # ESPN
    'espn_boxscores',
    'espn_scoreboard',
    'espn_team_rosters',
    # NBA.com
    'nbac_gamebook_game_info',
    'nbac_gamebook_player_stats',
    'nbac_injury_report',
    'nbac_play_by_play',
    'nbac_player_boxscores',
    'nbac_player_list_current',
    'nbac_player_movement',
    'nbac_referee_game_assignments',
    'nbac_referee_game_pivot',
    'nbac_schedule',
    'nbac_scoreboard_v2',
    'nbac_standings',
    'nbac_team_boxscore',
    'nbac_team_list',
    # Odds API
    'odds_api_events',
    'odds_api_game_lines',
    'odds_api_game_lines_history',
    'odds_api_player_points_props',
    'odds_api_player_props_history',
    # PBP Stats
    'pbpstats_lineups',
    'pbpstats_possessions',
    # Rotowire / NumberFire projections
    'numberfire_projections',
    'rotowire_lineups',
    # Internal bookkeeping
    'processor_run_history',
    'scraper_execution_log',
    'gcs_file_manifest',
]


def fully_qualified(table: str, dataset: str = RAW_DATASET) -> str:
    """`project.dataset.table`, as BigQuery expects in backticks."""
    return f'{PROJECT_ID}.{dataset}.{table}'
