"""Unit tests for the Phase 3 -> Phase 4 graceful-degradation trigger."""

from datetime import datetime, timedelta, timezone

from orchestration.cloud_functions.phase3_to_phase4 import main

NOW = datetime.now(timezone.utc)


def test_requirements_partition_phase3():
    expected_count, critical, optional = main.get_phase3_requirements()
    assert expected_count == len(critical | optional)
    assert not critical & optional


def test_waits_for_critical_processors():
    completed = {'team_defense_game_summary', 'team_offense_game_summary'}
    trigger, reason = main.should_trigger_phase4(completed, NOW - timedelta(hours=2))
    assert not trigger
    assert 'player_game_summary' in reason


def test_degrades_after_deadline():
    completed = {'player_game_summary', 'upcoming_player_game_context', 'team_offense_game_summary'}
    trigger, reason = main.should_trigger_phase4(completed, NOW - timedelta(hours=2))
    assert trigger and reason == 'degraded'


def test_optional_processors_never_block():
    completed = {'player_game_summary', 'upcoming_player_game_context'}
    trigger, _ = main.should_trigger_phase4(completed, NOW - timedelta(minutes=5))
    assert not trigger
