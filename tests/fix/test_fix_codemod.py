"""The codemod: each edit keeps the collection's own style; exact output for each layout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.fix import codemod, fix_repo, source
from driftbot.ftypes import Finding, Location, Severity
from example_helpers import PHASE2_TABLES, ROOT

F = Finding("unknown-name", Severity.HIGH, Location("a.py", 1, 1), "test")
ORDER = ("a", "b", "c", "d", "e")


def edit(text: str, *edits: codemod.Edit) -> str:
    outcome = codemod.apply(source.load("a.py", text.encode()), list(edits))
    assert outcome.skipped == ()
    return outcome.data.decode()


def rename(line: int, col: int, old: str, new: str) -> codemod.Rename:
    return codemod.Rename((line, col), old, new, F)


def insert(text: str, line: int, col: int, value: str) -> codemod.Insert:
    src = source.load("a.py", text.encode())
    node = src.sequences[(line, col)]
    members = frozenset(pos for pos, m in src.members.items() if m.sequence is node)
    return codemod.Insert((line, col), value, ORDER, members, F)


def remove(line: int, col: int, value: str, collection: tuple[int, int]) -> codemod.Remove:
    return codemod.Remove((line, col), value, collection, F)


def test_rename_changes_only_the_token_and_keeps_the_comment_column() -> None:
    text = "X = [\n    u'aa',         # first\n    \"b\",  # second\n]\n"
    assert edit(text, rename(2, 5, "aa", "aaaa")) == "X = [\n    u'aaaa',       # first\n    \"b\",  # second\n]\n"
    assert (
        edit(text, rename(3, 5, "b", "bbbbbbbb"))
        == "X = [\n    u'aa',         # first\n    \"bbbbbbbb\",  # second\n]\n"
    )
    assert edit(text, rename(2, 5, "aa", "a")) == "X = [\n    u'a',          # first\n    \"b\",  # second\n]\n"


def test_rename_without_room_keeps_the_spaces_there_were() -> None:
    assert (
        edit("X = [\n    'a', # c\n    'b',\n]\n", rename(2, 5, "a", "abc")) == "X = [\n    'abc', # c\n    'b',\n]\n"
    )
    tabs = "X = [\n    'a',\t# c\n    'b',\n]\n"
    assert edit(tabs, rename(2, 5, "a", "abc")) == "X = [\n    'abc',\t# c\n    'b',\n]\n"


def test_rename_in_an_inline_list_and_a_dict_key() -> None:
    assert edit("X = ['a', 'b']  # both\n", rename(1, 11, "b", "bee")) == "X = ['a', 'bee']  # both\n"
    assert edit("D = {'a': 1, 'b': 2}\n", rename(1, 14, "b", "bee")) == "D = {'a': 1, 'bee': 2}\n"


MULTI = "X = [\n    # phase 2\n    'b',  # B\n    'd',  # D\n]\n"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a", "X = [\n    # phase 2\n    'a',\n    'b',  # B\n    'd',  # D\n]\n"),
        ("c", "X = [\n    # phase 2\n    'b',  # B\n    'c',\n    'd',  # D\n]\n"),
        ("e", "X = [\n    # phase 2\n    'b',  # B\n    'd',  # D\n    'e',\n]\n"),
    ],
)
def test_insert_one_per_line_where_the_ssot_order_puts_it(value: str, expected: str) -> None:
    assert edit(MULTI, insert(MULTI, 1, 5, value)) == expected


def test_insert_keeps_a_missing_trailing_comma_missing() -> None:
    text = "def f():\n    return [\n        'a',\n        'b'  # last\n    ]\n"
    want = "def f():\n    return [\n        'a',\n        'b',  # last\n        'c'\n    ]\n"
    assert edit(text, insert(text, 2, 12, "c")) == want


def test_insert_inline_hanging_tuple_and_set() -> None:
    inline = "X = ['b', 'd']\n"
    assert edit(inline, insert(inline, 1, 5, "a"), insert(inline, 1, 5, "e")) == "X = ['a', 'b', 'd', 'e']\n"
    hanging = 'X = ("b",\n     "d")\n'
    assert edit(hanging, insert(hanging, 1, 5, "c")) == 'X = ("b",\n     "c",\n     "d")\n'
    assert edit(hanging, insert(hanging, 1, 5, "e")) == 'X = ("b",\n     "d",\n     "e")\n'
    assert edit("S = {'a', 'c'}\n", insert("S = {'a', 'c'}\n", 1, 5, "b")) == "S = {'a', 'b', 'c'}\n"


def test_remove_drops_the_element_and_its_own_comment_only() -> None:
    text = "X = [\n    'a',  # A\n    # about b\n    'b',  # B\n    'c',  # C\n]\n"
    assert edit(text, remove(4, 5, "b", (1, 5))) == "X = [\n    'a',  # A\n    # about b\n    'c',  # C\n]\n"
    last = "X = [\n    'a',  # A\n    'b'  # B\n]\n"
    assert edit(last, remove(3, 5, "b", (1, 5))) == "X = [\n    'a'  # A\n]\n"
    assert edit("X = ('a', 'b', 'c')\n", remove(1, 11, "b", (1, 5))) == "X = ('a', 'c')\n"
    assert edit("X = ('a', 'b')\n", remove(1, 11, "b", (1, 5))) == "X = ('a',)\n"


def test_edits_that_cannot_be_made_are_skipped_with_a_reason() -> None:
    rows = "T = [\n    ('a', 1),\n    ('b', 2),\n]\n"
    src = source.load("a.py", rows.encode())
    out = codemod.apply(src, [remove(3, 6, "b", (1, 5))])
    assert out.data == rows.encode()
    assert [why for _, why in out.skipped] == [
        "the string is one column of a table row; removing it would break the row"
    ]
    d = "D = {'a': 1}\n"
    out = codemod.apply(source.load("a.py", d.encode()), [codemod.Insert((1, 5), "b", ORDER, frozenset({(1, 6)}), F)])
    assert [why for _, why in out.skipped] == ["cannot add a key to a dict (it needs a value)"]
    out = codemod.apply(source.load("a.py", b"X = ['a']\n"), [rename(1, 6, "zz", "y")])
    assert [why for _, why in out.skipped] == ["no string 'zz' at this position (the file changed since the audit?)"]


def test_unparsable_source_is_refused() -> None:
    with pytest.raises(source.NotParsable, match=r"^a.py:1:\d+: does not parse; left unchanged$"):
        source.load("a.py", b"X = [\n")


# --- end to end, on the project's own SSOT --------------------------------------------------------

GOOD = list(PHASE2_TABLES)


def repo_with(tmp_path: Path, text: str) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "cfg.py").write_text(text)
    return tmp_path


def listing(names: list[str], indent: str = "    ") -> str:
    return "".join(f"{indent}'{n}',\n" for n in names)


def test_missing_duplicate_and_untouched_strings(tmp_path: Path) -> None:
    names = [n for n in GOOD if n != "odds_api_game_lines"] + ["nbac_schedule"]
    text = (
        "LEGACY = 'br_roster'  # a single string is never a binding\n"
        f"EXPECTED = [\n{listing(names)}]\n"
        "if 'br_roster' in EXPECTED:\n    pass\n"
    )
    repo = repo_with(tmp_path, text)
    result = fix_repo(repo, confidence="likely")  # complete by its name only: the insert is likely
    assert sorted(f.rule for f in result.fixed) == ["duplicate-name", "missing-name"]
    assert (repo / "cfg.py").read_text() == text.replace(listing(names), listing(GOOD))
    assert fix_repo(repo, confidence="likely").changed == ()


def test_prune_removes_unknown_names_without_a_candidate(tmp_path: Path) -> None:
    text = f"EXPECTED = [\n{listing([*GOOD, 'totally_unrelated'])}]\n"
    repo = repo_with(tmp_path, text)
    assert fix_repo(repo).changed == ()  # nothing fixable without --prune
    result = fix_repo(repo, prune=True)
    assert result.changed == ("cfg.py",)
    assert (repo / "cfg.py").read_text() == f"EXPECTED = [\n{listing(GOOD)}]\n"
