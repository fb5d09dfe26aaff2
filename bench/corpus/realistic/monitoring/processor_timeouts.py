"""Cloud Run request timeouts of the slow Phase 3 processors; every other one gets the default."""

DEFAULT_TIMEOUT_SECONDS = 300

TIMEOUT_SECONDS = {
    'PlayerGameSummaryProcessor': 900,
    'TeamDefenseGameSummaryProcessor': 600,
    'TeamOffenseGameSummaryProcessor': 600,
    'UpcomingPlayerGameContextProcessor': 900,
}


def timeout_for(class_name: str) -> int:
    return TIMEOUT_SECONDS.get(class_name, DEFAULT_TIMEOUT_SECONDS)
