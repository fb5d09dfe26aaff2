#!/usr/bin/env python3
"""
Backfill ml_feature_store_v2 for a date range.

Usage:
    python backfill_jobs/precompute/ml_feature_store/ml_feature_store_precompute_backfill.py \
        --start-date 2024-10-22 --end-date 2025-04-13 [--dry-run] [--skip-preflight]

The feature store reads the zone analyses and the composite factors of the
same date. Before each date is processed, the pre-flight check below makes sure
those three upstream tables have rows for it; a date without them is skipped
and listed at the end, so a partial upstream backfill never produces features
with silent zeros.
"""

import argparse
import logging
import sys
from datetime import date, datetime, timedelta
from typing import Dict, List

from google.cloud import bigquery

from data_processors.precompute.ml_feature_store.ml_feature_store_processor import MLFeatureStoreProcessor

logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(message)s')
logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'


def check_dependencies(client: bigquery.Client, analysis_date: date) -> Dict[str, int]:
    """Row counts of the upstream Phase 4 tables for one date."""
    d = analysis_date.isoformat()
    queries = {
        'team_defense_zone_analysis': f"""
            SELECT COUNT(*) AS cnt
            FROM `{PROJECT_ID}.nba_precompute.team_defense_zone_analysis`
            WHERE analysis_date = '{d}'
        """,
        'player_shot_zone_analysis': f"""
            SELECT COUNT(*) AS cnt
            FROM `{PROJECT_ID}.nba_precompute.player_shot_zone_analysis`
            WHERE analysis_date = '{d}'
        """,
        'player_composite_factors': f"""
            SELECT COUNT(*) AS cnt
            FROM `{PROJECT_ID}.nba_precompute.player_composite_factors`
            WHERE game_date = '{d}'
        """,
    }
    counts = {}
    for name, sql in queries.items():
        rows = list(client.query(sql).result())
        counts[name] = rows[0].cnt if rows else 0
    return counts


def date_range(start: date, end: date) -> List[date]:
    days = (end - start).days
    return [start + timedelta(days=i) for i in range(days + 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--start-date', required=True, type=lambda s: datetime.strptime(s, '%Y-%m-%d').date())
    parser.add_argument('--end-date', required=True, type=lambda s: datetime.strptime(s, '%Y-%m-%d').date())
    parser.add_argument('--dry-run', action='store_true')
    parser.add_argument('--skip-preflight', action='store_true')
    args = parser.parse_args()

    client = bigquery.Client(project=PROJECT_ID)
    processor = MLFeatureStoreProcessor()
    skipped: List[str] = []
    for analysis_date in date_range(args.start_date, args.end_date):
        if not args.skip_preflight:
            counts = check_dependencies(client, analysis_date)
            empty = [name for name, cnt in counts.items() if cnt == 0]
            if empty:
                logger.warning("%s: skipping, no rows in %s", analysis_date, empty)
                skipped.append(analysis_date.isoformat())
                continue
        if args.dry_run:
            logger.info("%s: would process", analysis_date)
            continue
        processor.run({'analysis_date': analysis_date.isoformat(), 'backfill_mode': True})

    if skipped:
        logger.warning("Skipped %d dates: %s", len(skipped), ', '.join(skipped))
    return 0


if __name__ == '__main__':
    sys.exit(main())
