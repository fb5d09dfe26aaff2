"""
Orchestration configuration for the NBA props platform pipeline.

Defines which processors each phase transition waits for before it publishes
the next phase's trigger. Every Cloud Function vendors a copy of this file
(their deploy packages cannot import from the repository root); edit this one
and run ./bin/sync_shared_config.sh.

Path: shared/config/orchestration_config.py
"""

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class PhaseTransitionConfig:
    """Processors that must report completion before a phase transition fires.

    Names must match the processor_name each processor writes to Firestore
    (phaseN_completion/{game_date}); a name that no processor writes means the
    transition never triggers.
    """

    # Phase 2 -> Phase 3: raw processors writing to nba_raw
    phase2_expected_processors: List[str] = field(default_factory=lambda: [
        'bdl_player_boxscores',       # Ball Don't Lie box scores
        'bigdataball_play_by_play',   # BigDataBall play-by-play
        'odds_api_game_lines',        # Odds API game lines
        'nbac_schedule',              # NBA.com schedule
        'nbac_gamebook_player_stats', # NBA.com gamebook stats
        'br_roster',                  # Basketball-ref rosters
    ])

    # Phase 3 -> Phase 4: analytics processors writing to nba_analytics
    phase3_expected_processors: List[str] = field(default_factory=lambda: [
        'player_game_summary',
        'team_defense_game_summary',
        'team_offense_game_summary',
        'upcoming_player_game_context',
        'upcoming_team_game_context',
    ])

    # Phase 4 -> Phase 5: precompute processors writing to nba_precompute
    phase4_expected_processors: List[str] = field(default_factory=lambda: [
        'player_composite_factors',
        'player_shot_zone_analysis',
        'team_defense_zone_analysis',
        'player_daily_cache',
        'ml_feature_store',
    ])

    # 'all_complete' waits for every processor; 'quorum' fires at >= 80%
    trigger_mode: str = 'all_complete'
    phase2_timeout_minutes: int = 30
    phase3_timeout_minutes: int = 45
    phase4_timeout_minutes: int = 60
    enable_deadline_monitoring: bool = True


@dataclass
class RetryConfig:
    """Retry policy for Pub/Sub-triggered processors."""

    max_attempts: int = 3
    initial_backoff_seconds: int = 30
    max_backoff_seconds: int = 600
    retry_on_statuses: List[str] = field(default_factory=lambda: ['failed', 'timeout'])


@dataclass
class OrchestrationConfig:
    """Top-level orchestration settings shared by all services."""

    project_id: str = field(default_factory=lambda: os.environ.get('GCP_PROJECT_ID', 'nba-props-platform'))
    region: str = 'us-west2'
    phase_transitions: PhaseTransitionConfig = field(default_factory=PhaseTransitionConfig)
    retry: RetryConfig = field(default_factory=RetryConfig)
    firestore_collections: Dict[str, str] = field(default_factory=lambda: {
        'phase2': 'phase2_completion',
        'phase3': 'phase3_completion',
        'phase4': 'phase4_completion',
    })
    slack_channel: Optional[str] = field(default_factory=lambda: os.environ.get('SLACK_ALERT_CHANNEL'))


_config: Optional[OrchestrationConfig] = None


def get_orchestration_config() -> OrchestrationConfig:
    """Return the process-wide orchestration config (created on first use)."""
    global _config
    if _config is None:
        _config = OrchestrationConfig()
    return _config


def expected_processors_for(phase: int) -> List[str]:
    """Processors the transition out of `phase` waits for."""
    transitions = get_orchestration_config().phase_transitions
    by_phase = {
        2: transitions.phase2_expected_processors,
        3: transitions.phase3_expected_processors,
        4: transitions.phase4_expected_processors,
    }
    if phase not in by_phase:
        raise ValueError(f"no orchestrated transition out of phase {phase}")
    return list(by_phase[phase])
