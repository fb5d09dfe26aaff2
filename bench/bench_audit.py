"""Speed benchmark: driftbot next to `git grep -n -F` for the same SSOT names on the same tree.

Generates a synthetic monorepo (bench/generate.py) in a temporary directory, commits it, and prints
the median wall and CPU time of (a) git grep, (b) `scan_python` alone, (c) `driftbot audit --format json`
cold (`--no-cache`) and (d) warm (the per-file cache of `extract/cache.py` filled by an earlier run), each
with its ratio to git grep measured in the same run, plus the peak memory of the largest child process.
Goal: the audit within 10x of git grep on 20,000 files.

Usage: python bench/bench_audit.py [--files N] [--repeat K] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from driftbot import paths
from driftbot.extract.scan import scan_python
from driftbot.ssot import loader
from generate import generate  # bench/ is on sys.path: it holds the running script

GOAL = 10.0


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (git, the CLI, pool workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def median_seconds(run: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of `run`; CPU time hardly moves on a busy machine."""
    run()  # warm the page cache and the imports
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        run()
        wall.append(time.perf_counter() - start)
        cpu.append(cpu_seconds() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, stdout=subprocess.DEVNULL)


def has_audit() -> bool:
    probe = [sys.executable, "-m", "driftbot", "audit", "--help"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def run_audit(repo: Path, *cache: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "audit", str(repo), "--format", "json", *cache], capture_output=True
    )
    if done.returncode not in (0, 1):  # 1 = drift found, expected here
        raise SystemExit(f"driftbot audit failed ({done.returncode}): {done.stderr.decode(errors='replace')}")


def main() -> int:
    parser = argparse.ArgumentParser(description="driftbot audit vs git grep on a synthetic monorepo")
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="driftbot-bench-") as tmp:
        repo = Path(tmp)
        made = generate(repo, args.files, args.seed)
        git(repo, "init", "-q")
        git(repo, "add", "-A")
        git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false",
            "commit", "-q", "-m", "synthetic monorepo")  # fmt: skip
        names = loader.load(repo / "ssot", repo).all_names()
        py_files = paths.walk(repo, [], (".py",))
        size_mb = sum((repo / p).stat().st_size for p in py_files) / 1e6
        print(
            f"synthetic repo: {made.files} Python files, {size_mb:.0f} MB ({made.copies} hold SSOT copies, "
            f"{made.stale_copies} stale; {made.decoys} decoys); {len(names)} SSOT names; median of {args.repeat}"
        )

        grep = ["git", "-C", str(repo), "grep", "-n", "-F", *(a for n in sorted(names) for a in ("-e", n))]
        rows: list[tuple[str, tuple[float, float]]] = [
            ("git grep -n -F", median_seconds(lambda: subprocess.run(grep, stdout=subprocess.DEVNULL), args.repeat))
        ]
        scan = scan_python(repo, py_files, names)
        rows.append(
            (
                f"scan_python ({scan.files_parsed} parsed)",
                median_seconds(lambda: scan_python(repo, py_files, names), args.repeat),
            )
        )
        if has_audit():
            cold = median_seconds(lambda: run_audit(repo, "--no-cache"), args.repeat)
            rows.append(("driftbot audit --format json (cold)", cold))
            warm_dir = str(Path(tmp) / ".bench-cache")  # median_seconds' first, unmeasured run fills it
            warm = median_seconds(lambda: run_audit(repo, "--cache-dir", warm_dir), args.repeat)
            rows.append(("driftbot audit (warm cache)", warm))
        else:
            print("note: `driftbot audit` is not available yet; skipping (c)")

    base, base_cpu = rows[0][1]
    print(f"{'':34s} {'wall s':>8s} {'x grep':>7s} {'cpu s':>8s} {'x grep':>7s}")
    for label, (wall, cpu) in rows:
        print(f"{label:34s} {wall:8.3f} {wall / base:7.1f} {cpu:8.3f} {cpu / base_cpu:7.1f}")
    if len(rows) == 4:
        verdict = "within" if rows[2][1][0] / base <= GOAL else "NOT within"
        print(f"driftbot audit (cold) is {verdict} {GOAL:.0f}x of git grep (wall time, median)")
        print(f"warm/cold: {rows[3][1][0] / rows[2][1][0]:.2f} wall, {rows[3][1][1] / rows[2][1][1]:.2f} cpu")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"peak memory of the largest child process (an audit or a pool worker): {peak:.0f} MiB")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: a busy machine slows wall times, not CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
