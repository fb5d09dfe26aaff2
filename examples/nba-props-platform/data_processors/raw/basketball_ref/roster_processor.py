"""
Basketball Reference roster processor (Phase 2).

Reads the season roster JSON scraped from basketball-reference.com for each
team and MERGEs it into nba_raw.br_rosters_current. Rosters rarely change,
so most days this processor finds nothing new and reports 'skipped'.

GCS input: gs://nba-scraped-data/basketball-ref/season-rosters/{season}/{team}.json
"""

import logging
from datetime import date, datetime, timezone
from typing import Dict, List, Optional

from data_processors.raw.processor_base import ProcessorBase
from shared.utils.distributed_lock import DistributedLock
from shared.utils.player_name_normalizer import normalize_name_for_lookup

logger = logging.getLogger(__name__)


class BasketballRefRosterProcessor(ProcessorBase):
    """Maintains the current-season roster table from Basketball Reference."""

    processor_name = 'br_rosters_current'
    table_name = 'nba_raw.br_rosters_current'
    processing_strategy = 'MERGE_UPDATE'

    # Lineage tag written on every row; kept as the scraper's historical
    # source id so downstream joins on data_source keep working.
    data_source_enhancement = 'br_roster'

    def __init__(self, lock: Optional[DistributedLock] = None):
        super().__init__()
        self.lock = lock
        self.rows: List[Dict] = []

    def acquire_lock(self, season_year: int) -> bool:
        """Only one roster run per season at a time (scraper fan-out races)."""
        if self.lock is None:
            return True
        # Locks created before the table rename still carry the old prefix.
        if 'br_roster' in self.lock.id:
            logger.info("Reusing legacy br_roster lock %s for season %d", self.lock.id, season_year)
        return self.lock.acquire(timeout_seconds=120)

    def transform_data(self, raw_data: Dict, season_year: int, team_abbrev: str) -> List[Dict]:
        today = date.today()
        rows = []
        for player in raw_data.get('players', []):
            full_name = player.get('player', '').strip()
            if not full_name:
                continue
            rows.append({
                'season_year': season_year,
                'team_abbrev': team_abbrev,
                'player_lookup': normalize_name_for_lookup(full_name),
                'player_full_name': full_name,
                'position': player.get('pos'),
                'jersey_number': player.get('no'),
                'height': player.get('ht'),
                'weight': player.get('wt'),
                'experience_years': _parse_experience(player.get('exp')),
                'first_seen_date': today,
                'last_scraped_date': today,
                'data_source': self.data_source_enhancement,
                'processed_at': datetime.now(timezone.utc),
            })
        self.rows = rows
        return rows

    def save_data(self) -> Dict:
        if not self.rows:
            logger.info("No roster changes; br_roster run marked as skipped")
            return {'status': 'skipped', 'record_count': 0}
        result = self.merge_rows(
            self.rows,
            key_fields=['season_year', 'team_abbrev', 'player_lookup'],
            preserve_fields=['first_seen_date'],
        )
        return {'status': 'success', 'record_count': result.rows_affected}


def _parse_experience(value: Optional[str]) -> int:
    """Basketball Reference shows rookies as 'R'."""
    if not value or value == 'R':
        return 0
    try:
        return int(value)
    except ValueError:
        return 0
