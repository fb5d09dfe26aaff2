"""The memo's delta entry: a report answered although scanned files changed, when it cannot depend on them.

Most edits (a commit, a pull request) change Python files that name nothing an audit looks for, and
then the report cannot change; but they change the memo's keys (`extract.memo`). A delta entry is
stored beside the memo's, under the shape key (every listed path with its mode and type, the
options, the date, the code, but no file's content), and holds:
- `rest`: a digest of the content (git blob id) of every scanned file but the irrelevant ones;
- `irrelevant`: path -> blob id of each Python file whose bytes the audit's prefilter judged neither
  to parse nor to read (`plan.judge` gave `plan.skipped`: no candidate, not forced, not too big, no
  reader wants it; `Trace.irrelevant`) and that nothing else in the audit read whole (`repofs.logged`:
  inline suppressions, a checker's own read of the whole file...; `Trace.read`);
- `aspects`: what a checker took of an irrelevant file it read itself (`plan.ASPECTS`: its `class`
  lines for the registry and list rules, the quoted words that clear a stale SQL comment), as JSON;
- what `judge` needs to judge again: the SSOT names, `min_hits` and the readers' choices as data
  (`plan.Screen`); a reader without a screen leaves every file it applies to out of `irrelevant`;
- the answer and the dependencies' digests, as the memo's entries.

A lookup (after the memo's own keys missed) answers with the entry when the dependencies are as they
were, `rest` is equal, and each irrelevant file whose content changed is a regular file reached
without a symlink that `judge`, run now on its new bytes with the entry's inputs, still skips, and
whose aspects, when a checker took some, are the same. Its content changes no result then: the scan
skips it again, nothing else reads it (but for those aspects), and everything a
judgement depends on besides the bytes (the SSOT names, forced files from the config's bindings,
the readers' settings) is fixed by the dependencies and the paths. Anything else misses: a changed
file that was or becomes relevant, a file added, removed or renamed, a changed mode or type, a
symlink, `mirrors:` (no delta entry is written then).

An entry may come from an untrusted run: it is JSON, bounded (MAX_BYTES), checked field by field,
and anything unexpected is a miss. At most MAX_ENTRIES are kept (`<memo dir>/delta/`, oldest removed).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from driftbot import gitfiles, repofs
from driftbot.extract.plan import MIN_HITS, Screen, aspect, blob_id, has_aspect, judge, skipped
from driftbot.extract.scanned import scanned

FORMAT = 1
DIR_NAME = "delta"
MAX_ENTRIES = 4
MAX_BYTES = 64_000_000  # one entry: ~87 bytes an irrelevant file, plus the report (9.6 MB at 100k files); past it, none
MAX_READ_BYTES = 256_000_000  # changed files read for one lookup or store; past it, no delta
_HEX = frozenset("0123456789abcdef")


@dataclass
class Trace:
    """What an audit tells a delta entry (`store`): which files' content it did not use, and how it judged."""

    irrelevant: dict[str, str] = field(default_factory=dict)  # path -> blob id, from the scan (`scan_python`)
    read: dict[str, set[str]] = field(default_factory=dict)  # files read besides the scan, how (`repofs.logged`)
    names: tuple[bytes, ...] = ()  # the prefilter's (`plan.needles`)
    min_hits: int = MIN_HITS
    screens: list[tuple[str, Screen]] = field(default_factory=list)  # the readers' choices
    unscreened: tuple[str, ...] = ()  # the suffixes of readers without a screen


def content_ids(repo: Path, index: gitfiles.Listing, skip: bytes) -> Iterator[tuple[str, str, bytes | None]]:
    """Each scanned file (`extract.scanned`) of `repo` but those under `skip` (`memo.skipped_prefix`): its
    path, blob id (a clean one's from `index`, any other's from its bytes) and the bytes when they were
    read (None: clean). OSError when a file other than a deleted one cannot be read as a regular file
    reached without a symlink, or past MAX_READ_BYTES. A generator: no map of every file is held."""
    prefix = os.fsdecode(skip)
    for rel, blob in index.clean.items():
        if scanned(rel) and not rel.startswith(prefix):
            yield rel, blob, None
    budget = MAX_READ_BYTES
    for rel in index.unsure:  # never a clean path (`gitfiles.Listing`)
        if not scanned(rel) or rel.startswith(prefix):
            continue
        try:
            data = _read(repo, rel, budget)
        except FileNotFoundError:
            continue  # deleted: the shape says so
        budget -= len(data)
        yield rel, blob_id(data), data


def _read(repo: Path, rel: str, budget: int) -> bytes:
    """The bytes of repository file `rel`, a regular file reached through no symlink (else OSError)."""
    full = repo / rel
    info = os.lstat(full)  # FileNotFoundError: deleted
    if not stat.S_ISREG(info.st_mode) or info.st_size > budget:
        raise OSError(f"{rel}: not a regular file or too large")
    if repofs.locate(repo, rel) != Path(os.path.realpath(repo)) / rel:  # a symlinked folder on the way
        raise OSError(f"{rel}: reached through a symlink")
    return repofs.read_regular(full, rel, max_bytes=budget)


def rest_digest(ids: dict[str, str]) -> str:
    """The digest of the content ids of `ids` (path -> blob id: every file's but the irrelevant ones')."""
    h = hashlib.sha256(b"driftbot-delta-rest")
    for rel in sorted(ids):
        h.update(f"\0{rel}\0{ids[rel]}".encode())
    return h.hexdigest()


def entry(
    repo: Path, index: gitfiles.Listing, skip: bytes, trace: Trace, head: dict[str, Any]
) -> dict[str, Any] | None:
    """The delta entry of this audit (`head`: key, deps, exit, text) from its `trace`; None: none to write.

    OSError when a file cannot be read as `content_ids` says."""
    judged, read = trace.irrelevant, trace.read
    irrelevant: dict[str, str] = {}
    rest: dict[str, str] = {}
    for rel, blob, _ in content_ids(repo, index, skip):
        if (
            rel.endswith(".py")
            and judged.get(rel) == blob  # judged on these very bytes
            and repofs.WHOLE not in read.get(rel, ())  # read whole by nothing else
            and not rel.endswith(trace.unscreened)
        ):
            irrelevant[rel] = blob
        else:
            rest[rel] = blob
    aspects: dict[str, list[list[Any]]] = {}
    for rel in [r for r in irrelevant if read.get(r)]:  # what a checker took of them counts: as it is
        uses = sorted(read[rel])
        try:
            data = _read(repo, rel, MAX_READ_BYTES)
        except OSError:
            data = None
        if data is None or blob_id(data) != irrelevant[rel] or not all(map(has_aspect, uses)):
            rest[rel] = irrelevant.pop(rel)  # changed since, or taken in a way `plan.ASPECTS` does not name
            continue
        aspects[rel] = [[use, aspect(use, data)] for use in uses]
    if not irrelevant:
        return None
    return {
        "format": FORMAT,
        **head,
        "rest": rest_digest(rest),
        "irrelevant": irrelevant,
        "aspects": aspects,
        "names": [n.hex() for n in trace.names],
        "min_hits": trace.min_hits,
        "screens": [[name, screen.doc()] for name, screen in trace.screens],
    }


def answers(repo: Path, index: gitfiles.Listing, skip: bytes, doc: Any) -> bool:
    """Whether the delta entry `doc` (already checked: key, deps) answers for `repo` as `index` lists it now.

    OSError when a file cannot be read as `content_ids` says."""
    irrelevant = doc["irrelevant"]
    if type(irrelevant) is not dict or any(not _blob(k, v) for k, v in irrelevant.items()):
        return False
    names = tuple(bytes.fromhex(n) for n in _strings(doc["names"]))
    min_hits = doc["min_hits"]
    if type(min_hits) is not int or min_hits < 1 or type(doc["screens"]) is not list:
        return False
    screens = []
    for item in doc["screens"]:
        name, screen = item
        if type(name) is not str:
            return False
        screens.append((name, Screen.from_doc(screen)))
    aspects = doc["aspects"]
    if type(aspects) is not dict or any(type(v) is not list for v in aspects.values()):
        return False
    rest: dict[str, str] = {}
    changed: list[tuple[str, str, bytes | None]] = []  # irrelevant files whose content is another now
    found = 0  # irrelevant files listed now: all of them, or the entry does not answer
    for rel, blob, data in content_ids(repo, index, skip):
        was = irrelevant.get(rel)
        if was is None:
            rest[rel] = blob
            continue
        found += 1
        if was != blob:
            changed.append((rel, blob, data))
    if found != len(irrelevant) or rest_digest(rest) != doc["rest"]:
        return False
    for rel, blob, data in changed:
        if data is None:  # a clean file, named by the index: read, its bytes must be that blob's
            data = _read(repo, rel, MAX_READ_BYTES)
            if blob_id(data) != blob:
                return False
        plan = judge(rel, len(data), data, names=names, forced=False, min_hits=min_hits, readers=screens)
        if not skipped(plan):
            return False
        for use, value in aspects.get(rel, ()):
            if type(use) is not str or not has_aspect(use) or aspect(use, data) != value:
                return False
    return True


def _blob(rel: object, blob: object) -> bool:
    return type(rel) is str and rel.endswith(".py") and type(blob) is str and len(blob) == 40 and set(blob) <= _HEX


def _strings(value: object) -> list[str]:
    if type(value) is not list or any(type(v) is not str for v in value):
        raise ValueError("not a list of strings")
    return value


def load(path: Path, key: str) -> Any:
    """The entry at `path` stored for `key`; ValueError (or OSError) when there is none of this format."""
    doc = json.loads(repofs.read_regular(path, str(path), max_bytes=MAX_BYTES))
    if type(doc) is not dict or doc.get("format") != FORMAT or doc.get("key") != key:
        raise ValueError("not a delta entry of this key")
    return doc
