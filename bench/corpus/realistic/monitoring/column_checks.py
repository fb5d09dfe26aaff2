"""Null checks on the columns each raw table must fill (run after every load)."""

# Columns, not tables: never a list of table names.
REQUIRED_COLUMNS = {
    'bdl_player_boxscores': ['game_id', 'game_date', 'player_lookup', 'points'],
    'nbac_schedule': ['game_id', 'game_date', 'home_team_tricode', 'away_team_tricode'],
}

# Box score sources compared by the cross-validation: real tables, one of them the SSOT's.
CROSS_CHECKED_SOURCES = ('bdl_player_boxscores', 'nbac_player_boxscores', 'espn_boxscores')

# CLI options of the checker.
OPTIONS = ['--game-date', '--nbac_schedule', '--bdl_player_boxscores', '--fail-fast']
