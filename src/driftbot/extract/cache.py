"""A content-addressed cache of per-file extraction results: a warm run reads only what changed.

Key: sha256 of (the file's bytes, the extractor's VERSION, the digest of the SSOT names the read
focused on, or "whole"). The value is the file's collections (without the path, which is the
caller's) or its parse failure. So a result is reused wherever the same bytes are read the same way:
another path, another branch, another checkout with a restored cache.

One JSON file, `extract-v1.json`, under `<git dir>/driftbot/cache/` (the repository's own git dir,
`.git` file of a worktree followed), else `$XDG_CACHE_HOME/driftbot/` (default `~/.cache`), or the
directory the caller names. It is read once (bounded, regular file only, via `repofs.read_regular`),
ignored whole when it is corrupt or of another format, and written back only when it changed: to a
temporary file in the same directory, then `os.replace`, so concurrent runs never see half a file
(the last writer wins; a lost entry is only a miss). At most MAX_ENTRIES entries are kept, the ones
used or added by this run first.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from driftbot import repofs
from driftbot.extract.python_ast import VERSION
from driftbot.ftypes import Collection, Element, Location

FILE_NAME = "extract-v1.json"
FORMAT = 1
MAX_ENTRIES = 50_000  # ~200 bytes to a few KB each: a few MB at most
MAX_BYTES = 64_000_000

Failure = tuple[Location, str]
Result = tuple[list[Collection], Failure | None]


def names_digest(names: Iterable[str] | None) -> str:
    """What a focused read depends on besides the bytes: the names it focused on (None: the whole file)."""
    if names is None:
        return "whole"
    return hashlib.sha256("\0".join(sorted(names)).encode()).hexdigest()[:32]


def key(data: bytes, names: str) -> str:
    h = hashlib.sha256(data)
    h.update(f"\0{VERSION}\0{names}".encode())
    return h.hexdigest()


class Cache:
    """Results by key, loaded from and saved to `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / FILE_NAME
        self.entries: dict[str, Any] = self._load()
        self.used: dict[str, Any] = {}
        self.changed = False

    def _load(self) -> dict[str, Any]:
        try:
            raw = json.loads(repofs.read_regular(self.path, str(self.path), max_bytes=MAX_BYTES))
        except (OSError, ValueError):  # missing, refused, too large, not JSON: start afresh
            return {}
        if not isinstance(raw, dict) or raw.get("format") != FORMAT or not isinstance(raw.get("entries"), dict):
            return {}
        entries: dict[str, Any] = raw["entries"]
        return entries

    def get(self, path: str, cache_key: str) -> Result | None:
        """The cached result for `cache_key`, located at `path`; None on a miss or a malformed entry."""
        entry = self.entries.get(cache_key)
        if entry is None:
            return None
        try:
            result = _decode(path, entry)
        except (TypeError, ValueError, KeyError, IndexError):
            self.entries.pop(cache_key, None)
            self.changed = True
            return None
        self.used[cache_key] = entry
        return result

    def put(self, cache_key: str, result: Result) -> None:
        self.used[cache_key] = _encode(result)
        self.changed = True

    def save(self) -> None:
        """Write the cache back if it changed; never raises (a cache that cannot be written is only slower)."""
        if not self.changed:
            return
        kept = dict(self.used)
        for k, v in self.entries.items():
            if len(kept) >= MAX_ENTRIES:
                break
            kept.setdefault(k, v)
        if len(kept) > MAX_ENTRIES:
            kept = dict(list(kept.items())[:MAX_ENTRIES])
        text = json.dumps({"format": FORMAT, "version": VERSION, "entries": kept}, separators=(",", ":"))
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".extract-", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(text)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except OSError:
            return


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
