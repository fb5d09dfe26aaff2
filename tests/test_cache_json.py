"""`cache_json` reads back exactly what it wrote, and a value of any other shape is a `Mismatch`.

The cache may come from an untrusted run: every reader's result is encoded, then each node of the JSON
is replaced by values of other types (and each list shortened and lengthened). Decoding must either
fail with `Mismatch` or give a value of the declared type, checked here by an independent walk.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest

from driftbot.extract import cache_json
from driftbot.extract.class_refs import ClassRefReader
from driftbot.extract.embedded_sql import EmbeddedReader
from driftbot.extract.infra_refs import WrittenReader
from driftbot.extract.scan import _result_type as result_type
from driftbot.ftypes import Location
from driftbot.inventory.base import TableInfo
from driftbot.inventory.known import DdlReader
from driftbot.rules.sql import MonitoringReader

SQL = b"""-- nba_raw.games feeds the nightly check (see nbac_gamebook)
/* block comment */
SELECT g.id, 'final' AS state FROM `proj.nba_raw.games` g JOIN nba_raw.teams t ON g.team = t.id;
CREATE TABLE nba_raw.scores AS SELECT 1 AS x;
SELECT * FROM (((
"""
PYTHON = b"""import requests
TOPIC = 'nba-phase2-done'
URL = 'https://svc-abc.a.run.app/run'
Q = f"SELECT * FROM nba_raw.games WHERE d = '{D}'"
REGISTRY = [Alpha, Beta, Gamma]
JOBS = [{'name': 'phase2', 'topic': 'nba-phase3-done'}]
"""
YAML = b"topic: nba-phase3-done\nquery: SELECT id FROM nba_analytics.players\n"

# (reader, path, bytes): each result type of a driftbot reader, read from real input
READS = [
    (MonitoringReader(("**/*.sql",), (b"nba_raw",)), "q.sql", SQL),
    (MonitoringReader(("**/*.sql",), (b"nba_raw",)), "bad.sql", b"nba_raw \xff"),
    (DdlReader(), "ddl.sql", SQL),
    (EmbeddedReader((b"nba_raw", b"nba_analytics"), ()), "p.py", PYTHON),
    (EmbeddedReader((b"nba_raw", b"nba_analytics"), ()), "q.yaml", YAML),
    (WrittenReader("ssot/", (b"phase",)), "p.py", PYTHON),
    (WrittenReader("ssot/", (b"phase",)), "q.yaml", YAML),
    (ClassRefReader((b"Alpha", b"Beta", b"Gamma")), "p.py", PYTHON),
]
# A value of no reader above: a datetime, a location in another file, an optional dataclass field set.
STAMP = dt.datetime(2026, 1, 15, 8, 30, tzinfo=dt.UTC)
TABLES = (TableInfo("p", "nba_raw", "t", "TABLE", STAMP, None, Location("other.sql", 3, 14)),)
WRONG: list[object] = [None, True, 0, -1, "x", "", [], [0], {}, {"datetime": "nope"}, 1.5]


def samples() -> Iterator[tuple[str, object, object, str]]:
    for reader, path, data in READS:
        kind = result_type(type(reader))
        yield f"{type(reader).__name__}:{path}", kind, reader.read(path, data), path
    yield "TableInfo", tuple[TableInfo, ...], TABLES, "ddl.sql"


SAMPLES = list(samples())


def conforms(value: object, kind: Any) -> bool:
    """Whether `value` is of type `kind`, walked independently of `cache_json`."""
    if kind is type(None) or kind in (str, int, bool):
        return type(value) is kind
    if kind is dt.datetime:
        return type(value) is kind
    if kind is Location:
        return type(value) is kind and conforms(dataclasses.astuple(value), tuple[str, int, int])
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Literal:
        return type(value) is type(args[0]) and value in args
    if origin in (types.UnionType, typing.Union):
        return any(conforms(value, arm) for arm in args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return type(value) is tuple and all(conforms(v, args[0]) for v in value)
    if origin is tuple:
        return type(value) is tuple and len(value) == len(args) and all(map(conforms, value, args))
    if origin is frozenset:
        return type(value) is frozenset and all(conforms(v, args[0]) for v in value)
    hints = typing.get_type_hints(kind)
    return type(value) is kind and all(
        conforms(getattr(value, f.name), hints[f.name]) for f in dataclasses.fields(kind)
    )


def mutations(data: object) -> Iterator[object]:
    """`data` with one node replaced by a value of another type, or one list shortened or lengthened."""
    yield from WRONG
    if isinstance(data, list):
        yield data[:-1]
        yield [*data, data[-1] if data else 0]
        for i, item in enumerate(data):
            for changed in mutations(item):
                yield [*data[:i], changed, *data[i + 1 :]]


@pytest.mark.parametrize(("kind", "value", "path"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_a_value_reads_back_equal(kind: object, value: object, path: str) -> None:
    assert conforms(value, kind)
    assert cache_json.decode(kind, cache_json.encode(value, path), path) == value


def test_the_samples_hold_every_field_kind() -> None:
    """The readers' results above are not empty: tables, comments, problems, refs, jobs, collections."""
    encoded = repr([cache_json.encode(v, p) for _, _, v, p in SAMPLES])
    assert all(len(v) > 0 if isinstance(v, tuple) else v is not None for _, _, v, _ in SAMPLES)
    for word in ("nba_raw", "nbac_gamebook", "nba-phase3-done", "run.app", "Gamma"):
        assert word in encoded


@pytest.mark.parametrize(("kind", "value", "path"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_any_other_shape_is_a_mismatch(kind: object, value: object, path: str) -> None:
    encoded = cache_json.encode(value, path)
    tried = rejected = 0
    for bad in mutations(encoded):
        tried += 1
        try:
            got = cache_json.decode(kind, bad, path)
        except (cache_json.Mismatch, ValueError):  # ValueError: a `datetime` string that is not one
            rejected += 1
            continue
        assert conforms(got, kind), bad
    assert tried > (100 if isinstance(encoded, list) else 10)
    assert rejected > tried // 2


@dataclasses.dataclass(frozen=True)
class Checked:
    """A dataclass whose construction does more than store its fields: decoding must run it."""

    size: int

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True)
class Written:
    size: int

    def __init__(self, size: int) -> None:
        object.__setattr__(self, "size", size * 2)


def test_a_dataclass_is_made_as_its_constructor_makes_it() -> None:
    ref = TableInfo("p", "d", "t", "TABLE", None, None, Location("x.sql", 1, 2))
    assert cache_json.decode(TableInfo, cache_json.encode(ref, "x.sql"), "x.sql") == ref
    assert cache_json.decode(Checked, [3], "x") == Checked(3)
    with pytest.raises(ValueError, match="negative"):
        cache_json.decode(Checked, [-1], "x")
    assert cache_json.decode(Written, [3], "x") == Written(3)
    assert Written(3).size == 6
    assert cache_json._maker(TableInfo) is not TableInfo  # driftbot's own types skip `__init__`: half the time
