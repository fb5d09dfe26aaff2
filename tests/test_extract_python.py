"""extract/python.py: exact collections, symbols, positions and comments for every supported shape."""

from __future__ import annotations

import textwrap

import pytest

from driftbot.extract.python import extract
from driftbot.extract.python_tree import ParseFailure
from driftbot.ftypes import Collection, Location

Shape = tuple[str, str, tuple[int, int], int, list[tuple[str, int, int, str | None]]]


def shapes(collections: list[Collection]) -> list[Shape]:
    """(symbol, kind, (line, col) of the bracket, end_line, [(value, line, col, comment)])."""
    out: list[Shape] = []
    for c in collections:
        assert c.path == "pkg/mod.py"
        assert all(e.location.path == "pkg/mod.py" for e in c.elements)
        elements = [(e.value, e.location.line, e.location.column, e.comment) for e in c.elements]
        out.append((c.symbol, c.kind, (c.location.line, c.location.column), c.end_line, elements))
    return out


def run(source: str, focus: frozenset[str] | None = None) -> list[Shape]:
    return shapes(extract("pkg/mod.py", textwrap.dedent(source).lstrip("\n").encode(), focus))


def test_dataclass_field_default_factory_with_comments() -> None:
    source = """
        from dataclasses import dataclass, field
        from typing import List


        @dataclass
        class PhaseTransitionConfig:
            phase2_expected_processors: List[str] = field(default_factory=lambda: [
                'bdl_player_boxscores',       # Ball Don't Lie box scores
                'br_roster',                  # Basketball-ref rosters
            ])
            timeout_minutes: int = 30
        """
    assert run(source) == [
        (
            "PhaseTransitionConfig.phase2_expected_processors",
            "list",
            (7, 75),
            10,
            [
                ("bdl_player_boxscores", 8, 9, "Ball Don't Lie box scores"),
                ("br_roster", 9, 9, "Basketball-ref rosters"),
            ],
        )
    ]


def test_fallback_in_except_import_error() -> None:
    source = """
        try:
            from shared.config.orchestration_config import get_orchestration_config
        except ImportError:
            EXPECTED_PROCESSORS = [
                'bdl_player_boxscores',
                "nbac_schedule",  # NBA.com
            ]
        """
    assert run(source) == [
        (
            "EXPECTED_PROCESSORS",
            "list",
            (4, 27),
            7,
            [("bdl_player_boxscores", 5, 9, None), ("nbac_schedule", 6, 9, "NBA.com")],
        )
    ]


def test_module_constants_tuple_set_bare_tuple_and_only_plain_strings() -> None:
    source = """
        NAMES = ('a', 'b')
        TABLES: frozenset[str] = frozenset({'x', 'y'})
        BARE = 'p', r'q'
        MIXED = ['a', f'b{x}', b'c', 'd' 'e', 1, u'f', '\\t']
        NUMBERS = [1, 2]
        """
    assert run(source) == [
        ("NAMES", "tuple", (1, 9), 1, [("a", 1, 10, None), ("b", 1, 15, None)]),
        ("TABLES", "set", (2, 36), 2, [("x", 2, 37, None), ("y", 2, 42, None)]),
        ("BARE", "tuple", (3, 8), 3, [("p", 3, 8, None), ("q", 3, 13, None)]),
        ("MIXED", "list", (4, 9), 4, [("a", 4, 10, None), ("f", 4, 42, None), ("\t", 4, 48, None)]),
    ]


def test_class_attributes_methods_locals_calls_defaults_and_returns() -> None:
    source = """
        class Monitor:
            TABLES = ['t1', 't2']

            def __init__(self, names=('n1',)):
                self.expected = ['e1']
                local = {'l1'}

            def check(me):
                me.seen = ['s1']
                return ['r1']


        def run():
            notify(channels=['c1'], ids=[1, 2])
            client.send('msg', ['p1'])
            CONFIG['k'] = ['v1']
        """
    assert run(source) == [
        ("Monitor.TABLES", "list", (2, 14), 2, [("t1", 2, 15, None), ("t2", 2, 21, None)]),
        ("Monitor.__init__(names)", "tuple", (4, 30), 4, [("n1", 4, 31, None)]),
        ("Monitor.expected", "list", (5, 25), 5, [("e1", 5, 26, None)]),
        ("Monitor.__init__.local", "set", (6, 17), 6, [("l1", 6, 18, None)]),
        ("Monitor.seen", "list", (9, 19), 9, [("s1", 9, 20, None)]),
        ("Monitor.check()", "list", (10, 16), 10, [("r1", 10, 17, None)]),
        ("run.notify(channels)", "list", (14, 21), 14, [("c1", 14, 22, None)]),
        ("run.client.send(1)", "list", (15, 24), 15, [("p1", 15, 25, None)]),
        ("run.CONFIG['k']", "list", (16, 19), 16, [("v1", 16, 20, None)]),
    ]


def test_dict_keys_and_values() -> None:
    source = """
        PHASES = {
            'phase2': ['a', 'b'],  # raw
            3: ('c',),
            'name': 'value',
        }
        """
    assert run(source) == [
        ("PHASES", "dict", (1, 10), 5, [("phase2", 2, 5, "raw"), ("name", 4, 5, None)]),
        ("PHASES['phase2']", "list", (2, 15), 2, [("a", 2, 16, "raw"), ("b", 2, 21, "raw")]),
        ("PHASES[3]", "tuple", (3, 8), 3, [("c", 3, 9, None)]),
    ]


def test_list_of_tuples_gives_one_collection_per_position() -> None:
    source = """
        FRESHNESS = [
            ('nba_raw', 'bdl_player_boxscores', 'game_date'),  # box scores
            ('nba_raw', 'br_rosters_current', 'season', 7),
        ]
        """
    bracket, end = (1, 13), 4
    assert run(source) == [
        ("FRESHNESS[*][0]", "list", bracket, end, [("nba_raw", 2, 6, "box scores"), ("nba_raw", 3, 6, None)]),
        (
            "FRESHNESS[*][1]",
            "list",
            bracket,
            end,
            [("bdl_player_boxscores", 2, 17, "box scores"), ("br_rosters_current", 3, 17, None)],
        ),
        ("FRESHNESS[*][2]", "list", bracket, end, [("game_date", 2, 41, "box scores"), ("season", 3, 39, None)]),
    ]


def test_nested_scopes_and_list_of_lists() -> None:
    source = """
        def outer():
            class Inner:
                def method(self):
                    self.names = [['a'], 'b']
        """
    assert run(source) == [
        ("outer.Inner.names", "list", (4, 26), 4, [("b", 4, 34, None)]),
        ("outer.Inner.names[0]", "list", (4, 27), 4, [("a", 4, 28, None)]),
    ]


def test_positions_count_characters_across_crlf_tabs_and_unicode() -> None:
    source = "# café ☕\r\nX = {\r\n\t'é': 1,  # naïve\r\n\t\"☕\": 2}\r\nY = ('''\r\nline\r\n''', 'z')\r\n"
    collections = extract("pkg/mod.py", source.encode(), None)
    assert shapes(collections) == [
        ("X", "dict", (2, 5), 4, [("é", 3, 2, "naïve"), ("☕", 4, 2, None)]),
        ("Y", "tuple", (5, 5), 7, [("\nline\n", 5, 6, None), ("z", 7, 6, None)]),
    ]


def test_anonymous_collections_take_the_enclosing_path() -> None:
    source = """
        for name in ['a']:
            pass


        def check(n):
            return n in ('b',) and ['c'].count(n)
        """
    assert run(source) == [
        ("<module>", "list", (1, 13), 1, [("a", 1, 14, None)]),
        ("check()", "tuple", (6, 17), 6, [("b", 6, 18, None)]),
        ("check()", "list", (6, 28), 6, [("c", 6, 29, None)]),
    ]


def test_no_collections_without_string_elements() -> None:
    assert run("X = [1, 2]\nY = {}\nZ = ()\n") == []


def test_focus_parses_only_statements_that_mention_a_name() -> None:
    source = """
        import os

        OTHER = ['x', 'y']


        @decorator(['d'])
        class Config:
            NAMES = ['bdl_player_boxscores', 'br_roster']  # stale


        LEGACY = ['br_roster_v2', 'nbac_schedule_backfill']
        """
    focus = frozenset({"bdl_player_boxscores", "nbac_schedule"})
    assert run(source, focus) == [
        ("decorator(0)", "list", (6, 12), 6, [("d", 6, 13, None)]),
        ("Config.NAMES", "list", (8, 13), 8, [("bdl_player_boxscores", 8, 14, "stale"), ("br_roster", 8, 38, "stale")]),
    ]
    assert run("X = ['a', 'b']\n", focus) == []


def test_focus_falls_back_to_libcst_for_syntax_newer_than_cpython() -> None:
    # PEP 695 generics: CPython 3.11's ast cannot parse them, libcst can; both paths must agree.
    source = "def first[T](items: list[T]) -> T:\n    return items[0]\n\n\nNAMES = ['bdl_player_boxscores', 'x']\n"
    expected = [("NAMES", "list", (5, 9), 5, [("bdl_player_boxscores", 5, 10, None), ("x", 5, 34, None)])]
    assert run(source, frozenset({"bdl_player_boxscores"})) == expected
    assert run(source) == expected


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        (b"X = ['a',\n", 1, 5, "'[' was never closed"),
        (b"import os\n\ndef f(:\n    pass\nX = 1\n", 3, 7, "invalid syntax"),
        (b"X = 1\n  Y = 2\n", 2, 2, "unexpected indent"),
        (b"# ok\nX = ['caf\xe9']\n", 2, 10, "not valid UTF-8"),
    ],
)
def test_unparsable_file_raises_parse_failure(source: bytes, line: int, column: int, message: str) -> None:
    for focus in (None, frozenset({"X"})):
        with pytest.raises(ParseFailure) as caught:
            extract("pkg/bad.py", source, focus)
        assert (caught.value.location, caught.value.message) == (Location("pkg/bad.py", line, column), message)


def test_focus_does_not_read_past_the_last_statement_that_mentions_a_name() -> None:
    # Nothing can be missed there, so a syntax error after it is not looked for (see _next_statement).
    source = b"X = ['a', 'b']\nbroken(:\n"
    assert shapes(extract("pkg/mod.py", source, frozenset({"a"}))) == [
        ("X", "list", (1, 5), 1, [("a", 1, 6, None), ("b", 1, 11, None)])
    ]
    with pytest.raises(ParseFailure):
        extract("pkg/mod.py", source)


def test_focus_cut_points_that_are_not_statement_starts() -> None:
    # Column-0 lines after the last hit that do not start a statement: an `except` clause, a string
    # element inside brackets, SQL inside a triple-quoted string, a backslash continuation.
    source = (
        "try:\n"
        "    X = ['bdl_player_boxscores',\n"
        "'br_roster']\n"
        "except ImportError:\n"
        "    X = ['nbac_schedule']\n"
        "    Q = '''\n"
        "SELECT 1\n"
        "'''\n"
        "    Y = 1 + \\\n"
        "2\n"
        "Z = ['after']\n"
    )
    assert shapes(extract("pkg/mod.py", source.encode(), frozenset({"bdl_player_boxscores"}))) == [
        ("X", "list", (2, 9), 3, [("bdl_player_boxscores", 2, 10, None), ("br_roster", 3, 1, None)]),
        ("X", "list", (5, 9), 5, [("nbac_schedule", 5, 10, None)]),
    ]


def test_positions_point_at_the_tokens_in_the_source() -> None:
    """Independent check of the offset-counting codegen: every position lands on its token."""
    source = textwrap.dedent(
        """\
        # -*- coding: utf-8 -*-
        \"\"\"Docstring with 'quotes' and [brackets].\"\"\"
        import typing as t
        A = (  # open
            ('x'),  'y',
            \"\"\"multi
        line\"\"\",
            t.cast(str, 'z'),
        )
        B: t.Final = {'k': {'n': ['v']}, **OTHER}
        async def f(*, opt=['o']):
            async with ctx(mode=('r', 'w')) as c:
                yield {x: ['inner'] for x in ['g1', 'g2'] if x not in ('h',)}
        """
    )
    lines = source.splitlines()
    found = extract("pkg/mod.py", source.encode())
    assert len(found) == 9
    for c in found:
        opener = lines[c.location.line - 1][c.location.column - 1]
        assert opener in "[({'\"", c
        closer = {"[": "]", "(": ")", "{": "}"}.get(opener, "'\"")
        assert any(ch in lines[c.end_line - 1] for ch in closer), c
        for e in c.elements:
            text = lines[e.location.line - 1][e.location.column - 1 :]
            assert text[0] in "'\"rRuU", e
            assert text.lstrip("rRuU").lstrip("'\"").startswith(e.value.split("\n")[0]), e
