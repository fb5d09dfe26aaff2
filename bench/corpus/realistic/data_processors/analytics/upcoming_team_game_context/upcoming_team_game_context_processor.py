"""
Upcoming team game context (Phase 3 analytics).

One row per team per scheduled game: rest days, back-to-backs and travel,
written to nba_analytics.upcoming_team_game_context before tip-off.
"""

import logging
from typing import Dict

logger = logging.getLogger(__name__)


class UpcomingTeamGameContextProcessor:
    processor_name = 'upcoming_team_game_context'
    target_table = 'nba_analytics.upcoming_team_game_context'

    def run(self, opts: Dict) -> int:
        logger.info("building team context for %s", opts['game_date'])
        return 0
