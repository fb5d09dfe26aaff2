"""Find the string collections of a repository's Python files, parsing only files that can matter.

Prefilter: each file is read as bytes and counted as a candidate when at least `min_hits` distinct
SSOT names occur in it *delimited*, i.e. not preceded or followed by an ASCII letter, digit or `_`
(so `'br_roster'` and `nba_raw.br_roster` hit, `br_roster_v2` and `legacy_br_roster` do not). A copy
of an SSOT list names several entries, so files naming one or none are skipped unread by libcst.
Candidates are parsed with `extract(..., focus=names)` (only statements that mention a name);
`forced` files (matched by explicit bindings) are always parsed whole. The prefilter and the
parse each run in a process pool when there is enough work for the pool's start-up to pay.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from driftbot.extract.python import ParseFailure, extract
from driftbot.ftypes import Collection, Location

# Measured on 2 cores: the prefilter reads ~40k files/s, a candidate parses in ~1.2 ms, and starting
# and stopping a pool of 2 forked workers costs ~70 ms. Below these sizes the pool does not pay.
PARALLEL_MIN_FILES = 8_000
PARALLEL_MIN_CANDIDATES = 200
PREFILTER_CHUNK = 500  # files per prefilter job: progress granularity and load balance
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")

Progress = Callable[[int, int], None]
Unparsable = tuple[Location, str]


@dataclass(frozen=True)
class PythonScan:
    collections: tuple[Collection, ...]
    unparsable: tuple[Unparsable, ...]  # files that failed to parse (only candidates are parsed)
    files_scanned: int  # files read by the prefilter
    files_parsed: int


@dataclass(frozen=True)
class _Prefilter:
    """One prefilter job: which of `paths` to parse, and how."""

    root: str
    paths: tuple[str, ...]
    names: tuple[bytes, ...]
    forced: frozenset[str]
    min_hits: int


@dataclass(frozen=True)
class _Candidates:
    files_read: int
    focused: tuple[str, ...]  # parse the statements that mention a name
    whole: tuple[str, ...]  # forced: parse the whole file
    unreadable: tuple[Unparsable, ...]


_Parse = tuple[str, str, frozenset[str] | None]  # root, path, focus names (None: the whole file)
_Parsed = tuple[list[Collection], Unparsable | None]


def scan_python(
    repo: Path,
    paths: Sequence[str],
    names: frozenset[str],
    forced: frozenset[str] = frozenset(),
    min_hits: int = 2,
    workers: int | None = None,
    progress: Progress | None = None,
) -> PythonScan:
    """Collections of the `paths` (repo-relative POSIX .py files) that may copy an SSOT list.

    `progress(done, total)` counts prefiltered files, then parsed candidates on top (the total
    grows once, by the number of candidates, when the prefilter is done).
    """
    root = str(repo)
    encoded = tuple(n.encode() for n in sorted(names) if n)
    jobs = [
        _Prefilter(root, tuple(paths[i : i + PREFILTER_CHUNK]), encoded, forced, min_hits)
        for i in range(0, len(paths), PREFILTER_CHUNK)
    ]
    count = workers if workers is not None else _cpu_count()
    if progress is not None:
        progress(0, len(paths))
    with _LazyPool(count) as pool:
        filtered: list[_Candidates] = []
        prefiltered = 0
        prefilter_in_pool = len(paths) >= PARALLEL_MIN_FILES
        for job, result in zip(jobs, pool.map(_prefilter, jobs, parallel=prefilter_in_pool), strict=True):
            filtered.append(result)
            prefiltered += len(job.paths)
            if progress is not None:
                progress(prefiltered, len(paths))
        tasks: list[_Parse] = [(root, p, names) for c in filtered for p in c.focused]
        tasks += [(root, p, None) for c in filtered for p in c.whole]
        tasks.sort(key=lambda t: t[1])
        total = len(paths) + len(tasks)
        collections: list[Collection] = []
        unparsable = [u for c in filtered for u in c.unreadable]
        parsed = pool.map(_parse, tasks, parallel=pool.started or len(tasks) >= PARALLEL_MIN_CANDIDATES)
        for done, (found, failure) in enumerate(parsed, start=len(paths) + 1):
            collections.extend(found)
            if failure is not None:
                unparsable.append(failure)
            if progress is not None:
                progress(done, total)
    collections.sort(key=lambda c: (c.path, c.location.line, c.location.column))  # stable: keeps [*][i] order
    unparsable.sort()
    return PythonScan(tuple(collections), tuple(unparsable), sum(c.files_read for c in filtered), len(tasks))


def count_names(data: bytes, names: Sequence[bytes], enough: int) -> int:
    """How many of `names` occur delimited in `data`, counting no further than `enough`."""
    count = 0
    for name in names:
        if name in data and _delimited(data, name):
            count += 1
            if count >= enough:
                break
    return count


def _delimited(data: bytes, name: bytes) -> bool:
    start = data.find(name)
    while start != -1:
        end = start + len(name)
        if (start == 0 or data[start - 1] not in _WORD_BYTES) and (end == len(data) or data[end] not in _WORD_BYTES):
            return True
        start = data.find(name, start + 1)
    return False


def _prefilter(job: _Prefilter) -> _Candidates:
    read = 0
    focused: list[str] = []
    whole: list[str] = []
    unreadable: list[Unparsable] = []
    for rel in job.paths:
        try:
            with open(os.path.join(job.root, rel), "rb") as fh:
                data = fh.read()
        except OSError as exc:
            if rel in job.forced:  # otherwise we cannot tell it is a candidate: say nothing
                unreadable.append((Location(rel, 1, 1), f"unreadable: {exc.strerror or exc}"))
            continue
        read += 1
        if rel in job.forced:
            whole.append(rel)
        elif count_names(data, job.names, job.min_hits) >= job.min_hits:
            focused.append(rel)
    return _Candidates(read, tuple(focused), tuple(whole), tuple(unreadable))


def _parse(task: _Parse) -> _Parsed:
    root, path, focus = task
    try:
        with open(os.path.join(root, path), "rb") as fh:
            data = fh.read()
        return extract(path, data, focus), None
    except OSError as exc:
        return [], (Location(path, 1, 1), f"unreadable: {exc.strerror or exc}")
    except ParseFailure as exc:
        return [], (exc.location, exc.message)
    except Exception as exc:  # a libcst bug must cost one file, not the audit
        return [], (Location(path, 1, 1), f"could not analyse: {type(exc).__name__}: {exc}")


T = TypeVar("T")
R = TypeVar("R")


class _LazyPool:
    """A process pool started on the first parallel `map`, shared by the prefilter and the parse."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self.pool is not None

    def __enter__(self) -> _LazyPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(self, fn: Callable[[T], R], items: Sequence[T], *, parallel: bool) -> Iterator[R]:
        """Results in the order of `items`."""
        if self.workers <= 1 or not parallel:
            return map(fn, items)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=_pool_context())
        return self.pool.map(fn, items, chunksize=max(1, len(items) // (self.workers * 8)))


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _pool_context() -> multiprocessing.context.BaseContext | None:
    """fork when it is safe: workers start with driftbot and libcst already imported (~10x faster)."""
    if sys.platform != "linux":
        return None  # the platform default (spawn): fork is unsafe on macOS
    if _thread_count() > 1:  # forking a threaded process can deadlock the child (e.g. grpc, logging locks)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["driftbot.extract.python"])
        return context
    return multiprocessing.get_context("fork")


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))  # counts threads started by C extensions too
    except OSError:
        return threading.active_count()
