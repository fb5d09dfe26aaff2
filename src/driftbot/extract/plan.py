"""What the prefilter decides for one file from its path and bytes (`judge`), and what readers want.

The scan (`extract.scan`) judges every file it reads with `judge`; the memo (`extract.memo`) judges a
changed file with the same function to tell that a report cannot have changed. So this module is
light (the standard library and `limits` only): a memo hit imports no parser.

A reader's choice (`FileReader.wants`) is one of the tests in TESTS, run on the reader's settings;
`Screen` holds those settings as data (JSON for the memo), and the reader's `wants` calls the same test.
"""

from __future__ import annotations

import functools
import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from driftbot.extract.limits import MAX_PYTHON_BYTES
from driftbot.extract.needles import needles

MIN_HITS = 2  # SSOT names a Python file must name to be a candidate (a copied list names several)
# Plan.python
NOT_CANDIDATE, FOCUSED, WHOLE, TOO_BIG = range(4)


@dataclass(frozen=True)
class Plan:
    """What the prefilter decided for a file from its bytes (and path)."""

    python: int  # NOT_CANDIDATE, FOCUSED (statements that mention a name), WHOLE (forced) or TOO_BIG
    size: int  # bytes: the message of a file TOO_BIG to parse
    readers: tuple[str, ...]  # the readers that want it


SKIPPED = Plan(NOT_CANDIDATE, 0, ())  # a file neither parsed nor read: its size says nothing


def blob_id(data: bytes) -> str:
    """git's object id of a blob holding `data` (SHA-1, as `git hash-object`): how every key names a content."""
    h = hashlib.sha1(b"blob %d\0" % len(data), usedforsecurity=False)
    h.update(data)
    return h.hexdigest()


def encoded_names(names: Iterable[str]) -> tuple[bytes, ...]:
    """The `names` argument of `judge` for these SSOT names."""
    return tuple(n.encode() for n in sorted(names) if n)


def skipped(plan: Plan) -> bool:
    """Whether the scan neither parses nor reads a file of this plan: its content makes no result."""
    return plan.python == NOT_CANDIDATE and not plan.readers


class Wanting(Protocol):
    """What `judge` asks of a reader (`extract.scan.FileReader` and `Screen` both answer)."""

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    def wants(self, path: str, data: bytes) -> bool: ...


def judge(
    rel: str,
    size: int,
    data: bytes | None,
    *,
    names: Sequence[bytes],
    forced: bool,
    min_hits: int,
    readers: Sequence[tuple[str, Wanting]],
) -> Plan:
    """The plan of file `rel` of `size` bytes holding `data` (None: not read, a Python file over
    MAX_PYTHON_BYTES that no reader applies to). A Python file is a candidate when `min_hits` of
    `names` occur in it delimited (`count_names`), read whole when `forced`; each reader of `readers`
    whose suffixes `rel` ends with wants it or not."""
    python = rel.endswith(".py")
    big = python and size > MAX_PYTHON_BYTES  # not parsed: reported, since it may copy an SSOT list
    if data is None:
        return Plan(TOO_BIG, size, ())
    wanting = tuple(name for name, r in readers if rel.endswith(r.suffixes) and r.wants(rel, data))
    kind = NOT_CANDIDATE
    if big:
        kind = TOO_BIG
    elif python:
        if forced:
            kind = WHOLE
        elif count_names(data, names, min_hits) >= min_hits:
            kind = FOCUSED
    return Plan(kind, size, wanting)


def count_names(data: bytes, names: Sequence[bytes], enough: int) -> int:
    """How many of `names` occur delimited in `data`, counting no further than `enough` (`extract.needles`)."""
    return needles(tuple(names)).count_delimited(data, enough)


# ---- What readers want -------------------------------------------------------------------------

FILE_READS = re.compile(rb"(?i)\b(from|join|into|update)\b")
_LOOP = re.compile(rb"\bfor\s+\w+\s+in\b")  # a loop that may put its names into `dataset.{name}`
# `dataset.{` in a template's source: in one literal, or across implicitly joined literals (`"ds." f"{t}"`)
_DOTTED_HOLE = re.compile(rb"\.(?:[\"']\s*[bBfFrRuU]{0,2}[\"'])?\{")
URL_NEEDLE = b".run.app"  # a URL is checked only when its host is a Cloud Run service's
MIN_CLASSES = 2  # class names a collection must hold to be a registry's


# ---- What a checker takes of a file it reads itself ------------------------------------------------
# A checker that reads a file outside the scan says what it takes of its bytes (`repofs.read_bytes(use=
# "<aspect>" or "<aspect>:<argument>")`): one of ASPECTS, a function of the bytes and the argument
# whose JSON value is all it depends on. The memo's delta entry (`extract.memo_delta`) keeps that value.

CLASS_LINES = "class-lines"  # `class_definitions`
QUOTED = "quoted"  # `quoted_words`, of the words joined by NUL
_CLASS_DEF = re.compile(rb"(?m)^[ \t]*class[ \t]+([^\s(:]+)")


def class_definitions(data: bytes) -> list[tuple[str, int, int]]:
    """Every `class Name` at the start of a line of Python source `data`: name, line, column (1-based)."""
    return [(m.group(1).decode("utf-8", "replace"), *line_column(data, m.start(1))) for m in _CLASS_DEF.finditer(data)]


def line_column(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (1-based, columns in characters) of byte `offset` of `data`."""
    start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[start:offset].decode("utf-8", "replace")) + 1


@functools.lru_cache(maxsize=8)
def _quoted_pattern(words: frozenset[str]) -> tuple[tuple[bytes, ...], re.Pattern[bytes]]:
    """The encoded words and their pattern, built once a run: the rule asks the same words of every file."""
    needles = tuple(w.encode() for w in sorted(words))
    return needles, re.compile(rb"""(['"])(%s)\1""" % b"|".join(re.escape(w) for w in needles))


def quoted_words(data: bytes, words: Iterable[str]) -> Iterator[tuple[str, int]]:
    """Each of `words` that `data` holds as a quoted string ('w' or "w"), with the offset of the quote."""
    needles, pattern = _quoted_pattern(words if isinstance(words, frozenset) else frozenset(words))
    if not any(w in data for w in needles):  # memchr-speed; the regex runs on the few files that hit
        return
    for m in pattern.finditer(data):
        yield m.group(2).decode(), m.start()


def quoted_use(words: Iterable[str]) -> str:
    """The `use` of a read that takes only `quoted_words(data, words)`."""
    return f"{QUOTED}:" + "\0".join(sorted(words))


ASPECTS: dict[str, Callable[[bytes, str], Any]] = {
    CLASS_LINES: lambda data, _: [list(c) for c in class_definitions(data)],
    QUOTED: lambda data, words: sorted({w for w, _ in quoted_words(data, words.split("\0"))}),
}


def has_aspect(use: str) -> bool:
    """Whether a read with this `use` takes an aspect of ASPECTS (`aspect` can tell what it took)."""
    return use.partition(":")[0] in ASPECTS


def aspect(use: str, data: bytes) -> Any:
    """The JSON value of what a read with this `use` takes of `data`; KeyError: no such aspect (`has_aspect`)."""
    name, _, argument = use.partition(":")
    return ASPECTS[name](data, argument)


def loops_into_template(data: bytes) -> bool:
    """Whether `embedded_sql.loop_tables` can find anything: a loop, and a hole right after a dot."""
    return _LOOP.search(data) is not None and _DOTTED_HOLE.search(data) is not None


def is_test_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing", "fixtures") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith(("_test.py", "_test.sh"))
        or name == "conftest.py"
    )


def is_cloudbuild(path: str) -> bool:
    # The suffix first: asked of every file of an audit, and most are not YAML.
    return path.endswith((".yaml", ".yml")) and posixpath.basename(path).startswith("cloudbuild")


def wants_sql(datasets: Sequence[bytes], path: str, data: bytes) -> bool:
    """`EmbeddedReader`: a file naming one of `datasets` and a FROM/JOIN/INTO/UPDATE (or a loop into a template)."""
    if not needles(tuple(datasets)).any_in(data):
        return False
    return FILE_READS.search(data) is not None or (path.endswith(".py") and loops_into_template(data))


def wants_written(ssot_dir: str, strings: Sequence[bytes], path: str, data: bytes) -> bool:
    """`WrittenReader`: not the SSOT's, a test's or a Cloud Build config; holding a needle or `.run.app`."""
    if path.startswith(ssot_dir) or is_test_file(path) or is_cloudbuild(path):
        return False
    return needles((URL_NEEDLE, *strings)).any_in(data)


def wants_classes(classes: Sequence[bytes], data: bytes) -> bool:
    """`ClassRefReader`: a file naming MIN_CLASSES of `classes` delimited."""
    return count_names(data, classes, MIN_CLASSES) >= MIN_CLASSES


TESTS: dict[str, Callable[[Screen, str, bytes], bool]] = {
    "sql": lambda s, path, data: wants_sql(s.needles, path, data),
    "written": lambda s, path, data: wants_written(s.prefix, s.needles, path, data),
    "classes": lambda s, path, data: wants_classes(s.needles, data),
}


@dataclass(frozen=True)
class Screen:
    """A reader's choice as data: test `kind` (TESTS) on its `needles` and `prefix`, for files ending in `suffixes`."""

    kind: str
    suffixes: tuple[str, ...]
    needles: tuple[bytes, ...]
    prefix: str = ""

    def wants(self, path: str, data: bytes) -> bool:
        return TESTS[self.kind](self, path, data)

    def doc(self) -> list[Any]:
        """As JSON (`from_doc` reads it back)."""
        return [self.kind, list(self.suffixes), [n.hex() for n in self.needles], self.prefix]

    @classmethod
    def from_doc(cls, doc: Any) -> Screen:
        """The screen `doc` describes; ValueError or TypeError when it is not one (the memo may come from anywhere)."""
        kind, suffixes, needles, prefix = doc
        if kind not in TESTS or type(prefix) is not str or type(suffixes) is not list or type(needles) is not list:
            raise ValueError("screen")
        if any(type(s) is not str for s in suffixes) or any(type(n) is not str for n in needles):
            raise ValueError("screen")
        return cls(kind, tuple(suffixes), tuple(bytes.fromhex(n) for n in needles), prefix)
