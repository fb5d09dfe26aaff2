"""The analytics service routes by processor name, and acknowledges a name it does not know."""

from data_processors.analytics import main_analytics_service as service
from data_processors.analytics.player_game_summary.player_game_summary_processor import PlayerGameSummaryProcessor

ROUTED = [PlayerGameSummaryProcessor, service.TeamDefenseGameSummaryProcessor,
          service.TeamOffenseGameSummaryProcessor, service.UpcomingPlayerGameContextProcessor]


def test_every_routed_class_is_registered():
    assert set(ROUTED) <= set(service.ANALYTICS_PROCESSORS.values())


def test_unknown_processor_is_acknowledged():
    assert service.ANALYTICS_PROCESSORS.get('no_such_processor') is None
