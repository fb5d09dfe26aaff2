"""Facts about the example monorepo shared by tests of every area (import as `example_helpers`)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nba-props-platform"

# The 11 one-line hand corrections that remove all drift from the example (seed Tasks 1.1 and 1.2).
CONFIG_COPIES = (
    "shared/config/orchestration_config.py",
    "predictions/coordinator/shared/config/orchestration_config.py",
    "predictions/worker/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/phase4_to_phase5/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/phase5_to_phase6/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/self_heal/shared/config/orchestration_config.py",
    "orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py",
)
# The tables of ssot/processors/phase2_raw_processors.yaml, in file order.
PHASE2_TABLES = (
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
    "odds_api_game_lines",
    "nbac_schedule",
    "nbac_gamebook_player_stats",
    "br_rosters_current",
)
FALLBACK = "orchestration/cloud_functions/phase2_to_phase3/main.py"
MONITORING_SQL = "bin/operations/monitoring_queries.sql"


def hand_correct(repo: Path) -> None:
    """Apply the seed's manual fix: 10 Python lines and 1 SQL comment line."""
    for rel in (*CONFIG_COPIES, FALLBACK):
        f = repo / rel
        f.write_text(f.read_text().replace("'br_roster'," + " " * 9, "'br_rosters_current',"))
    sql = repo / MONITORING_SQL
    sql.write_text(sql.read_text().replace("(nbac_gamebook instead", "(nbac_gamebook_player_stats instead"))
