"""A content-addressed cache of per-file extraction results: a warm run reads only what changed.

A file's content is named by its git blob id (`blob_id`: what `git hash-object` prints), so a clean
file of a git work tree is named by the index without being read (`gitfiles`); any other file
is read and hashed. Three kinds of entry, each keyed by sha256 of (the content's blob id, the
extractor digest, what else the result depends on):
- the *plans* of one prefilter setting (`PlanTable`): for each (path, blob id, whether a binding forces
  the file), whether it is a Python candidate, read focused or whole or too big to read, and which
  readers want it (`Plan`). One entry per setting (the SSOT names and `min_hits` of the prefilter and
  every reader's `repr`), so a warm run looks a file's plan up with one short hash (`row_key`) and one
  set or dict access, not one entry per file; most files (`plan.skipped`) cost 16 bytes of it.
  A clean file with a known plan is not opened at all.
- a Python candidate's collections (without the path, which is the caller's) or its parse failure;
  also keyed by the digest of the SSOT names the read focused on, or "whole". So a result is reused
  wherever the same bytes are read the same way: another path, another branch, another checkout.
- a reader's result (`extract.scan.FileReader`), also keyed by the reader's name, its `repr` and the
  path, as JSON typed by its `read`'s return annotation (`cache_json`).
The extractor digest (`extractor_digest`) covers driftbot's code (the content of its sources: the
readers live in several stages), the installed distributions' names and versions, and the Python version.

One JSON file, `extract-v3.json`, under `<git dir>/driftbot/cache/` (the repository's own git dir,
`.git` file of a worktree followed), else `$XDG_CACHE_HOME/driftbot/` (default `~/.cache`), or the
directory the caller names. It is read once (bounded, regular file only, via `repofs.read_regular`),
ignored whole when it is corrupt, of another format or of another extractor (so entries of an older
driftbot never pile up; an earlier format's file, FORMER_FILES, is removed), and written back only when it changed: to a
temporary file in the same directory, then `os.replace`, so concurrent runs never see half a file
(the last writer wins; a lost entry is only a miss). At most MAX_ENTRIES entries and MAX_BYTES are
kept, the entries used or added by this run first. It may come from an untrusted run (a restored `actions/cache`): it
is JSON, never pickle, and an entry of an unexpected shape is a miss, dropped.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from driftbot import repofs
from driftbot.extract import cache_json
from driftbot.extract.memo import PACKAGE, distributions
from driftbot.extract.plan import NOT_CANDIDATE, SKIPPED, TOO_BIG, Plan, blob_id, skipped
from driftbot.extract.python_ast import VERSION
from driftbot.ftypes import Collection, Element, Location

FILE_NAME = "extract-v3.json"
FORMER_FILES = ("extract-v1.json", "extract-v2.json")  # earlier formats' files: removed when this one is written
FORMAT = 3
MAX_ENTRIES = 250_000  # a plan per scanned file, a result per candidate or wanted file: tens of bytes to a few KB
MAX_BYTES = 64_000_000

T = TypeVar("T")
Failure = tuple[Location, str]
Result = tuple[list[Collection], Failure | None]

MAX_PLANS = 250_000  # rows of one PlanTable: those used or added by this run are kept first
ROWS_PER_PIECE = 10_000  # of a plan table, encoded at once when the cache is saved
ROW_BYTES = 16  # a plan table's row name (`row_key`)
_ABSENT = object()


def names_digest(names: Iterable[str] | None) -> str:
    """What a focused read depends on besides the bytes: the names it focused on (None: the whole file)."""
    if names is None:
        return "whole"
    return hashlib.sha256("\0".join(sorted(names)).encode()).hexdigest()[:32]


def key(data: bytes, salt: str) -> str:
    """The key of the result of reading `data` in the way `salt` (`Cache.salt`) says."""
    return content_key(blob_id(data), salt)


def content_key(content: str, salt: str) -> str:
    """`key` of the bytes whose blob id is `content`."""
    return hashlib.sha256(f"{content}\0{salt}".encode()).hexdigest()[:40]


@functools.cache
def extractor_digest() -> str:
    """What every result depends on besides its input: the extractor's code, the libraries, the Python."""
    h = hashlib.sha256(f"{FORMAT}\0{VERSION}\0{sys.version}\0".encode())
    for folder, dirs, files in os.walk(PACKAGE):  # the readers live in several stages: all of driftbot's code
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            source = Path(folder, name)
            h.update(f"{source.relative_to(PACKAGE).as_posix()}\0".encode())
            h.update(hashlib.sha256(source.read_bytes()).digest())
    h.update(distributions().encode())
    return h.hexdigest()


def row_key(path: str, content: str, forced: bool) -> bytes:
    """The name of a `PlanTable` row: 16 bytes of a hash of (path, blob id, forced)."""
    text = f"{path}\0{content}\0{forced:d}".encode("utf-8", "surrogateescape")  # a path as `os.fsdecode` made it
    return hashlib.blake2b(text, digest_size=ROW_BYTES).digest()


class PlanTable:
    """The plans of one prefilter setting, by (path, blob id, forced): one cache entry, `{"t": [skipped, rows]}`.

    Each row is named by `row_key`. `skipped` names the rows of files that are no candidate and that no
    reader wants (`plan.skipped`: most files), all in one hex string, so a row costs 16 bytes in the file
    and a bytes object in a set when loaded, not a key string of its path and blob id (~150 bytes a file
    at 100k files, in the file and in memory). `rows` maps the hex name of any other row to
    `[python, size, readers]`.
    """

    def __init__(self, skipped: set[bytes], rows: dict[str, Any]) -> None:
        self.skipped = skipped  # as loaded, less those used (moved to `used_skipped`)
        self.rows = rows  # as loaded, less those used: a malformed row is a miss, dropped on lookup
        self.used_skipped: set[bytes] = set()  # skipped rows looked up or put by this run
        self.used: dict[str, Any] = {}  # other rows looked up or put by this run
        self.changed = False
        self.loaded = False  # read from the cache file: written back whole when the cache is saved

    def get(self, path: str, content: str, forced: bool) -> Plan | None:
        """The plan of `path` holding the blob `content`; None on a miss or a malformed row."""
        row = row_key(path, content, forced)
        if row in self.skipped:
            self.skipped.remove(row)
            self.used_skipped.add(row)
            return SKIPPED
        if row in self.used_skipped:
            return SKIPPED
        name = row.hex()
        entry = self.rows.pop(name, _ABSENT)
        if entry is _ABSENT:
            entry = self.used.get(name, _ABSENT)
            if entry is _ABSENT:
                return None
        try:
            plan = _plan(entry)
        except (TypeError, ValueError):
            self.used.pop(name, None)
            self.changed = True
            return None
        self.used[name] = entry
        return plan

    def put(self, path: str, content: str, forced: bool, plan: Plan) -> None:
        row = row_key(path, content, forced)
        if skipped(plan):
            self.skipped.discard(row)  # a file read again (it is not clean) may have a loaded row
            self.used_skipped.add(row)
        else:
            self.rows.pop(row.hex(), None)
            self.used[row.hex()] = [plan.python, plan.size, list(plan.readers)]
        self.changed = True

    def entry(self) -> dict[str, Any]:
        """What the cache file holds: this run's rows first, then the others, at most MAX_PLANS."""
        rows = dict(itertools.islice(self.used.items(), MAX_PLANS))
        names = list(itertools.islice(self.used_skipped, MAX_PLANS - len(rows)))
        rows.update(itertools.islice(self.rows.items(), MAX_PLANS - len(rows) - len(names)))
        names.extend(itertools.islice(self.skipped, MAX_PLANS - len(rows) - len(names)))
        return {"t": [b"".join(names).hex(), rows]}


class Cache:
    """Results by key, loaded from and saved to `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / FILE_NAME
        self.entries: dict[str, Any] = self._load()
        self.used: dict[str, Any] = {}
        self.tables: dict[str, PlanTable] = {}
        self.changed = False

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(repofs.read_regular(self.path, str(self.path), max_bytes=MAX_BYTES))
        except (OSError, ValueError, RecursionError):  # missing, refused, too large, not JSON: start afresh
            return {}
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("entries"), dict):
            return {}
        if raw.get("extractor") != extractor_digest():  # every key holds the digest: none of them can hit
            return {}
        entries: dict[str, Any] = raw["entries"]
        return entries

    @staticmethod
    def salt(*parts: str) -> str:
        """What a key depends on besides the content: `parts` and the extractor (`extractor_digest`)."""
        return hashlib.sha256("\0".join((extractor_digest(), *parts)).encode()).hexdigest()[:40]

    def get(self, path: str, cache_key: str) -> Result | None:
        """The cached collections for `cache_key`, located at `path`; None on a miss or a malformed entry."""
        return self._decoded(cache_key, lambda entry: _decode(path, entry))

    def put(self, cache_key: str, result: Result) -> None:
        self._store(cache_key, _encode(result))

    def plans(self, table_key: str) -> PlanTable:
        """The plan table under `table_key` (empty on a miss or a malformed entry), saved with the cache."""
        table = self.tables.get(table_key)
        if table is None:
            loaded = self._decoded(table_key, _table)
            self.entries.pop(table_key, None)  # the table holds it now, decoded: not twice
            self.used.pop(table_key, None)
            table = self.tables[table_key] = PlanTable(*(loaded or (set(), {})))
            table.loaded = loaded is not None
        return table

    def read(self, cache_key: str, kind: object, path: str) -> tuple[object] | None:
        """The cached result of a reader (in a 1-tuple: the result may be None) of type `kind` for `path`."""
        return self._decoded(cache_key, lambda entry: (cache_json.decode(kind, entry["r"], path),))

    def put_read(self, cache_key: str, value: object, path: str) -> None:
        try:
            self._store(cache_key, {"r": cache_json.encode(value, path)})
        except cache_json.Unsupported:  # not a value this cache can write: read again next time
            return

    def _decoded(self, cache_key: str, decode: Callable[[Any], T]) -> T | None:
        entry = self.entries.get(cache_key)
        if entry is None:
            return None
        try:
            if not isinstance(entry, dict) or len(entry) != 1:  # one kind of entry: {"p"|"c"|"fail"|"r": ...}
                raise ValueError("not an entry")
            result = decode(entry)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
            self.entries.pop(cache_key, None)
            self.changed = True
            return None
        self.used[cache_key] = entry
        return result

    def _store(self, cache_key: str, entry: Any) -> None:
        self.used[cache_key] = entry
        self.changed = True

    def save(self) -> None:
        """Write the cache back if it changed; never raises (a cache that cannot be written is only slower)."""
        if not self.changed and not any(t.changed for t in self.tables.values()):
            return
        for table_key, table in self.tables.items():
            if table.changed or table.loaded:  # a loaded table's entry is the table's now
                self.used[table_key] = table.entry()
        kept = dict(self.used)
        for k, v in self.entries.items():
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(k, v)
        items = list(kept.items())[:MAX_ENTRIES]
        head = _dumps({"format": FORMAT, "extractor": extractor_digest(), "entries": {}})[:-2]  # ...,"entries":{
        encoded = [_encoded(k, v) for k, v in items]
        sizes = [sum(map(len, pieces)) for pieces in encoded]
        count = len(items)
        # ASCII (json.dumps escapes the rest), so its length is its size; halving keeps this run's first
        while count and len(head) + sum(sizes[:count]) + count - 1 + len("}}") > MAX_BYTES:
            count //= 2
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".extract-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(head)
                    for n, pieces in enumerate(encoded[:count]):
                        fh.write("," if n else "")
                        fh.writelines(pieces)
                    fh.write("}}")
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return
        for name in FORMER_FILES:  # no reader left (13 MB at 100k files)
            with contextlib.suppress(OSError):  # e.g. a directory of that name: not ours
                (self.directory / name).unlink(missing_ok=True)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _encoded(cache_key: str, entry: Any) -> list[str]:
    """`"cache_key":entry` as `json.dumps` writes it, in pieces: a plan table's rows by ROWS_PER_PIECE
    (when most files are wanted by a reader, there is a row per file: the text of 100k rows in one
    string, and the encoder's parts of it, would be held at once)."""
    table = entry.get("t") if type(entry) is dict and len(entry) == 1 else None
    if type(table) is not list or len(table) != 2 or type(table[1]) is not dict or len(table[1]) <= ROWS_PER_PIECE:
        return [f"{_dumps(cache_key)}:{_dumps(entry)}"]
    names, rows = table
    pieces = [f'{_dumps(cache_key)}:{{"t":[{_dumps(names)},{{']
    left = iter(rows.items())
    while chunk := dict(itertools.islice(left, ROWS_PER_PIECE)):
        pieces.append(("," if len(pieces) > 1 else "") + _dumps(chunk)[1:-1])
    pieces.append("}]}")
    return pieces


def _table(entry: Any) -> tuple[set[bytes], dict[str, Any]]:
    names, rows = entry["t"]
    if type(names) is not str or len(names) % (2 * ROW_BYTES) or type(rows) is not dict:
        raise ValueError("plans")
    packed = bytes.fromhex(names)
    if len(packed) * 2 != len(names):  # `fromhex` skips spaces
        raise ValueError("plans")
    return {packed[i : i + ROW_BYTES] for i in range(0, len(packed), ROW_BYTES)}, rows


def _plan(row: Any) -> Plan:
    """A plan row, checked by hand: there is one per file, so this is the warm run's hottest decoder."""
    python, size, readers = row
    if type(python) is not int or not NOT_CANDIDATE <= python <= TOO_BIG or type(size) is not int:
        raise ValueError("plan")
    if type(readers) is not list or any(type(r) is not str for r in readers):
        raise ValueError("plan")
    return Plan(python, size, tuple(readers))


def _encode(result: Result) -> Any:
    collections, failure = result
    if failure is not None:
        where, message = failure
        return {"fail": [where.line, where.column, message]}
    return {
        "c": [
            [
                c.symbol,
                c.kind,
                c.location.line,
                c.location.column,
                c.end_line,
                [[e.value, e.location.line, e.location.column, e.comment] for e in c.elements],
            ]
            for c in collections
        ]
    }


def _decode(path: str, entry: Any) -> Result:
    if "fail" in entry:
        line, column, message = entry["fail"]
        return [], (Location(path, int(line), int(column)), str(message))
    out: list[Collection] = []
    for symbol, kind, line, column, end_line, elements in entry["c"]:
        if kind not in ("list", "tuple", "set", "dict"):
            raise ValueError(kind)
        els = tuple(
            Element(str(v), Location(path, int(ln), int(col)), None if note is None else str(note))
            for v, ln, col, note in elements
        )
        out.append(Collection(path, str(symbol), kind, Location(path, int(line), int(column)), els, int(end_line)))
    return out, None
