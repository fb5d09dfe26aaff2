"""Unit tests for the Phase 2 -> Phase 3 orchestrator."""

from unittest import mock

import pytest

from orchestration.cloud_functions.phase2_to_phase3 import main


@pytest.mark.parametrize('raw, expected', [
    ('NbacScheduleProcessor', 'nbac_schedule'),
    ('nbac_schedule', 'nbac_schedule'),
    ('BdlPlayerBoxScoresProcessor', 'bdl_player_box_scores'),
])
def test_normalize_processor_name(raw, expected):
    assert main.normalize_processor_name(raw) == expected


@pytest.fixture
def partial_doc():
    # Two of the processors reported; bookkeeping fields sit next to them.
    return {
        'bdl_player_boxscores': {'status': 'success', 'record_count': 512},
        'nbac_schedule': {'status': 'success', 'record_count': 15},
        '_completed_count': 2,
        '_triggered': False,
    }


def test_partial_completion_does_not_trigger(partial_doc):
    completed = ['bdl_player_boxscores', 'nbac_schedule']
    assert [name for name in main.EXPECTED_PROCESSORS if name in partial_doc][:2] == completed
    assert partial_doc['_completed_count'] < main.EXPECTED_COUNT


def test_metadata_fields_are_not_processors():
    for field_name in main.METADATA_FIELDS:
        assert field_name not in main.EXPECTED_PROCESSORS


def test_unexpected_processor_is_ignored():
    event = mock.Mock()
    event.data = {'message': {'data': 'eyJwcm9jZXNzb3JfbmFtZSI6ICJlc3BuX2JveHNjb3JlcyIsICJnYW1lX2RhdGUiOiAiMjAyNi0wMS0yMCJ9'}}
    with mock.patch.object(main, '_record_completion') as record:
        main.orchestrate_phase2_to_phase3(event)
    record.assert_not_called()
