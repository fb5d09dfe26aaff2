"""extract/workers.py: items kept `together` share a worker, `more` adds work to a running pool, `rank` orders it;
workers collect garbage at CPython's default thresholds.

The crash, hang and memory cases of the isolation contract are in tests/security/test_security_parsing.py.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal

from driftbot.extract.workers import WORKER_GC_THRESHOLD, Failed, Outcome, Unchecked, run_isolated

_served = itertools.count()  # in each (forked) worker: how many items it answered before this one


def where(item: str) -> tuple[str, int, int]:
    """The item, the worker that ran it, and its turn in that worker; dies like a segfault on 'evil'."""
    if "evil" in item:
        os.kill(os.getpid(), signal.SIGSEGV)
    return item, os.getpid(), next(_served)


def test_items_kept_together_go_to_one_worker_in_a_row() -> None:
    items = [f"f{n // 3}:{n % 3}" for n in range(300)]  # 100 files of 3 tasks; batches would split some
    outcomes = run_isolated(where, items, 2, together=lambda item: item.split(":")[0])
    answered = [o for o in outcomes if isinstance(o, tuple)]
    assert [item for item, _, _ in answered] == items
    assert len({pid for _, pid, _ in answered}) == 2  # both workers took part
    for file in range(100):
        group = answered[3 * file : 3 * file + 3]
        assert len({pid for _, pid, _ in group}) == 1, group
        turns = [turn for _, _, turn in group]
        assert turns == list(range(turns[0], turns[0] + 3)), group  # one after the other


def test_items_found_by_others_run_in_the_same_pool_by_rank() -> None:
    seen: list[int] = []

    def more(index: int, outcome: Outcome[tuple[str, int, int]]) -> list[str]:
        seen.append(index)
        assert isinstance(outcome, tuple)
        item = outcome[0]
        return [f"{item}.low", f"{item}.high"] if item in ("a", "b") else []

    ranks = {"low": 1.0, "high": 2.0}
    outcomes = run_isolated(
        where, ["a", "b"], 1, more=more, rank=lambda item: 3.0 if "." not in item else ranks[item.split(".")[1]]
    )
    assert [o[0] for o in outcomes if isinstance(o, tuple)] == ["a", "b", "a.low", "a.high", "b.low", "b.high"]
    assert sorted(seen) == list(range(6))
    assert len({o[1] for o in outcomes if isinstance(o, tuple)}) == 1  # one worker: its turns show the order
    turns = {o[0]: o[2] for o in outcomes if isinstance(o, tuple)}
    assert sorted(turns, key=turns.__getitem__) == ["a", "b", "a.high", "b.high", "a.low", "b.low"]


def test_a_crash_in_added_work_costs_that_item_and_its_group_is_read_on() -> None:
    def more(index: int, outcome: Outcome[tuple[str, int, int]]) -> list[str]:
        return ["g:1", "g:evil", "g:2", "h:1"] if index == 0 else []

    outcomes = run_isolated(where, ["start"], 1, together=lambda item: item.split(":")[0], more=more)
    assert [o[0] if isinstance(o, tuple) else o for o in outcomes] == [
        "start",
        "g:1",
        Failed("the parser crashed (SIGSEGV)"),
        "g:2",
        "h:1",
    ]


def test_past_the_deadline_added_work_is_unchecked() -> None:
    outcomes = run_isolated(where, ["a", "b"], 1, deadline=0.0, more=lambda index, outcome: ["c"])
    assert outcomes == [Unchecked(), Unchecked()]  # nothing finished, so nothing was added


def thresholds(item: str) -> tuple[int, int, int]:
    return gc.get_threshold()


def test_a_worker_collects_at_the_default_thresholds_whatever_its_parent_set() -> None:
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 10)  # as the CLI's process runs (cli.GC_THRESHOLD)
    try:
        outcomes = run_isolated(thresholds, ["a"], 1)
    finally:
        gc.set_threshold(*before)
    assert outcomes == [(700, 10, 10)]
    assert WORKER_GC_THRESHOLD == (700, 10, 10)
