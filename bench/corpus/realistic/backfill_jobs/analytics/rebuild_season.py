"""
Rebuild one season of Phase 3 analytics from the raw tables.

The team context is not rebuilt: it only describes upcoming games, so past
seasons never need it.
"""

from data_processors.analytics.player_game_summary.player_game_summary_processor import PlayerGameSummaryProcessor
from data_processors.analytics.team_defense_game_summary.team_defense_game_summary_processor import (
    TeamDefenseGameSummaryProcessor,
)
from data_processors.analytics.team_offense_game_summary.team_offense_game_summary_processor import (
    TeamOffenseGameSummaryProcessor,
)
from data_processors.analytics.upcoming_player_game_context.upcoming_player_game_context_processor import (
    UpcomingPlayerGameContextProcessor,
)

BACKFILL_PROCESSORS = [
    PlayerGameSummaryProcessor,
    TeamDefenseGameSummaryProcessor,
    TeamOffenseGameSummaryProcessor,
    UpcomingPlayerGameContextProcessor,
]


def rebuild(season: str, dates) -> None:
    for game_date in dates:
        for processor_class in BACKFILL_PROCESSORS:
            processor_class().run({'game_date': game_date, 'season': season})
