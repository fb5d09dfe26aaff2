"""Find the string collections of a repository's Python files, parsing only files that can matter.

Prefilter: each file is read as bytes and judged by `plan.judge` (the memo judges a changed file with
the same function): a Python file is a candidate when at least `min_hits` distinct SSOT names occur in
it delimited (`plan.count_names`, searched with `extract.needles`), so files naming one or none are
never parsed; each reader says whether it wants the file. With a cache, the plan of each file is kept
(`cache.Cache.plans`), so an unchanged file is not even opened next time.
Candidates are read with `python_ast.extract(..., focus=names)` (CPython's ast, the fast read path;
only statements that mention a name); `forced` files (matched by explicit bindings) are always read
whole. The same read serves the `readers` (`FileReader`: the SQL inside Python, YAML and shell files
for `unknown-table`, the topics and URLs written in Python and YAML for the infrastructure rules):
each picks files by their bytes, and reads them in the same workers as the Python candidates, so each
file is read from disk once and every parser runs off the main process. A file's tasks (its reads,
then its parse) go to one worker in a row, which reads its bytes once and parses it once for all
of them. On a repository large enough, one pool does both steps: its workers prefilter chunks of
files first, and parse the files each chunk picks as soon as it is done, so no core waits for the
other's share of the prefilter; on a small one the prefilter runs here, then the pool parses.
"""

from __future__ import annotations

import math
import os
import time
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol, cast

from driftbot import gitfiles
from driftbot.extract import cache as result_cache
from driftbot.extract import cache_json
from driftbot.extract.limits import FILE_SECONDS, MAX_PYTHON_BYTES, WORKER_MEMORY_BYTES, too_big
from driftbot.extract.needles import needles
from driftbot.extract.plan import (
    FOCUSED,
    MIN_HITS,
    SKIPPED,
    TOO_BIG,
    WHOLE,
    Plan,
    blob_id,
    encoded_names,
    judge,
    skipped,
)
from driftbot.extract.python_ast import extract
from driftbot.extract.python_tree import ParseFailure, share_parses
from driftbot.extract.workers import Failed, Unchecked, run_isolated
from driftbot.ftypes import Collection, Location

# Measured on 2 cores (whole audit wall, bench/generate.py corpora): one pool for the prefilter and
# the parse is as fast as a prefilter here at 500 files to read, 4-11% faster at 1,000, 7-12% at
# 2,500. Below PARALLEL_MIN_FILES the prefilter runs here, then the parse gets a second worker for
# PARALLEL_MIN_CANDIDATES tasks (counted in Python candidates) or more.
PARALLEL_MIN_FILES = 1_000
PARALLEL_MIN_CANDIDATES = 200
PREFILTER_CHUNK = 500  # files per prefilter job (100 and 250 measured no faster)
# Readers `prepare` (import their parsers: sqlglot, ~30 MiB) here before the workers fork only for a
# scan of fewer files: past it this process, which holds every file's path and plan to the end, would
# hold the parsers too and be the run's peak (100k files with a cache: 175 -> 145 MiB), and each
# worker importing its own costs ~0.17 s of CPU (~1% of that run).
PREPARE_MAX_FILES = 20_000

Progress = Callable[[int, int], None]
Unparsable = tuple[Location, str]


class FileReader(Protocol):
    """A read the scan does for a rule: which files it wants, judged on their bytes, and what one holds.

    Sent to worker processes (picklable: a frozen dataclass). `read` runs in a worker, never in the
    main process; None means nothing to report. `weight`: its cost per file in Python candidates.
    The per-file cache (`extract.cache`) keys what it decided and found on its `repr` (a frozen
    dataclass's names every setting `wants` and `read` depend on besides the path and the bytes) and
    stores `read`'s result as the type its return annotation names (`extract.cache_json`; a type it
    cannot hold is simply read every time).
    A reader may also have `screen()`: its `wants` as data (`plan.Screen`), so the memo can judge a
    changed file without it (`audit._judged_by`); without one, any change to a file it applies to counts.
    """

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    @property
    def weight(self) -> int: ...

    def wants(self, path: str, data: bytes) -> bool: ...

    def read(self, path: str, data: bytes) -> object: ...

    def prepare(self) -> None:
        """In the main process, before workers fork: import what `read` needs once, not in each worker
        (a large scan does not ask: `PREPARE_MAX_FILES`; `read` imports what it needs itself)."""


@dataclass(frozen=True)
class PythonScan:
    collections: tuple[Collection, ...]
    unparsable: tuple[Unparsable, ...]  # files that failed to parse (only candidates are parsed)
    files_scanned: int  # Python files prefiltered (read, or known unchanged from the cache)
    files_parsed: int
    unchecked: tuple[str, ...] = ()  # files not (fully) read when the deadline passed
    read: dict[str, dict[str, object]] = field(default_factory=dict)  # reader -> path -> what it found
    files_opened: int = 0  # files the prefilter read (a warm run reads only what changed)


@dataclass(frozen=True)
class _Prefilter:
    """One prefilter job: which of `paths` to parse, and how."""

    root: str
    paths: tuple[str, ...]
    names: tuple[bytes, ...]
    forced: frozenset[str]
    min_hits: int
    keyed: bool  # name each file's content (`plan.blob_id`) for the cache
    readers: tuple[tuple[str, FileReader], ...]
    every: bool = False  # plan every file read (for the cache's plan table), not only those with work


@dataclass
class _Candidates:
    files_read: int  # Python files read
    # (position in `_Prefilter.paths`, blob id or "", plan) of the files planned (`_Prefilter.every`): the
    # position, not the path, so the main process holds its own path strings, not a copy of each
    plans: tuple[tuple[int, str, Plan], ...]
    unreadable: tuple[Unparsable, ...]
    files_opened: int = 0

    def take_plans(self) -> tuple[tuple[int, str, Plan], ...]:
        """The plans, forgotten here: the pool keeps every outcome to its end, and for the cache they are
        the plans of every file (100k of them would wait there)."""
        plans, self.plans = self.plans, ()
        return plans


_Parse = tuple[str, str, frozenset[str] | None, str | None]  # root, path, focus (None: whole), key salt
_Parsed = tuple[list[Collection], Unparsable | None, str | None]  # ..., the cache key of the bytes read


@dataclass(frozen=True)
class _Read:
    root: str
    path: str
    name: str
    reader: FileReader
    keyed: bool = False  # also name the bytes read (`_ReadOut`), for the cache


class _ReadOut(NamedTuple):
    found: object
    content: str  # the blob id of the bytes read


_Task = _Parse | _Read


class _Store:
    """The cache as one scan uses it: keys salted (`cache.Cache.salt`) with all a result depends on but the bytes."""

    def __init__(
        self, cache: result_cache.Cache, names: frozenset[str], min_hits: int, readers: Sequence[tuple[str, FileReader]]
    ) -> None:
        salt = result_cache.Cache.salt
        self.cache = cache
        configs = "\0".join(f"{name}={reader!r}" for name, reader in readers)
        self.plans = cache.plans(salt("plans", result_cache.names_digest(names), str(min_hits), configs))
        self.focused = salt("collections", result_cache.names_digest(names))
        self.whole = salt("collections", result_cache.names_digest(None))
        self.readers: dict[str, tuple[str, object]] = {}  # name -> (salt, + path; result type), if cacheable
        for name, reader in readers:
            kind = _result_type(type(reader))
            if kind is not None:
                self.readers[name] = (salt("read", name, repr(reader)), kind)

    def _read_key(self, content: str, name: str, path: str) -> str | None:
        salted = self.readers.get(name)
        return None if salted is None else result_cache.content_key(content, f"{salted[0]}\0{path}")

    def read(self, content: str, name: str, path: str) -> tuple[object] | None:
        """What reader `name` found in `path` holding `content` (in a 1-tuple: it may be None); None: a miss."""
        read_key = self._read_key(content, name, path)
        return None if read_key is None else self.cache.read(read_key, self.readers[name][1], path)

    def put_read(self, content: str, name: str, path: str, found: object) -> None:
        read_key = self._read_key(content, name, path)
        if read_key is not None:
            self.cache.put_read(read_key, found, path)


def _result_type(reader: type[FileReader]) -> object | None:
    """The type a reader class's `read` returns, when the cache can store it (`cache_json`); None: not cached."""
    try:
        kind = typing.get_type_hints(reader.read).get("return")
        cache_json.decoder(kind)
    except Exception:  # an annotation that does not resolve, or a type JSON cannot hold: read every time
        return None
    return kind


def scan_python(
    repo: Path,
    paths: Sequence[str],
    names: frozenset[str],
    forced: frozenset[str] = frozenset(),
    min_hits: int = MIN_HITS,
    workers: int | None = None,
    progress: Progress | None = None,
    deadline: float | None = None,
    cache: result_cache.Cache | None = None,
    readers: Mapping[str, FileReader] | None = None,
    index: gitfiles.Listing | None = None,
    irrelevant: dict[str, str] | None = None,
) -> PythonScan:
    """Collections of the `paths` (repo-relative POSIX files; only .py ones) that may copy an SSOT list.

    `progress(done, total)` counts prefiltered files, then parsed candidates on top (the total
    grows once, by the number of candidates, when the prefilter is done). Parses run in worker
    processes (`extract.workers`): a file that crashes or hangs its worker is `unparsable` (so is
    each Python file of a prefilter chunk whose worker stopped), the others are still read. Past
    `deadline` (`time.monotonic()`), what is left is `unchecked`.
    With a `cache`, a file whose bytes were read the same way before is not read again: a clean file
    of a git work tree (`gitfiles`; `index`: what git said of `repo` earlier in this run, so it
    is not asked again) whose plan is cached is not even opened.
    `read` of the result holds, per reader of `readers`, what it found in each file of `paths` it
    wanted (a file it could not read, or that crashed or outlasted its worker, is left out).
    `irrelevant`, with a cache: filled with path -> blob id of each file whose bytes the prefilter
    judged (`plan.judge`) neither to parse nor to read (`plan.skipped`), for the memo (`extract.memo_delta`).
    """
    root = str(repo)
    encoded = encoded_names(names)
    extra = tuple(sorted((readers or {}).items()))
    by_name = dict(extra)
    store = _Store(cache, names, min_hits, extra) if cache is not None else None
    known = (index if index is not None else gitfiles.read(repo)).clean if store is not None else {}
    plans: list[tuple[str, str, Plan]] = []  # (path, blob id, plan) of the unchanged files the cache knows, with work
    planned = planned_python = 0  # files the cache knows the plan of; of them, Python files the prefilter read
    unknown: list[str] = []  # the files to read
    table = store.plans if store is not None else None
    for rel in paths:
        blob = known.get(rel)
        plan = table.get(rel, blob, rel in forced) if table is not None and blob is not None else None
        if plan is not None and blob is not None and all(n in by_name for n in plan.readers):
            planned += 1
            planned_python += rel.endswith(".py") and plan.python != TOO_BIG
            if not skipped(plan):  # most files have none: no need to hold their plans
                plans.append((rel, blob, plan))
            elif irrelevant is not None:
                irrelevant[rel] = blob
        else:
            unknown.append(rel)
    keep_plans = store is not None and bool(known)  # outside git every file is read anyway: no plan is looked up
    keyed = store is not None
    jobs = [
        _Prefilter(root, tuple(unknown[i : i + PREFILTER_CHUNK]), encoded, forced, min_hits, keyed, extra, keep_plans)
        for i in range(0, len(unknown), PREFILTER_CHUNK)
    ]
    count = max(1, workers if workers is not None else _cpu_count())
    found = _Found(root, names, forced, store, by_name, keep_plans=keep_plans, irrelevant=irrelevant, known=known)
    tasks = found.tasks(plans)
    meter = _Meter(progress, len(paths), planned, len(jobs), len(tasks))
    if len(unknown) >= PARALLEL_MIN_FILES and count > 1:
        # One pool for both: its workers prefilter the chunks first, then parse the files they pick,
        # so neither core waits for the other's share of the prefilter.
        _prepare([reader for _, reader in extra], len(paths))
        needles(encoded)  # the names' compiled set, built once here rather than in each worker
        queued = list(tasks)  # the tasks, in the order the pool took them: its outcomes follow the jobs'
        weights = _weights(tasks)
        taken: set[int] = set()

        def more(k: int, outcome: object) -> list[_Task]:
            if k >= len(jobs):
                meter.parsed()
                return []
            taken.add(k)
            new = found.take_candidates(jobs[k], outcome)
            weights.update(_weights(new))
            queued.extend(new)
            meter.prefiltered(len(jobs[k].paths), len(new))
            return new

        outcomes = run_isolated(
            _work,
            [*jobs, *tasks],
            count,
            together=_unit,
            more=more,
            rank=lambda item: math.inf if isinstance(item, _Prefilter) else weights[_path(item)],
            memory=WORKER_MEMORY_BYTES,
            item_seconds=FILE_SECONDS,
            deadline=deadline,
        )
        for k, job in enumerate(jobs):
            if k not in taken:
                found.take_candidates(job, Unchecked())
        pairs = zip(queued, outcomes[len(jobs) :], strict=True)
    else:
        for job in jobs:
            new = found.take_candidates(job, Unchecked() if _past(deadline) else _prefilter(job))
            tasks.extend(new)
            meter.prefiltered(len(job.paths), len(new))
        tasks = _heaviest_first(tasks)
        work = len(tasks) + sum(t.reader.weight - 1 for t in tasks if isinstance(t, _Read))
        _prepare([by_name[name] for name in sorted({t.name for t in tasks if isinstance(t, _Read)})], len(paths))
        parsed = run_isolated(
            _work,
            tasks,
            count if work >= PARALLEL_MIN_CANDIDATES else 1,  # one worker still isolates the parsers
            together=_unit,
            done=lambda _: meter.parsed(),
            memory=WORKER_MEMORY_BYTES,
            item_seconds=FILE_SECONDS,
            deadline=deadline,
        )
        pairs = zip(tasks, parsed, strict=True)
    for task, outcome in pairs:
        found.take(task, outcome)
    return found.result(paths, planned_python)


class _Meter:
    """`progress` of a scan: files prefiltered of all files, then tasks done on top (the total grows once)."""

    def __init__(self, progress: Progress | None, files: int, known: int, jobs: int, tasks: int) -> None:
        self.progress = progress
        self.files = files
        self.jobs = jobs  # prefilter jobs left
        self.tasks = tasks
        self.tasks_done = 0
        self.done = known  # files prefiltered (the cache knew some already)
        self._call(known, files)

    def prefiltered(self, files: int, tasks: int) -> None:
        self.done += files
        self.jobs -= 1
        self.tasks += tasks
        self._call(self.done, self.files)
        if not self.jobs and self.tasks_done:  # the pool parsed some while others were prefiltered
            self._call(self.files + self.tasks_done, self.files + self.tasks)

    def parsed(self) -> None:
        self.tasks_done += 1
        if not self.jobs:
            self._call(self.files + self.tasks_done, self.files + self.tasks)

    def _call(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


class _Found:
    """What a scan found so far; turns each file's plan into its tasks, and takes their outcomes."""

    def __init__(
        self,
        root: str,
        names: frozenset[str],
        forced: frozenset[str],
        store: _Store | None,
        readers: Mapping[str, FileReader],
        keep_plans: bool,
        irrelevant: dict[str, str] | None = None,
        known: Mapping[str, str] | None = None,
    ) -> None:
        self.root = root
        self.names = names
        self.forced = forced
        self.store = store
        self.readers = readers
        self.keep_plans = keep_plans  # outside git every file is read anyway: its plan would never be used
        self.irrelevant = irrelevant  # path -> blob id of the files judged to need nothing (`scan_python`)
        self.known = known or {}  # the clean files' blob ids (`gitfiles.Listing.clean`): `irrelevant` shares them
        self.collections: list[Collection] = []
        self.unparsable: list[Unparsable] = []
        self.unchecked: list[str] = []
        self.found_by: dict[str, dict[str, object]] = {name: {} for name in sorted(readers)}
        self.files_read = 0
        self.files_opened = 0
        self.wanted = 0  # Python files to parse (or whose collections the cache knew)

    def take_candidates(self, job: _Prefilter, outcome: object) -> list[_Task]:
        """Take a prefilter job's outcome; the tasks of the files it picked (each file's in a row)."""
        if not isinstance(outcome, _Candidates):  # a file read only for its SQL is not listed: as ever
            python = [p for p in job.paths if p.endswith(".py")]
            if isinstance(outcome, Failed):  # its worker stopped: not the time budget, as for a parse
                why = f"its worker stopped while reading it and {len(job.paths) - 1} other files: {outcome.reason}"
                self.unparsable.extend((Location(p, 1, 1), why) for p in python)
            else:
                self.unchecked.extend(python)
            return []
        self.files_read += outcome.files_read
        self.files_opened += outcome.files_opened
        self.unparsable.extend(outcome.unreadable)
        plans = outcome.take_plans()
        paths = job.paths
        if self.store is not None and self.keep_plans:
            for at, blob, plan in plans:
                if blob:
                    rel = paths[at]
                    self.store.plans.put(rel, blob, rel in self.forced, plan)
                    if self.irrelevant is not None and skipped(plan):
                        held = self.known.get(rel)  # the same id, one string less per file
                        self.irrelevant[rel] = held if held == blob else blob
        return self.tasks([(paths[at], blob, plan) for at, blob, plan in plans if not skipped(plan)])

    def tasks(self, plans: Sequence[tuple[str, str, Plan]]) -> list[_Task]:
        """The tasks of each planned file (its reads, then its parse); what the cache knows is taken at once."""
        tasks: list[_Task] = []
        store = self.store
        for rel, blob, plan in plans:
            if plan.python == TOO_BIG:  # not parsed: reported, since it may copy an SSOT list
                self.unparsable.append((Location(rel, 1, 1), too_big(plan.size, MAX_PYTHON_BYTES, "Python files")))
            for name in plan.readers:
                hit = store.read(blob, name, rel) if store is not None and blob else None
                if hit is None:
                    keyed = store is not None and name in store.readers
                    tasks.append(_Read(self.root, rel, name, self.readers[name], keyed=keyed))
                elif hit[0] is not None:
                    self.found_by[name][rel] = hit[0]
            if plan.python not in (FOCUSED, WHOLE):
                continue
            self.wanted += 1
            focus = self.names if plan.python == FOCUSED else None
            salt = None if store is None else store.focused if focus is not None else store.whole
            cache_key = result_cache.content_key(blob, salt) if blob and salt else ""
            known = store.cache.get(rel, cache_key) if store is not None and cache_key else None
            if known is None:
                tasks.append((self.root, rel, focus, salt))
            else:
                self.collections.extend(known[0])
                if known[1] is not None:
                    self.unparsable.append(known[1])
        return tasks

    def take(self, task: _Task, outcome: object) -> None:
        if isinstance(task, _Read):  # what a reader could not read says nothing (as its rule never did)
            found = outcome
            if isinstance(outcome, _ReadOut):
                found = outcome.found
                if self.store is not None:
                    self.store.put_read(outcome.content, task.name, task.path, found)
            if found is not None and not isinstance(found, Failed | Unchecked):
                self.found_by[task.name][task.path] = found
            return
        path = task[1]
        if isinstance(outcome, Unchecked):
            self.unchecked.append(path)
        elif isinstance(outcome, Failed):
            self.unparsable.append((Location(path, 1, 1), outcome.reason))
        elif isinstance(outcome, tuple):
            found_in, failure, parsed_key = cast(_Parsed, outcome)
            self.collections.extend(found_in)
            if failure is not None:
                self.unparsable.append(failure)
            if self.store is not None and parsed_key is not None:
                self.store.cache.put(parsed_key, (found_in, failure))

    def result(self, paths: Sequence[str], planned_python: int) -> PythonScan:
        """`planned_python`: Python files the prefilter read in an earlier run, whose plans the cache gave."""
        # What each reader found, in the order of `paths` (no index of every path: a reader finds few).
        found_by = {
            name: {p: found[p] for p in paths if p in found} if found else {} for name, found in self.found_by.items()
        }
        self.collections.sort(key=lambda c: (c.path, c.location.line, c.location.column))  # stable: keeps [*][i] order
        self.unparsable.sort()
        return PythonScan(
            tuple(self.collections),
            tuple(self.unparsable),
            self.files_read + planned_python,
            self.wanted,
            tuple(sorted(self.unchecked)),
            found_by,
            self.files_opened,
        )


def _path(task: _Task) -> str:
    return task.path if isinstance(task, _Read) else task[1]


def _unit(item: _Prefilter | _Task) -> object:
    """What must go to one worker in a row: a prefilter job alone, a file's tasks together (they share its parse)."""
    return item.paths if isinstance(item, _Prefilter) else _path(item)


def _weights(tasks: Sequence[_Task]) -> dict[str, int]:
    """The cost of each file's tasks, in Python candidates."""
    weights: dict[str, int] = {}
    for t in tasks:
        weights[_path(t)] = weights.get(_path(t), 0) + (t.reader.weight if isinstance(t, _Read) else 1)
    return weights


def _heaviest_first(tasks: Sequence[_Task]) -> list[_Task]:
    """The tasks, a file's in a row, heaviest files first: so that no worker is left with them at the end."""
    by_file: dict[str, list[_Task]] = {}
    for t in tasks:
        by_file.setdefault(_path(t), []).append(t)
    weights = _weights(tasks)
    return [t for path in sorted(by_file, key=lambda p: -weights[p]) for t in by_file[path]]


def _prepare(readers: Sequence[FileReader], files: int) -> None:
    """Let `readers` import what they read with here, before the workers fork, for a scan of fewer than
    PREPARE_MAX_FILES `files`; otherwise each worker imports what its tasks need."""
    if files < PREPARE_MAX_FILES:
        for reader in readers:
            reader.prepare()


def _past(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _prefilter(job: _Prefilter) -> _Candidates:
    read = opened = 0
    plans: list[tuple[int, str, Plan]] = []
    unreadable: list[Unparsable] = []
    for at, rel in enumerate(job.paths):
        python = rel.endswith(".py")
        readers = [(name, r) for name, r in job.readers if rel.endswith(r.suffixes)]
        if not python and not readers:
            continue
        try:
            with open(os.path.join(job.root, rel), "rb") as fh:
                opened += 1
                size = os.fstat(fh.fileno()).st_size
                big = python and size > MAX_PYTHON_BYTES  # not parsed: reported, since it may copy an SSOT list
                if big and not readers:
                    plans.append((at, "", judge(rel, size, None, names=(), forced=False, min_hits=0, readers=())))
                    continue
                data = fh.read(size + 1)  # not the cap: a 1 MB buffer per file costs more than the read
        except OSError as exc:
            if python and rel in job.forced:  # otherwise we cannot tell it is a candidate: say nothing
                unreadable.append((Location(rel, 1, 1), f"unreadable: {exc.strerror or exc}"))
            continue
        read += python and not big
        plan = judge(rel, size, data, names=job.names, forced=rel in job.forced, min_hits=job.min_hits, readers=readers)
        if skipped(plan):  # most files: nothing to do, and the size says nothing
            if job.every:
                plans.append((at, blob_id(data), SKIPPED))
            continue
        plans.append((at, blob_id(data) if job.keyed else "", plan))
    return _Candidates(read, tuple(plans), tuple(unreadable), opened)


def _work(item: _Prefilter | _Task) -> object:
    """One item of the pool: a prefilter job, a Python candidate's collections, or what a reader finds in a file."""
    if isinstance(item, _Prefilter):
        return _prefilter(item)
    share_parses(_path(item))
    if isinstance(item, _Read):
        try:
            data = _current.read(item.root, item.path)
        except OSError:
            return None
        found = item.reader.read(item.path, data)
        return _ReadOut(found, _current.blob_id()) if item.keyed else found
    return _parse(item)


class _File:
    """The bytes of the file a worker's tasks are on, read once for all of them (they come in a row)."""

    def __init__(self) -> None:
        self.path = ""
        self.data: bytes | OSError = b""
        self.blob = ""

    def read(self, root: str, path: str) -> bytes:
        full = os.path.join(root, path)
        if full != self.path:
            self.path, self.blob = full, ""
            try:
                with open(full, "rb") as fh:
                    self.data = fh.read()
            except OSError as exc:
                self.data = exc
        if isinstance(self.data, OSError):
            raise self.data
        return self.data

    def blob_id(self) -> str:
        """`plan.blob_id` of the bytes `read` returned last."""
        if not self.blob and isinstance(self.data, bytes):
            self.blob = blob_id(self.data)
        return self.blob


_current = _File()


def _parse(task: _Parse) -> _Parsed:
    root, path, focus, digest = task
    try:
        data = _current.read(root, path)
    except OSError as exc:
        return [], (Location(path, 1, 1), f"unreadable: {exc.strerror or exc}"), None
    cache_key = result_cache.content_key(_current.blob_id(), digest) if digest is not None else None
    try:
        return extract(path, data, focus), None, cache_key
    except ParseFailure as exc:
        return [], (exc.location, exc.message), cache_key
    except Exception as exc:  # a parser bug must cost one file, not the audit (not cached: it may be transient)
        return (
            [],
            (Location(path, 1, 1), f"could not analyse: {type(exc).__name__}"),
            None,
        )  # its text may quote the file


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
