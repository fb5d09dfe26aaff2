"""Unit tests for the Phase 2 -> Phase 3 orchestrator's name handling."""

import pytest

from orchestration.cloud_functions.phase2_to_phase3.main import normalize_processor_name


@pytest.mark.parametrize('raw, expected', [
    ('NbacScheduleProcessor', 'nbac_schedule'),
    ('nbac_schedule', 'nbac_schedule'),
])
def test_normalize_processor_name(raw, expected):
    assert normalize_processor_name(raw) == expected


def test_partial_completion_does_not_trigger():
    # Two of the six processors reported; the orchestrator must keep waiting.
    completed = ['bdl_player_boxscores', 'nbac_schedule']
    assert len(completed) < 6
