#!/usr/bin/env python3
"""
Run Phase 3 analytics processors locally for one game date.

Usage: python bin/analytics/run_analytics.py --game-date 2026-01-20 [--processor player_game_summary ...]
"""

import argparse
import importlib
import logging
import sys
from typing import Dict

logging.basicConfig(level=logging.INFO)
logger = logging.getLogger(__name__)

# processor_name -> "module:Class"; every Phase 3 processor the orchestrator waits for.
PROCESSOR_CLASSES: Dict[str, str] = {
    'player_game_summary': 'data_processors.analytics.player_game_summary.player_game_summary_processor:PlayerGameSummaryProcessor',
    'team_defense_game_summary': 'data_processors.analytics.team_defense_game_summary.team_defense_game_summary_processor:TeamDefenseGameSummaryProcessor',
    'team_offense_game_summary': 'data_processors.analytics.team_offense_game_summary.team_offense_game_summary_processor:TeamOffenseGameSummaryProcessor',
    'upcoming_player_game_context': 'data_processors.analytics.upcoming_player_game_context.upcoming_player_game_context_processor:UpcomingPlayerGameContextProcessor',
    'upcoming_team_game_context': 'data_processors.analytics.upcoming_team_game_context.upcoming_team_game_context_processor:UpcomingTeamGameContextProcessor',
}


def load(spec: str):
    module_name, class_name = spec.split(':')
    return getattr(importlib.import_module(module_name), class_name)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--game-date', required=True)
    parser.add_argument('--processor', action='append', choices=sorted(PROCESSOR_CLASSES))
    args = parser.parse_args()

    failures = 0
    for name in args.processor or list(PROCESSOR_CLASSES):
        processor = load(PROCESSOR_CLASSES[name])()
        try:
            rows = processor.run({'game_date': args.game_date})
            logger.info("%s: %s rows", name, rows)
        except Exception:  # noqa: BLE001 - report and continue with the next processor
            logger.exception("%s failed", name)
            failures += 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
