"""Which processor class handles a scraper's output, by the class name the scraper publishes."""

from typing import Dict, Type

PROCESSOR_MODULES: Dict[str, str] = {
    'BdlPlayerBoxScoresProcessor': 'data_processors.raw.balldontlie.bdl_player_boxscores_processor',
    'NbacScheduleProcessor': 'data_processors.raw.nbacom.nbac_schedule_processor',
    'NbacGamebookProcesor': 'data_processors.raw.nbacom.nbac_gamebook_processor',
    'OddsGameLinesProcessor': 'data_processors.raw.oddsapi.odds_game_lines_processor',
    'NbacPlayerBoxscoreProcessor': 'data_processors.raw.nbacom.nbac_player_boxscore_processor',
    'BasketballRefRosterProcessor': 'data_processors.raw.basketball_ref.br_roster_processor',
}


def load(class_name: str) -> Type[object]:
    import importlib

    module = importlib.import_module(PROCESSOR_MODULES[class_name])
    return getattr(module, class_name)
