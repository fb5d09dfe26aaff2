#!/usr/bin/env python3
"""
Replay Phase 2 completion messages for a game date.

When the Phase 2 -> 3 orchestrator missed messages (e.g. during a Firestore
outage), this republishes a completion message per processor so the
transition fires. Processors are replayed in REPLAY_ORDER: the schedule first
(the others join on it), rosters early because they change least.

Usage: python bin/backfill/replay_phase2.py --game-date 2026-01-20 [--only nbac_schedule ...]
"""

import argparse
import json
import sys
import time

from google.cloud import pubsub_v1

PROJECT_ID = 'nba-props-platform'
TOPIC = 'nba-phase2-raw-complete'

PHASE2_PROCESSORS = ['bdl_player_boxscores', 'bigdataball_play_by_play', 'odds_api_game_lines', 'nbac_schedule', 'nbac_gamebook_player_stats', 'br_roster']
REPLAY_ORDER = ['nbac_schedule', 'br_roster', 'odds_api_game_lines', 'bdl_player_boxscores', 'bigdataball_play_by_play', 'nbac_gamebook_player_stats']


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('--game-date', required=True)
    parser.add_argument('--only', nargs='*', default=None, help='subset of processors to replay')
    parser.add_argument('--pause-seconds', type=float, default=2.0)
    args = parser.parse_args()

    selected = args.only or REPLAY_ORDER
    unknown = sorted(set(selected) - set(PHASE2_PROCESSORS))
    if unknown:
        print(f"unknown processors: {unknown}", file=sys.stderr)
        return 2

    publisher = pubsub_v1.PublisherClient()
    topic_path = publisher.topic_path(PROJECT_ID, TOPIC)
    for name in [p for p in REPLAY_ORDER if p in selected]:
        message = {'processor_name': name, 'game_date': args.game_date, 'status': 'success',
                   'correlation_id': f'replay-{args.game_date}-{name}'}
        message_id = publisher.publish(topic_path, data=json.dumps(message).encode('utf-8')).result(timeout=30)
        print(f"replayed {name}: {message_id}")
        time.sleep(args.pause_seconds)
    return 0


if __name__ == '__main__':
    sys.exit(main())
