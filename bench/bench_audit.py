"""Speed benchmark: driftbot next to `git grep -n -F` for the same SSOT names on the same tree.

For each profile (bench/generate.py: `synthetic`, 20,000 small Python files; `realistic`, 6,000
files with large candidate modules, SQL in f-strings, 300+ `.sql` files and vendored copies) it
generates a repository in a temporary directory, commits it, and prints the median wall and CPU
time and the peak memory of:

- `git grep -n -F -e NAME ...` for every SSOT name (the baseline every ratio is to);
- `driftbot audit --format json --no-cache` (cold);
- a Python file naming nothing changed: an untracked Python file that names nothing changes before
  every run; the memo's own keys miss, its delta entry (`extract/memo_delta.py`) answers: the file is
  read and judged by the prefilter's code again, no check runs (before the delta entry this row was
  "warm": the per-file cache answered and every check ran);
- warm, candidate edited: the per-file cache (`extract/cache.py`) filled, the memo missed: a tracked
  Python file the audit parses changes (a comment line appended before every run), so that file is
  parsed again, every other file's results come from the cache, and every check runs;
- an unread file changed: an untracked `.txt` file changes before every run; an audit never reads
  it (`extract/scanned.py`), so the memo's scoped key answers;
- memo: an unchanged repository, answered by the whole-report memo (`extract/memo.py`);
- `driftbot init` once, as a ratio to the cold audit (with `--budget`);
- the parse floor: CPU seconds of CPython's `ast.parse` alone over the files a cold audit parses,
  as a ratio to git grep's wall time split over the machine's cores (what no read path built on
  CPython's parser can go below).

Each command runs as its own process; CPU time and peak memory (`ru_maxrss`) are those of that
process and its children (the pool workers), from `wait4`. Goals (issue 13): cold <= 6x git grep,
warm <= 1.5x, memo <= 1x (wall), init within 3x of the audit, and peak memory <= 150 MiB at 100,000
files (`--files 100000 --peak-only`: audits of a 100k synthetic repository, cold without and with a
cache, and warm after a candidate edit).

Usage: python bench/bench_audit.py [--profile synthetic|realistic|both] [--files N] [--repeat K]
       [--seed S] [--init-budget S] [--peak-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot.extract.plan import count_names
from driftbot.ssot import loader
from generate import PROFILES, Generated  # bench/ is on sys.path: it holds the running script

DEFAULT_FILES = {"synthetic": 20_000, "realistic": 6_000}
GOALS = {"cold": 6.0, "warm": 1.5, "memo": 1.0}  # x git grep, wall
INIT_GOAL = 3.0  # x the cold audit
PEAK_GOAL_MIB = 150
AUDIT = [sys.executable, "-m", "driftbot", "audit"]
# The rows' labels: verdicts pick rows by these, so a row added or moved cannot shift a verdict.
GREP = "git grep -n -F"
COLD = "audit cold (--no-cache)"
DELTA = "audit delta (.py, no name)"
WARM = "audit warm (candidate edited)"
UNREAD = "audit, an unread file changed"
MEMO = "audit memo (unchanged)"
INIT = "init (once)"
# The warm goal, for both ways a changed Python file is answered: the delta entry, the per-file cache.
ROW_GOALS = {COLD: GOALS["cold"], DELTA: GOALS["warm"], WARM: GOALS["warm"], MEMO: GOALS["memo"]}


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    peak_mib: float
    code: int


@dataclass(frozen=True)
class Row:
    label: str
    wall: float
    cpu: float
    peak_mib: float


def measure(cmd: Sequence[str], timeout: float | None = None) -> Sample:
    """One run of `cmd`: wall time, CPU and peak RSS of it and its children (`wait4`), exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            return Sample(float("inf"), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, -9)
        time.sleep(0.002)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # 1: drift found (audit) or matches found (grep)
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd[:4])} failed ({proc.returncode}): {err}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode)


def median_row(label: str, run: Callable[[], Sample], repeat: int) -> Row:
    run()  # unmeasured: warms the page cache (and fills the cache or memo a row is about)
    samples = [run() for _ in range(repeat)]
    return Row(
        label,
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.peak_mib for s in samples),
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, stdout=subprocess.DEVNULL)


def make_repo(root: Path, profile: str, files: int, seed: int) -> str:
    made = generate_apart(root, files, seed, profile)
    git(root, "init", "-q")
    git(root, "add", "-A")
    # gc.auto=0: no background gc still writing objects when the directory is removed
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false",
        "-c", "gc.auto=0", "commit", "-q", "-m", f"{profile} monorepo")  # fmt: skip
    size_mb = made_bytes(root) / 1e6
    lines = f", {made.lines} lines in all" if made.lines else ""
    return (
        f"{profile} repo: {made.files} files, {size_mb:.0f} MB, {made.sql} SQL; {made.copies} hold SSOT copies "
        f"({made.stale_copies} stale{lines}), {made.decoys} decoys"
    )


def made_bytes(root: Path) -> int:
    """The corpus's size, outside .git; walked with os.scandir so that this process stays small."""
    total, stack = 0, [root]
    while stack:
        with os.scandir(stack.pop()) as entries:
            for e in entries:
                if e.is_dir(follow_symlinks=False):
                    if e.name != ".git":
                        stack.append(Path(e.path))
                elif e.is_file(follow_symlinks=False):
                    total += e.stat(follow_symlinks=False).st_size
    return total


def generate_apart(root: Path, files: int, seed: int, profile: str) -> Generated:
    """`generate` in a child process: `ru_maxrss` survives fork and exec, so every command this
    process starts later would begin at its size, and a corpus built here would inflate their peaks."""
    script = (
        "import dataclasses, json, sys; from pathlib import Path; from generate import generate; "
        "out, files, seed, profile = sys.argv[1:]; "
        "print(json.dumps(dataclasses.asdict(generate(Path(out), int(files), int(seed), profile))))"
    )
    argv = [sys.executable, "-c", script, str(root), str(files), str(seed), profile]
    out = subprocess.run(argv, check=True, capture_output=True, text=True, cwd=Path(__file__).parent).stdout
    return Generated(**json.loads(out))


def bench_profile(profile: str, files: int, args: argparse.Namespace) -> list[str]:
    """Measure one profile; returns the verdict lines."""
    with tempfile.TemporaryDirectory(prefix=f"driftbot-bench-{profile}-", ignore_cleanup_errors=True) as tmp:
        repo = Path(tmp) / "repo"
        print(make_repo(repo, profile, files, args.seed))
        names = loader.load(repo / "ssot", repo).all_names()
        grep = ["git", "-C", str(repo), "grep", "-n", "-F", *(a for n in sorted(names) for a in ("-e", n))]
        audit = [*AUDIT, str(repo), "--format", "json"]
        rows = [median_row(GREP, lambda: measure(grep), args.repeat)]
        rows.append(median_row(COLD, lambda: measure([*audit, "--no-cache"]), args.repeat))
        warm_dir = Path(tmp) / "warm-cache"
        counter = iter(range(1_000_000))

        def changing(bump: Path) -> Callable[[], Sample]:
            def run() -> Sample:
                bump.write_text(f"# {next(counter)}\n")  # untracked; the same path every run, new content
                return measure([*audit, "--cache-dir", str(warm_dir)])

            return run

        bump = repo / "bench-bump.py"  # scanned, so the memo's keys miss; no candidate: the delta entry answers
        rows.append(median_row(DELTA, changing(bump), args.repeat))
        bump.unlink()
        edited = first_candidate(repo, names)
        original = edited.read_bytes()

        def warm_edit() -> Sample:
            edited.write_bytes(original + f"# bench edit {next(counter)}\n".encode())  # a tracked candidate changes
            return measure([*audit, "--cache-dir", str(warm_dir)])

        rows.append(median_row(WARM, warm_edit, args.repeat))
        edited.write_bytes(original)
        unread = repo / "bench-bump.txt"  # never read by an audit (extract/scanned.py): the scoped memo answers
        rows.append(median_row(UNREAD, changing(unread), args.repeat))
        unread.unlink()
        memo_dir = Path(tmp) / "memo-cache"
        memo = [*audit, "--cache-dir", str(memo_dir)]
        rows.append(median_row(MEMO, lambda: measure(memo), args.repeat))
        init = measure([*AUDIT[:-1], "init", str(repo), "--budget", str(args.init_budget)], args.init_budget + 60)
        rows.append(Row(INIT, init.wall, init.cpu, init.peak_mib))
        floor_files, floor_cpu = parse_floor(repo, names)
    print(f"{'':30s} {'wall s':>8s} {'x grep':>7s} {'cpu s':>8s} {'x grep':>7s} {'peak MiB':>9s}")
    base = rows[0]
    for r in rows:
        ratios = f"{r.wall / base.wall:7.2f} {r.cpu:8.3f} {r.cpu / base.cpu:7.2f}"
        print(f"{r.label:30s} {r.wall:8.3f} {ratios} {r.peak_mib:9.0f}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    print(
        f"floor: CPython's ast.parse of the {floor_files} candidate files alone costs {floor_cpu:.2f} s CPU, "
        f"{floor_cpu / base.cpu:.1f}x git grep CPU, {floor_cpu / cores / base.wall:.1f}x its wall if split perfectly "
        f"over {cores} cores"
    )
    return verdicts(profile, rows)


def verdicts(profile: str, rows: Sequence[Row]) -> list[str]:
    """The verdict lines of one profile's rows, each row picked by its label (KeyError: a row is missing)."""
    by_label = {r.label: r for r in rows}
    base = by_label[GREP]
    out = []
    for label, goal in ROW_GOALS.items():
        ratio = by_label[label].wall / base.wall
        verdict = "meets" if ratio <= goal else "MISSES"
        out.append(f"{profile} {label}: {ratio:.2f}x git grep wall ({verdict} <= {goal:g}x)")
    out.append(f"{profile} {UNREAD}: {by_label[UNREAD].wall / base.wall:.2f}x git grep wall")  # no goal of its own
    ratio = by_label[INIT].wall / by_label[COLD].wall
    out.append(
        f"{profile} init: {ratio:.1f}x the cold audit ({'meets' if ratio <= INIT_GOAL else 'MISSES'} <= {INIT_GOAL:g}x)"
    )
    return out


def first_candidate(repo: Path, names: frozenset[str]) -> Path:
    """The first tracked Python file that names two SSOT names (a file the audit parses), by path."""
    listed = subprocess.run(["git", "-C", str(repo), "ls-files", "-z", "*.py"], check=True, capture_output=True)
    encoded = [n.encode() for n in sorted(names)]
    for rel in sorted(os.fsdecode(p) for p in listed.stdout.split(b"\0") if p):
        if count_names((repo / rel).read_bytes(), encoded, 2) >= 2:
            return repo / rel
    raise SystemExit(f"{repo}: no Python file names two SSOT names")


def parse_floor(repo: Path, names: frozenset[str]) -> tuple[int, float]:
    """CPU seconds `ast.parse` alone takes over the files a cold audit parses, in a child process
    (its memory must not inflate later peaks): the floor of any read path built on CPython's parser."""
    script = (
        "import ast, gc, json, os, subprocess, sys, time; from driftbot.extract.plan import count_names; "
        "repo, names = sys.argv[1], [n.encode() for n in json.loads(sys.argv[2])]; "
        "out = subprocess.run(['git', '-C', repo, 'ls-files', '-z', '*.py'], check=True, capture_output=True).stdout; "
        "files = [open(os.path.join(repo, os.fsdecode(p)), 'rb').read() for p in out.split(b'\\0') if p]; "
        "parsed = [f for f in files if count_names(f, names, 2) >= 2]; gc.disable(); t = time.process_time(); "
        "[ast.parse(f) for f in parsed]; print(len(parsed), time.process_time() - t)"
    )
    out = subprocess.run([sys.executable, "-c", script, str(repo), json.dumps(sorted(names))], check=True,
                         capture_output=True, text=True).stdout.split()  # fmt: skip
    return int(out[0]), float(out[1])


def peak_only(files: int, seed: int) -> list[str]:
    """Peak memory of a synthetic repository's audit: cold without a cache, cold filling one, warm after a
    candidate edit (the per-file cache and the memo's delta entry read; the main process's peak)."""
    with tempfile.TemporaryDirectory(prefix="driftbot-bench-peak-", ignore_cleanup_errors=True) as tmp:
        repo = Path(tmp) / "repo"
        print(make_repo(repo, "synthetic", files, seed))
        audit = [*AUDIT, str(repo), "--format", "json", "--time-budget", "0"]
        cached = [*audit, "--cache-dir", str(Path(tmp) / "cache")]
        runs = [("cold, no cache", measure([*audit, "--no-cache"])), ("cold, filling a cache", measure(cached))]
        edited = first_candidate(repo, loader.load(repo / "ssot", repo).all_names())
        edited.write_bytes(edited.read_bytes() + b"# bench edit\n")
        runs.append(("warm, a candidate edited", measure(cached)))
    out = []
    for label, s in runs:
        verdict = "meets" if s.peak_mib <= PEAK_GOAL_MIB else "MISSES"
        out.append(f"peak memory of an audit of {files} files, {label}: {s.peak_mib:.0f} MiB ({verdict} <= "
                   f"{PEAK_GOAL_MIB} MiB), {s.wall:.1f} s wall")  # fmt: skip
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="driftbot audit vs git grep on generated monorepos")
    parser.add_argument("--profile", choices=[*PROFILES, "both"], default="both")
    parser.add_argument("--files", type=int, help="files per repository (default: 20000 synthetic, 6000 realistic)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--init-budget", type=float, default=120.0, help="init's --budget, seconds (default: 120)")
    parser.add_argument("--peak-only", action="store_true", help="only peak memory: cold, cold with a cache, warm")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="driftbot-bench-pycache-") as pycache:
        # As installed (pip compiles driftbot's modules on install; so does the image's build), not
        # as a source checkout run with PYTHONDONTWRITEBYTECODE=1, which compiles ~20k lines of
        # driftbot on every start. The unmeasured first run of each row writes the bytecode here.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = pycache
        if args.peak_only:
            verdicts = peak_only(args.files or 100_000, args.seed)
        else:
            verdicts = []
            for profile in PROFILES if args.profile == "both" else (args.profile,):
                verdicts += bench_profile(profile, args.files or DEFAULT_FILES[profile], args)
    print("\n".join(verdicts))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: a busy machine slows wall times, not CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
