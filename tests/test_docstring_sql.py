"""SQL examples in docstrings (extract/docstring_sql.py): lenient segments, exact positions, silence on prose."""

from __future__ import annotations

import shutil
from pathlib import Path

from driftbot.audit import run_audit
from driftbot.extract.docstring_sql import segments
from example_helpers import ROOT

MODULE = '''"""Player stats.

Example:
    SELECT player_id, points
    FROM `{project}.nba_raw.nbac_player_boxscore`
    WHERE game_date = @d

Select the rows FROM the gamebook first, then nba_raw.nbac_gamebook.
"""


class Job:
    """A job.

    Query: SELECT * FROM nba_raw.bdl_box_scores WHERE game_date = @d
        returns one row per player
    >>> SELECT 1 FROM nba_raw.nbac_schedule
    Example: SELECT * FROM nba_raw.espn_x WHERE (
    """

    def run(self):
        "SELECT * FROM nba_raw.read_whole_by_python_snippets"
        return f"""Example:
    SELECT * FROM nba_raw.not_a_docstring"""
'''


def test_segments_are_the_files_own_text_cut_to_what_parses() -> None:
    found = segments("a.py", MODULE)
    assert [(text, MODULE[at : at + len(text)] == text) for text, at in found] == [
        ("SELECT player_id, points\n    FROM `{project}.nba_raw.nbac_player_boxscore`\n    WHERE game_date = @d", True),
        ("SELECT * FROM nba_raw.bdl_box_scores WHERE game_date = @d", True),  # the prose line after it is cut
        ("SELECT 1 FROM nba_raw.nbac_schedule", True),
        ("SELECT * FROM nba_raw.read_whole_by_python_snippets", True),  # the caller drops what it read already
    ]


def test_escapes_keep_offsets_and_other_backslashes_skip_the_segment() -> None:
    text = '"""Example:\n    SELECT *\\tFROM nba_raw.a_table\n"""\nX = 1\n'
    [(sql, at)] = segments("a.py", text)
    assert (sql, at) == ("SELECT *  FROM nba_raw.a_table", text.index("SELECT"))
    assert segments("a.py", '"""Example:\n    SELECT * FROM nba_raw.a\\x41b\n"""\n') == []
    assert segments("a.py", 'r"""Example:\n    SELECT * FROM nba_raw.a_b\\d\n"""\n') == []  # not SQL either
    assert segments("a.py", "X = (\n") == []  # does not parse: nothing


def test_unknown_tables_in_docstring_examples_are_reported_at_the_name(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "stats.py").write_text(MODULE)
    found = [(str(f.location), f.actual) for f in run_audit(tmp_path).findings if f.rule == "unknown-table"]
    assert found == [
        ("jobs/stats.py:5:29", "nbac_player_boxscore"),
        ("jobs/stats.py:15:34", "bdl_box_scores"),
        ("jobs/stats.py:22:32", "read_whole_by_python_snippets"),  # once, by the literal reader
    ]
