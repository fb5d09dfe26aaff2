"""The path policy for files git lists: the one listing the walk, the memo and the cache share
(`gitfiles`) never lets a file past `repofs.screen` that the policy refuses.

Each repository is committed first and audited once with a cache, so a warm audit would answer a
file git calls clean from the cache; then the file or its directory is changed behind git's back.
Git calls a file clean after comparing its stat data, but that tells neither its size, nor whether
this process may read it, nor that its directory still lies inside the repository: the screen
checks those for every file, and a cold audit (`--no-cache`) reports the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from security_helpers import SECRET, Run, audit, make_repo

from driftbot import gitfiles

OUTSIDE = "resolves outside the repository (a symlink or '..')"
NAMES = "X = ['bdl_player_boxscores', 'nbac_schedule']\n"


def git(repo: Path, *args: str) -> None:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *who, *args], cwd=repo, check=True, capture_output=True)


def committed(tmp_path: Path, files: dict[str, str], *config: str) -> Path:
    repo = make_repo(tmp_path)
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "init", "-q")
    for setting in config:
        git(repo, "config", *setting.split("=", 1))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "corpus")
    return repo


def warm_and_cold(repo: Path, tmp_path: Path, **kwargs: bool) -> Run:
    """The warm audit's run, once it is known to report what a cold one reports."""
    (repo / "bump.txt").write_text("memo miss")  # untracked: the memo of the filling run misses
    warm = audit(repo, "--cache-dir", str(tmp_path / "cache"), **kwargs)
    cold = audit(repo, "--no-cache", **kwargs)
    assert (warm.code, warm.out) == (cold.code, cold.out), warm.err + cold.err
    assert SECRET not in warm.out + warm.err
    return warm


def filled(repo: Path, tmp_path: Path) -> None:
    run = audit(repo, "--cache-dir", str(tmp_path / "cache"))
    assert (run.code, run.findings()) == (0, []), run.err
    assert list((tmp_path / "cache").glob("extract-*.json"))


def clean(repo: Path) -> dict[str, str]:
    return gitfiles.read(repo).clean


def test_a_directory_moved_out_and_symlinked_back_is_refused_though_git_calls_its_files_clean(
    tmp_path: Path,
) -> None:
    repo = committed(tmp_path, {"pkg/mod.py": NAMES})
    filled(repo, tmp_path)
    shutil.move(repo / "pkg", tmp_path / "moved")  # same inodes and times: git's stat data still match
    (repo / "pkg").symlink_to(tmp_path / "moved")
    assert "pkg/mod.py" in clean(repo)
    run = warm_and_cold(repo, tmp_path)
    assert run.findings() == [("unparsable-file", "pkg/mod.py:1", f"skipped: {OUTSIDE}")]


def test_a_clean_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    repo = committed(tmp_path, {"big.py": NAMES + "#" * 5_000_001 + "\n"})
    assert "big.py" in clean(repo)
    run = warm_and_cold(repo, tmp_path)
    assert run.findings() == [("unparsable-file", "big.py:1", "skipped: is larger than 5000000 bytes")]


def test_a_clean_file_this_process_cannot_read_is_refused(tmp_path: Path) -> None:
    # With core.trustctime off, git does not see a chmod: the file stays clean.
    repo = committed(tmp_path, {"job.py": NAMES}, "core.trustctime=false")
    filled(repo, tmp_path)
    (repo / "job.py").chmod(0)
    assert "job.py" in clean(repo)
    run = warm_and_cold(repo, tmp_path, unprivileged=True)
    assert run.findings() == [("unparsable-file", "job.py:1", "skipped: cannot read: Permission denied")]


def test_a_tracked_file_replaced_by_a_symlink_out_is_refused(tmp_path: Path) -> None:
    repo = committed(tmp_path, {"leak.py": NAMES, "leak.sql": "SELECT 1\n"})
    filled(repo, tmp_path)
    for name in ("leak.py", "leak.sql"):
        (repo / name).unlink()
        (repo / name).symlink_to(tmp_path / "secret.txt")
    (repo / "new.sql").symlink_to(tmp_path / "secret.txt")  # untracked
    assert clean(repo).keys().isdisjoint({"leak.py", "leak.sql", "new.sql"})
    run = warm_and_cold(repo, tmp_path)
    assert run.findings() == [
        ("unparsable-file", f"{name}:1", f"skipped: {OUTSIDE}") for name in ("leak.py", "leak.sql", "new.sql")
    ]


def test_a_tracked_file_replaced_by_a_fifo_or_a_dangling_link_is_never_opened(tmp_path: Path) -> None:
    # Neither is a file: the walk leaves them out, as it leaves out a deleted file (git lists no FIFO).
    repo = committed(tmp_path, {"pipe.py": NAMES, "gone.py": NAMES, "loop.sql": "SELECT 1\n"})
    filled(repo, tmp_path)
    for name in ("pipe.py", "gone.py", "loop.sql"):
        (repo / name).unlink()
    os.mkfifo(repo / "pipe.py")  # opening it for reading would block forever
    (repo / "gone.py").symlink_to("missing-target")
    (repo / "loop.sql").symlink_to("loop.sql")
    os.mkfifo(repo / "untracked.py")
    assert clean(repo).keys().isdisjoint({"pipe.py", "gone.py", "loop.sql"})
    run = warm_and_cold(repo, tmp_path)
    assert run.code == 0, run.err
    assert run.findings() == []


def test_the_listing_runs_no_filter_driver_the_repository_config_defines(tmp_path: Path) -> None:
    # `ls-files -m` hashes a file whose stat data changed, through its filter: every driver is emptied.
    repo = committed(tmp_path, {"job.py": NAMES})
    marks = tmp_path / "marks"
    marks.mkdir()
    program = tmp_path / "evil-filter"
    program.write_text(f'#!/bin/sh\ntouch "{marks}/$1"\nexec cat\n')
    program.chmod(0o755)
    for driver in ("evil", "ev=il"):  # a name with `=` cannot be emptied with `git -c`
        git(repo, "config", f"filter.{driver}.clean", f"{program} {driver.replace('=', '-')}")
        git(repo, "config", f"filter.{driver}.process", f"{program} process")
    (repo / ".git" / "info" / "attributes").write_text("*.py filter=ev=il\n*.yaml filter=evil\n")
    os.utime(repo / "job.py", (1, 1))  # other stat data, same size: git compares the content
    filled(repo, tmp_path)
    os.utime(repo / "job.py")
    warm_and_cold(repo, tmp_path)
    assert sorted(p.name for p in marks.iterdir()) == []
