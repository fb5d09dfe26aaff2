"""extract/scan.py with one pool for the prefilter and the parse: where each step runs, what a crash costs.

Readers here report the process they ran in, so a test sees which worker read what.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.extract import scan, workers
from driftbot.extract.scan import scan_python
from driftbot.ftypes import Location

ROOT = Path(__file__).resolve().parents[1]
NAMES = frozenset({"bdl_player_boxscores", "nbac_schedule", "br_rosters_current"})
COPY = b"NAMES = ['bdl_player_boxscores', 'nbac_schedule', 'br_rosters_current']\n"


@dataclass(frozen=True)
class Where:
    """A reader of every .py file: the worker it read in, and which bytes object it got."""

    tag: str
    wants_log: str = ""  # a file each `wants` appends its process id to
    crash_on: str = ""  # a file name whose `wants` (tag "wants") or `read` (else) kills the process

    suffixes: tuple[str, ...] = (".py",)
    weight: int = 1

    def wants(self, path: str, data: bytes) -> bool:
        if self.wants_log:
            with open(self.wants_log, "a") as fh:
                fh.write(f"{os.getpid()}\n")
        if self.crash_on and self.tag == "wants" and path.endswith(self.crash_on):
            os.kill(os.getpid(), signal.SIGSEGV)
        return True

    def read(self, path: str, data: bytes) -> tuple[int, int]:
        if self.crash_on and self.tag != "wants" and path.endswith(self.crash_on):
            os.kill(os.getpid(), signal.SIGSEGV)
        return os.getpid(), id(data)

    def prepare(self) -> None:
        pass


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds low enough for the pool to prefilter these small repositories."""
    monkeypatch.setattr(scan, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(scan, "PREFILTER_CHUNK", 20)


def repo(tmp_path: Path, files: int = 120) -> list[str]:
    paths = []
    for i in range(files):
        rel = f"pkg{i % 5}/mod_{i:03}.py"
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(COPY if i % 2 else b"X = 1\n")
        paths.append(rel)
    return sorted(paths)


def test_the_prefilter_runs_in_the_workers_when_the_pool_is_used(tmp_path: Path, pooled: None) -> None:
    paths = repo(tmp_path / "repo")
    log = tmp_path / "wants.log"
    reader = Where("a", wants_log=str(log))
    result = scan_python(tmp_path / "repo", paths, NAMES, workers=2, readers={"a": reader})
    pids = [int(line) for line in log.read_text().split()]
    assert len(pids) == len(paths)
    assert os.getpid() not in pids
    assert len(set(pids)) == 2  # both workers prefiltered
    assert result.files_scanned == len(paths)
    assert result.files_parsed == len(paths) // 2
    log.unlink()
    serial = scan_python(tmp_path / "repo", paths, NAMES, workers=1, readers={"a": reader})
    assert set(log.read_text().split()) == {str(os.getpid())}  # few files or one core: in this process
    assert (serial.collections, serial.unparsable) == (result.collections, result.unparsable)


@pytest.mark.parametrize("pool", [True, False], ids=["pooled", "serial-prefilter"])
def test_a_files_tasks_go_to_one_worker_and_share_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: bool
) -> None:
    monkeypatch.setattr(scan, "PARALLEL_MIN_FILES", 10 if pool else 10**9)
    monkeypatch.setattr(scan, "PARALLEL_MIN_CANDIDATES", 10)
    paths = repo(tmp_path, files=300)
    result = scan_python(tmp_path, paths, NAMES, workers=2, readers={"a": Where("a"), "b": Where("b")})
    a, b = result.read["a"], result.read["b"]
    assert sorted(a) == sorted(b) == paths
    assert len({pid for pid, _ in a.values()}) == 2  # both workers read
    assert [p for p in paths if a[p] != b[p]] == []  # same worker, same bytes object: the file was read once


def test_a_crash_in_a_prefilter_chunk_costs_that_chunk(tmp_path: Path, pooled: None) -> None:
    paths = repo(tmp_path)
    chunk = paths[40:60]  # the third chunk of 20 files
    result = scan_python(tmp_path, paths, NAMES, workers=2, readers={"w": Where("wants", crash_on=paths[45])})
    why = "its worker stopped while reading it and 19 other files: the parser crashed (SIGSEGV)"
    assert result.unparsable == tuple((Location(p, 1, 1), why) for p in chunk)
    assert result.unchecked == ()  # no time budget ran out
    assert result.files_scanned == len(paths) - len(chunk)
    assert {c.path for c in result.collections} == {p for p in paths if p not in chunk and int(p[-6:-3]) % 2}
    assert sorted(result.read["w"]) == [p for p in paths if p not in chunk]


def test_a_crash_in_a_read_costs_that_read_only(tmp_path: Path, pooled: None) -> None:
    paths = repo(tmp_path)
    evil = next(p for p in paths[40:] if int(p[-6:-3]) % 2)  # a candidate: its parse and the other read still happen
    readers = {"bad": Where("bad", crash_on=evil), "good": Where("good")}
    result = scan_python(tmp_path, paths, NAMES, workers=2, readers=readers)
    assert sorted(result.read["bad"]) == [p for p in paths if p != evil]
    assert sorted(result.read["good"]) == paths
    assert evil in {c.path for c in result.collections}
    assert (result.unchecked, result.unparsable) == ((), ())


def test_past_the_deadline_the_pool_lists_every_unread_python_file(tmp_path: Path, pooled: None) -> None:
    paths = repo(tmp_path)
    result = scan_python(tmp_path, paths, NAMES, workers=2, deadline=time.monotonic())
    assert result.unchecked == tuple(paths)
    assert (result.collections, result.files_scanned) == ((), 0)


def test_progress_reads_every_file_then_counts_the_tasks(tmp_path: Path, pooled: None) -> None:
    paths = repo(tmp_path)
    calls: list[tuple[int, int]] = []
    scan_python(
        tmp_path, paths, NAMES, workers=2, readers={"a": Where("a")}, progress=lambda d, t: calls.append((d, t))
    )
    reading = [c for c in calls if c[1] == len(paths)]
    assert calls[: len(reading)] == reading  # the total grows once, when every file is prefiltered
    assert reading[0] == (0, len(paths))
    assert reading[-1] == (len(paths), len(paths))
    total = len(paths) + len(paths) + len(paths) // 2  # every file's read, the candidates' parses
    assert {t for _, t in calls[len(reading) :]} == {total}
    assert calls == sorted(calls)
    assert calls[-1] == (total, total)


def test_an_audit_whose_prefilter_worker_crashes_reports_those_files_not_the_time_budget(
    tmp_path: Path, pooled: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker killed while it prefilters a chunk: each of its files is `unparsable-file`, the exit code 0."""
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "a").mkdir()
    for i in range(40):  # listed before ssot/: chunks of 20 are a/m00-m19, a/m20-m39, then the SSOT
        (tmp_path / f"a/m{i:02}.py").write_text("X = 1\n")
    prefilter = scan._prefilter

    def crash_on_m25(job: scan._Prefilter) -> object:  # runs in the worker (forked: it sees this patch)
        if "a/m25.py" in job.paths:
            os.kill(os.getpid(), signal.SIGSEGV)
        return prefilter(job)

    monkeypatch.setattr(scan, "_prefilter", crash_on_m25)
    fork = multiprocessing.get_context("fork")  # under xdist's threads the pool would use forkserver: no patch
    monkeypatch.setattr(workers, "pool_context", lambda: fork)
    monkeypatch.setattr(scan, "_cpu_count", lambda: 2)
    code = main(["audit", str(tmp_path), "--format", "json", "--no-cache"])
    found = [(f["rule"], f["path"], f["message"]) for f in json.loads(capsys.readouterr().out)["findings"]]
    why = "could not parse: its worker stopped while reading it and 19 other files: the parser crashed (SIGSEGV)"
    assert (code, found) == (0, [("unparsable-file", f"a/m{i:02}.py", why) for i in range(20, 40)])


class Preparing:
    def __init__(self) -> None:
        self.prepared = 0

    def prepare(self) -> None:
        self.prepared += 1


@pytest.mark.parametrize(("files", "prepared"), [(10, 1), (scan.PREPARE_MAX_FILES - 1, 1), (scan.PREPARE_MAX_FILES, 0)])
def test_readers_prepare_before_workers_fork_only_for_a_smaller_scan(files: int, prepared: int) -> None:
    """Past PREPARE_MAX_FILES each worker imports its parsers: this process, holding every plan, stays small."""
    reader = Preparing()
    scan._prepare([reader], files)  # type: ignore[list-item]
    assert reader.prepared == prepared
