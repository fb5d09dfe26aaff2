"""extract/needles.py: the prefilter's decisions are exactly those of one `in` per string.

Differential: the reference functions below are the scan's and the readers' decisions as they were
(one `in`, or one delimited search, per string); over every .py/.yaml/.sh file of a generated realistic
and synthetic corpus (with their SSOT's strings, through the real readers), the tests, the stdlib, and
hand-made and random byte strings, the compiled sets decide the same.
"""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from driftbot import project
from driftbot.extract import needles as compiled
from driftbot.extract.infra_refs import WrittenReader
from driftbot.extract.needles import Needles, needles
from driftbot.extract.plan import (
    FILE_READS,
    MIN_CLASSES,
    URL_NEEDLE,
    count_names,
    is_cloudbuild,
    is_test_file,
    loops_into_template,
)
from driftbot.extract.scan import FileReader
from driftbot.rules import infra as rules_infra
from driftbot.rules import registry as rules_registry
from driftbot.rules import sql as rules_sql

ROOT = Path(__file__).resolve().parents[1]
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


# ---- the reference: the decisions as they were, one pass per string


def old_count_names(data: bytes, names: Sequence[bytes], enough: int) -> int:
    count = 0
    for name in names:
        if name in data and old_delimited(data, name):
            count += 1
            if count >= enough:
                break
    return count


def old_delimited(data: bytes, name: bytes) -> bool:
    start = data.find(name)
    while start != -1:
        end = start + len(name)
        if (start == 0 or data[start - 1] not in _WORD_BYTES) and (end == len(data) or data[end] not in _WORD_BYTES):
            return True
        start = data.find(name, start + 1)
    return False


def old_wants(name: str, reader: FileReader, path: str, data: bytes) -> bool:
    if name == rules_infra.WRITTEN:
        assert isinstance(reader, WrittenReader)
        if path.startswith(reader.ssot_dir) or is_test_file(path) or is_cloudbuild(path):
            return False
        return URL_NEEDLE in data or any(n in data for n in reader.needles)
    if name == rules_sql.EMBEDDED:
        datasets: tuple[bytes, ...] = reader.datasets  # type: ignore[attr-defined]
        if not any(d in data for d in datasets):
            return False
        return FILE_READS.search(data) is not None or (path.endswith(".py") and loops_into_template(data))
    if name == rules_registry.READER:
        return old_count_names(data, reader.classes, MIN_CLASSES) >= MIN_CLASSES  # type: ignore[attr-defined]
    return reader.wants(path, data)  # readers that ask no string


# ---- corpora


def _generate(root: Path, profile: str) -> Path:
    sys.path.insert(0, str(ROOT / "bench"))  # as when a bench script runs: it imports its neighbours
    try:
        from generate import generate

        generate(root, files=800, seed=5, profile=profile)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return root


def _readers(repo: Path) -> dict[str, FileReader]:
    cfg, ssot = project.load(repo)
    readers: dict[str, FileReader] = {
        rules_sql.EMBEDDED: rules_sql.embedded_reader(ssot, cfg, []),
        rules_sql.MONITORING: rules_sql.monitoring_reader(ssot, cfg),
    }
    written = rules_infra.written_reader(ssot.infrastructure, ssot.root)
    if written is not None:
        readers[rules_infra.WRITTEN] = written
    registry = rules_registry.reader(ssot)
    if registry is not None:
        readers[rules_registry.READER] = registry
    return readers


def _names(repo: Path) -> tuple[bytes, ...]:
    _, ssot = project.load(repo)
    return tuple(n.encode() for n in sorted(ssot.all_names() | ssot.all_classes()) if n)


def _files(root: Path, suffixes: tuple[str, ...] = (".py", ".yaml", ".yml", ".sh", ".bash")) -> list[tuple[str, bytes]]:
    return [
        (p.relative_to(root).as_posix(), p.read_bytes())
        for p in sorted(root.rglob("*"))
        if p.suffix in suffixes and p.is_file() and "__pycache__" not in p.parts
    ]


def _same_decisions(
    files: list[tuple[str, bytes]], names: tuple[bytes, ...], readers: dict[str, FileReader]
) -> tuple[int, int]:
    """Assert old and new decide alike on every file; (files whose names reach 2, reader decisions that said yes)."""
    candidates = wanted = 0
    for path, data in files:
        for name, reader in readers.items():
            if path.endswith(reader.suffixes):
                new = reader.wants(path, data)
                assert new == old_wants(name, reader, path, data), (name, path)
                wanted += new
        for enough in (1, 2, 3, len(names) + 1):
            assert count_names(data, names, enough) == old_count_names(data, names, enough), (path, enough)
        candidates += count_names(data, names, 2) >= 2
    return candidates, wanted


@pytest.mark.parametrize("profile", ["realistic", "synthetic"])
def test_generated_corpora_decide_alike(profile: str, tmp_path: Path) -> None:
    repo = _generate(tmp_path, profile)
    names = _names(repo)
    candidates, wanted = _same_decisions(_files(repo), names, _readers(repo))
    assert candidates >= 10  # the corpora hold candidates and files the readers want
    assert wanted >= 3


def test_tests_and_stdlib_decide_alike(tmp_path: Path) -> None:
    repo = _generate(tmp_path, "realistic")  # its SSOT's strings, over other code
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = _files(ROOT / "tests") + _files(stdlib, (".py",))[::8]
    _same_decisions(files, _names(repo), _readers(repo))
    # strings the stdlib is full of, sharing pieces, holding one another, one a repeat
    common = (b"import", b"importlib", b"_import", b"self", b"self.assert", b"assertEqual", b"assertEquals")
    common += (b"return", b"return_value", b"os.path", b"path", b"__init__", b"init", b"def __init__", b"import")
    hits = 0
    for path, data in files:
        assert needles(common).any_in(data) == any(n in data for n in common), path
        assert sorted(needles(common).found(data)) == sorted(n for n in common if n in data), path
        for enough in (0, 2, 99):
            assert count_names(data, common, enough) == old_count_names(data, common, enough), (path, enough)
        hits += count_names(data, common, 99) >= 4
    assert hits > 100


EDGES = [
    b"",
    b"br_roster",
    b"br_roster_v2",
    b"xbr_roster",
    b"br_roster\n",
    b"'br_roster'",
    b"br_rosterbr_roster",
    b"br_roster br_roster_v2",
    b"nba_raw.br_roster",
    b"\xc3\xa9br_roster\xc3\xa9",  # non-ASCII around a name is no word byte
    b"br_roster\xff",
    b"\x00br_roster\x00",
    b"9br_roster",
    b"br_roster9",
    b"ml_feature_store_v2 ml_feature_store",
    b"ml_feature_store_v2",
    b"Processor GameSummaryProcessor PlayerGameSummaryProcessor",
    b"TeamDefenseGameSummaryProcessor,TeamOffenseGameSummaryProcessor",
    b"aaaaaaaa",
    b"phase5-retry-1 nba-phase4",
    b"nba-pha",
    b"caf\xc3\xa9_table",
]
EDGE_NAMES = (
    b"br_roster",
    b"br_roster_v2",
    b"ml_feature_store",
    b"ml_feature_store_v2",
    b"PlayerGameSummaryProcessor",
    b"TeamDefenseGameSummaryProcessor",
    b"TeamOffenseGameSummaryProcessor",
    b"GameSummaryProcessor",
    b"aaaa",
    b"aaaaaaa",
    b"aaaaaaaa",
    b"phase5-retry-",
    b"phase5-retry-1",
    b"-retry-1",
    b"nba-pha",
    b"nba-phase4",
    b"caf\xc3\xa9_table",
    b"\xc3\xa9",
    b"br_roster",  # a repeat counts twice, as it did
)


@pytest.mark.parametrize("data", EDGES)
def test_edges_decide_alike(data: bytes) -> None:
    for names in (EDGE_NAMES, EDGE_NAMES[:4], EDGE_NAMES[4:8], (b"",), (b"", b"br_roster"), ()):
        assert needles(names).any_in(data) == any(n in data for n in names)
        for enough in (0, 1, 2, 3, 30):
            assert count_names(data, names, enough) == old_count_names(data, names, enough), (names, enough)


def test_shared_pieces_are_searched_first() -> None:
    """The classes share `Processor`: a file without it answers for all of them in one search."""
    classes = tuple(f"{w}Processor".encode() for w in ("Schedule", "Roster", "Gamebook", "Lines"))
    assert [n.piece for n in Needles(classes).nodes] == [b"rocesso"]
    # for "any", a string holding another is not searched for
    assert [n.piece for n in Needles((b"nba-phase4", b"nba-pha", b".run.app")).minimal] == [b"nba-pha", b".run.app"]


def test_a_bytearray_is_not_remembered() -> None:
    data = bytearray(b"nothing here")
    assert not compiled.occurs(data, b"here_x")  # type: ignore[arg-type]
    data[8:] = b"here_x"
    assert compiled.occurs(data, b"here_x")  # type: ignore[arg-type]


ALPHABET = st.sampled_from([b"a", b"b", b"_", b"-", b" ", b"\xc3", b"\xa9", b"ab", b"ba", b"aab"])
STRINGS = st.lists(st.binary(max_size=3).map(lambda b: b.replace(b"\x00", b"a")) | ALPHABET, max_size=4).map(b"".join)


DATA = st.lists(STRINGS, max_size=8).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(data=DATA, names=st.lists(STRINGS, max_size=12), enough=st.integers(-1, 6))
def test_random_strings_decide_alike(data: bytes, names: list[bytes], enough: int) -> None:
    for anchor in (2, 3, compiled.ANCHOR):  # short pieces: shared often, nested deep
        built = _with_anchor(anchor, tuple(names))
        assert built.any_in(data) == any(n in data for n in names)
        assert sorted(built.found(data)) == sorted(n for n in names if n in data)
        assert built.count_delimited(data, enough) == old_count_names(data, names, enough)


def _with_anchor(anchor: int, names: tuple[bytes, ...]) -> Needles:
    saved, compiled.ANCHOR = compiled.ANCHOR, anchor
    try:
        return Needles(names)
    finally:
        compiled.ANCHOR = saved
