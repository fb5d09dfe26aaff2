"""A recording `git` first on PATH (import as `recorded_git`; the `argv_log` fixture in conftest).

It logs the arguments of every git process a test's driftbot starts (NUL-separated, one process a
line), then runs the real git.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from driftbot import gitfiles

# The git processes of one listing (`gitfiles.read`): the filter query, the entries, the untracked files.
# Sorted: the untracked files' walk runs beside the other two, so the log holds them in any order.
ONE_LISTING = sorted([list(gitfiles.FILTER_QUERY), list(gitfiles.ENTRIES), list(gitfiles.UNTRACKED)])


def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put the recording `git` first on PATH; the log it appends to (empty until a git runs)."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "recorded-git"  # a name no test repository uses
    bin_dir.mkdir()
    log = tmp_path / "recorded-git.log"
    wrapper = bin_dir / "git"
    # One append a process (`cat` writes the line at once): git processes that run side by side (the listing's)
    # must not interleave their lines.
    line = f'"$(mktemp "{bin_dir}/line.XXXXXX")"'
    wrapper.write_text(
        f'#!/bin/sh\nline={line}\n{{ printf "%s\\0" "$@"; echo; }} > "$line"\ncat "$line" >> "{log}"\n'
        f'rm -f "$line"\nexec "{real}" "$@"\n'
    )
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "recorded-git.config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return log


def argvs(log: Path) -> list[list[str]]:
    """The arguments of each git process logged so far, in order."""
    if not log.exists():
        return []
    return [line.rstrip("\0").split("\0") for line in log.read_text().splitlines() if line]


def listings(log: Path) -> int:
    """How many listings the logged git processes make; AssertionError when they are not whole listings."""
    ran = sorted(argvs(log))
    count = len(ran) // len(ONE_LISTING)
    assert ran == sorted(ONE_LISTING * count), ran
    return count
