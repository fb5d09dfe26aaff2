"""
Basketball Reference roster processor (Phase 2).

Reads the scraped season rosters from GCS and MERGEs them into
nba_raw.br_rosters_current. Publishes its completion as 'br_rosters_current',
the processor_name the Phase 2 -> 3 orchestrator waits for.
"""

import json
import logging
from typing import Dict, List

from google.cloud import bigquery, storage

logger = logging.getLogger(__name__)

PROJECT_ID = 'nba-props-platform'
BUCKET = 'nba-scraped-data'


class BasketballRefRosterProcessor:
    processor_name = 'br_rosters_current'
    target_table = 'nba_raw.br_rosters_current'

    def __init__(self) -> None:
        self.bq = bigquery.Client(project=PROJECT_ID)
        self.gcs = storage.Client(project=PROJECT_ID)

    def load(self, season_year: int, team_abbrev: str) -> List[Dict]:
        blob = self.gcs.bucket(BUCKET).blob(f'basketball-ref/season-rosters/{season_year}/{team_abbrev}.json')
        payload = json.loads(blob.download_as_text())
        return [
            {
                'season_year': season_year,
                'team_abbrev': team_abbrev,
                'player_full_name': player['name'],
                'player_lookup': player['name'].lower().replace(' ', '').replace('.', ''),
                'position': player.get('position'),
                'jersey_number': player.get('number'),
            }
            for player in payload.get('players', [])
        ]

    def merge(self, rows: List[Dict]) -> None:
        staging = f'{PROJECT_ID}.nba_raw.br_rosters_staging'
        self.bq.load_table_from_json(rows, staging, job_config=bigquery.LoadJobConfig(
            write_disposition='WRITE_TRUNCATE', autodetect=True)).result()
        self.bq.query(f"""
            MERGE `{self.target_table}` t
            USING `{staging}` s
            ON t.season_year = s.season_year AND t.team_abbrev = s.team_abbrev AND t.player_lookup = s.player_lookup
            WHEN MATCHED THEN UPDATE SET position = s.position, jersey_number = s.jersey_number,
                                         last_scraped_date = CURRENT_DATE()
            WHEN NOT MATCHED THEN INSERT ROW
        """).result()
        logger.info("merged %d roster rows", len(rows))
