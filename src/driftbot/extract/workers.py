"""A process pool that survives its workers: a crash, a hang or a memory blow-up costs one item.

`concurrent.futures.ProcessPoolExecutor` breaks as a whole when one worker dies (libcst segfaults on
some inputs) and cannot tell which item killed it. Here each worker gets a small batch at a time and
reports each result as it finishes, so the parent knows the item a worker was on when it died or
overran `item_seconds`: that item becomes a `Failed` outcome, the rest of the batch goes back in the
queue, and a fresh worker takes over. Past `deadline` (a `time.monotonic()` value) every unfinished
item is `Unchecked`. Each worker may grow its address space by `memory` bytes (RLIMIT_AS).
"""

from __future__ import annotations

import faulthandler
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar, Union

if TYPE_CHECKING:  # imported on use: a run whose files all come from the cache starts no pool
    import multiprocessing.context
    import multiprocessing.process
    from multiprocessing.connection import Connection

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
) -> list[Outcome[R]]:
    """`fn` over `items` in up to `workers` processes; outcomes in the order of `items`.

    `done(index)` is called as each item finishes (for progress).
    """
    outcomes: list[Outcome[R]] = [Unchecked() for _ in items]
    if not items:
        return outcomes
    from multiprocessing.connection import wait

    pending: deque[tuple[int, T]] = deque(enumerate(items))
    chunk = max(1, min(64, len(items) // (workers * 8)))
    context = pool_context()
    pool: list[_Worker[T]] = []
    try:
        for _ in range(min(workers, len(items))):
            pool.append(_start(context, fn, memory))
        while pending or any(w.batch for w in pool):
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                break
            for w in pool:
                if not w.batch and pending:
                    w.batch.extend(pending.popleft() for _ in range(min(chunk, len(pending))))
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
                failure = _collect(w, ready, outcomes, done)
                overran = item_seconds is not None and time.monotonic() - w.since > _allowed(w, item_seconds)
                if failure is None and overran:
                    failure = f"took longer than {item_seconds:g} s" if w.ready else "the parser did not start"
                if failure is not None:
                    index, _ = w.batch.popleft()
                    outcomes[index] = Failed(failure)
                    if done is not None:
                        done(index)
                    pending.extendleft(reversed(w.batch))  # the rest of its batch: another worker reads it
                    _stop(w)
                    pool[k] = _start(context, fn, memory)
    finally:
        for w in pool:
            _stop(w)
    return outcomes


def _collect(
    w: _Worker[T], ready: set[object], outcomes: list[Outcome[R]], done: Callable[[int], None] | None
) -> str | None:
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
            outcomes[index] = value if ok else Failed(value)
            if done is not None:
                done(index)
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
