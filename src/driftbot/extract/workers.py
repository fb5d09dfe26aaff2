"""A process pool that survives its workers: a crash, a hang or a memory blow-up costs one item.

`concurrent.futures.ProcessPoolExecutor` breaks as a whole when one worker dies (libcst segfaults on
some inputs) and cannot tell which item killed it. Here each worker gets a small batch at a time and
reports each result as it finishes, so the parent knows the item a worker was on when it died or
overran `item_seconds`: that item becomes a `Failed` outcome, the rest of the batch goes back in the
queue, and a fresh worker takes over. Past `deadline` (a `time.monotonic()` value) every unfinished
item is `Unchecked`. Each worker may grow its address space by `memory` bytes (RLIMIT_AS).
Batches shrink as the queue drains (a share of what waits), so the workers finish together; items
that belong `together` are never split across batches; an item's outcome may add work (`more`), so
one pool can run a job whose later items are found by its earlier ones (the scan: prefilter chunks,
then the files they pick).
"""

from __future__ import annotations

import faulthandler
import gc
import heapq
import itertools
import math
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar, Union

if TYPE_CHECKING:  # imported on use: a run whose files all come from the cache starts no pool
    import multiprocessing.context
    import multiprocessing.process
    from multiprocessing.connection import Connection

# CPython's default collector thresholds. The CLI raises the first for its own process (`cli.GC_THRESHOLD`);
# a worker sets them back: the SQL trees it parses are cyclic (sqlglot nodes point to their parents) and
# piled up at the raised threshold (100k files: a worker's peak 99-109 -> 139-147 MiB).
WORKER_GC_THRESHOLD = (700, 10, 10)
STARTUP_SECONDS = 60.0  # for a worker to be ready (forkserver and spawn import driftbot first)
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Failed:
    """The item crashed or stopped its worker; `reason` says how (no file content)."""

    reason: str


@dataclass(frozen=True)
class Unchecked:
    """The time budget ran out before the item was done."""


Outcome: TypeAlias = Union[R, Failed, Unchecked]  # noqa: UP007 (a generic alias needs Union on 3.11)


@dataclass
class _Worker(Generic[T]):
    process: multiprocessing.process.BaseProcess
    conn: Connection
    batch: deque[tuple[int, T]] = field(default_factory=deque)
    since: float = 0.0  # when its current item started (or when it was started, until it is ready)
    ready: bool = False  # it said so: a slow start (forkserver imports) does not count against an item


def run_isolated(
    fn: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    *,
    memory: int | None = None,
    item_seconds: float | None = None,
    deadline: float | None = None,
    done: Callable[[int], None] | None = None,
    together: Callable[[T], object] | None = None,
    more: Callable[[int, Outcome[R]], Sequence[T]] | None = None,
    rank: Callable[[T], float] | None = None,
) -> list[Outcome[R]]:
    """`fn` over `items` in up to `workers` processes; outcomes in the order of `items`.

    `done(index)` is called as each item finishes (for progress). Items in a row with equal
    `together(item)` go to one worker in one batch, in their order (the scan's tasks of one file
    share its parse). `more(index, outcome)`, called as each item finishes (before `done`), returns
    items to run as well: their outcomes follow those of `items`, in the order they were added.
    Waiting items go out highest `rank(item)` first, then in the order they came (a `together`
    group by the rank of its first item). The pool starts `workers` processes (no more than `items`
    when nothing can add any).
    """
    outcomes: list[Outcome[R]] = []
    queue: _Queue[T] = _Queue(together, rank)

    def add(new: Sequence[T]) -> None:
        queue.add(enumerate(new, len(outcomes)))
        outcomes.extend(Unchecked() for _ in new)

    def finish(index: int, outcome: Outcome[R]) -> None:
        outcomes[index] = outcome
        if more is not None:
            add(more(index, outcome))
        if done is not None:
            done(index)

    add(items)
    if not items:
        return outcomes
    from multiprocessing.connection import wait

    context = pool_context()
    pool: list[_Worker[T]] = []
    try:
        for _ in range(workers if more is not None else min(workers, len(items))):
            pool.append(_start(context, fn, memory))
        while queue or any(w.batch for w in pool):
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            for w in pool:
                if not w.batch and queue:
                    w.batch.extend(queue.take(max(1, min(64, len(queue) // (len(pool) * 8)))))
                    w.conn.send(list(w.batch))
                    w.since = now
            busy = [w for w in pool if w.batch]
            limits = [w.since + _allowed(w, item_seconds) for w in busy] if item_seconds is not None else []
            if deadline is not None:
                limits.append(deadline)
            timeout = max(0.0, min(limits) - now) if limits else None
            ready: set[object] = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
            for k, w in enumerate(pool):
                if not w.batch:
                    continue
                failure = _collect(w, ready, finish)
                overran = item_seconds is not None and time.monotonic() - w.since > _allowed(w, item_seconds)
                if failure is None and overran:
                    failure = f"took longer than {item_seconds:g} s" if w.ready else "the parser did not start"
                if failure is not None:
                    index, _ = w.batch.popleft()
                    queue.put_back(w.batch)  # the rest of its batch: another worker reads it, first
                    w.batch.clear()
                    _stop(w)
                    pool[k] = _start(context, fn, memory)
                    finish(index, Failed(failure))
    finally:
        for w in pool:
            _stop(w)
    return outcomes


class _Queue(Generic[T]):
    """The items waiting for a worker, as groups of `together` items: highest rank first, then first come."""

    def __init__(self, together: Callable[[T], object] | None, rank: Callable[[T], float] | None) -> None:
        self._together = together
        self._rank = rank
        self._heap: list[tuple[float, int, list[tuple[int, T]]]] = []  # (-rank, arrival, group)
        self._arrivals = itertools.count()
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, items: Iterable[tuple[int, T]]) -> None:
        group: list[tuple[int, T]] = []
        key: object = None
        for index, item in items:
            if self._together is None:
                self._push([(index, item)])
                continue
            this = self._together(item)
            if group and this != key:
                self._push(group)
                group = []
            group.append((index, item))
            key = this
        if group:
            self._push(group)

    def put_back(self, items: Iterable[tuple[int, T]]) -> None:
        """Items taken but not done: they go out next, as one batch."""
        batch = list(items)
        if batch:
            heapq.heappush(self._heap, (-math.inf, -next(self._arrivals), batch))
            self._size += len(batch)

    def take(self, size: int) -> list[tuple[int, T]]:
        """Whole groups, in order, until they hold `size` items (more when a group is larger)."""
        batch: list[tuple[int, T]] = []
        while self._heap and len(batch) < size:
            batch.extend(heapq.heappop(self._heap)[2])
        self._size -= len(batch)
        return batch

    def _push(self, group: list[tuple[int, T]]) -> None:
        rank = self._rank(group[0][1]) if self._rank is not None else 0.0
        heapq.heappush(self._heap, (-rank, next(self._arrivals), group))
        self._size += len(group)


def _collect(w: _Worker[T], ready: set[object], finish: Callable[[int, Outcome[R]], None]) -> str | None:
    """Take the results `w` has sent; when it died, how (it died on the first item of its batch)."""
    try:
        while w.batch and w.conn.poll():  # a dead worker's pipe polls ready, then raises EOFError
            message = w.conn.recv()
            w.since = time.monotonic()
            if message is None:  # started: its first item's time starts now
                w.ready = True
                continue
            index, ok, value = message
            expected, _ = w.batch.popleft()
            assert index == expected, "a worker answers its batch in order"
            finish(index, value if ok else Failed(value))
    except (EOFError, OSError):
        return _died(w)
    if w.batch and w.process.sentinel in ready:
        return _died(w)
    return None


def _allowed(w: _Worker[T], item_seconds: float) -> float:
    return item_seconds if w.ready else max(item_seconds, STARTUP_SECONDS)


def _died(w: _Worker[T]) -> str:
    w.process.join(1)
    code = w.process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        what = "out of memory" if name == "SIGKILL" else name
        return f"the parser crashed ({what})"
    return f"the parser stopped (exit code {code})"


def _start(context: multiprocessing.context.BaseContext, fn: Callable[[T], R], memory: int | None) -> _Worker[T]:
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child, fn, memory), daemon=True)  # type: ignore[attr-defined]
    process.start()
    child.close()
    return _Worker(process, parent)


def _stop(w: _Worker[T]) -> None:
    if w.process.is_alive():
        w.process.kill()
    w.process.join()
    w.conn.close()


def _serve(conn: Connection, fn: Callable[[T], R], memory: int | None) -> None:
    """The worker: batches in, one (index, ok, result or reason) per item out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    faulthandler.disable()  # a crash is reported by the parent, without a traceback of the parent's frames
    gc.set_threshold(*WORKER_GC_THRESHOLD)
    if memory is not None:
        limit_memory(memory)
    conn.send(None)  # ready
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        for index, item in batch:
            try:
                conn.send((index, True, fn(item)))
            except MemoryError:
                conn.send((index, False, "out of memory"))
            except Exception as exc:  # a parser bug must cost one item, not the run
                conn.send((index, False, f"{type(exc).__name__}"))


def limit_memory(extra: int) -> None:
    """Let this process's address space grow by `extra` bytes at most (best effort: Linux)."""
    try:
        with open("/proc/self/statm") as fh:
            size = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        soft = size + extra if hard == resource.RLIM_INFINITY else min(hard, size + extra)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError):
        pass


def pool_context() -> multiprocessing.context.BaseContext:
    """fork when it is safe: workers start with driftbot and libcst already imported (~10x faster)."""
    import multiprocessing

    if sys.platform != "linux":
        return multiprocessing.get_context()  # the platform default (spawn): fork is unsafe on macOS
    if _thread_count() > 1:  # forking a threaded process can deadlock the child (e.g. grpc, logging locks)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["driftbot.extract.scan"])
        return context
    return multiprocessing.get_context("fork")


def _thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))  # counts threads started by C extensions too
    except OSError:
        return threading.active_count()
