"""NBA.com player box scores: a validation source, not an orchestrated phase 2 processor."""


class NbacPlayerBoxscoreProcessor:
    table_name = 'nba_raw.nbac_player_boxscores'

    def run(self, opts: dict) -> None:
        raise RuntimeError('deployed separately')
