"""Every command that lists a repository's files does it through the one hardened listing (`gitfiles`,
via `paths.walk`), so nothing the repository's git config or hooks name runs from any of them.

The repository defines filter drivers for every file (one whose name holds `=`, which `git -c`
cannot empty), an fsmonitor hook and a `post-index-change` hook, each a program that leaves a mark.
Its files' stat data changes after the commit, so `git ls-files -m` compares their contents, which
runs a filter's `clean` program unless it is emptied.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from security_helpers import driftbot
from test_security_git_listing import committed, git

CONFIG = """\
bindings:
  - files: jobs.py
    symbol: EXPECTED
    ssot: phase2
    generated: true
"""
FILES = {
    ".driftbot.yml": CONFIG,
    "jobs.py": "EXPECTED = ['bdl_player_boxscores', 'nbac_schedule']\n",
    "schema/tables.sql": "CREATE TABLE nba_raw.bdl_player_boxscores (x INT64);\n",
    "deploy.sh": "gcloud pubsub topics create nba-phase1-scrapers-complete\n",
}
ENTRY_POINTS = {  # name -> (argv after the repository, exit code)
    "audit-ddl-inventory": (["audit", "--format", "json", "--no-cache", "--inventory", "ddl:schema/*.sql"], 1),
    "audit-repo-ddl": (["audit", "--format", "json", "--no-cache"], 1),
    "fix": (["fix", "--dry-run"], 1),
    "init": (["init"], 0),
    "generate": (["generate", "--check"], 1),
    "checklist": (["checklist"], 0),
}


def planted(tmp_path: Path) -> tuple[Path, Path]:
    """The repository above, and the folder its programs leave their marks in."""
    repo = committed(tmp_path, FILES)
    marks = tmp_path / "marks"
    marks.mkdir()
    program = tmp_path / "evil"
    program.write_text(f'#!/bin/sh\ntouch "{marks}/$1"\nexec cat\n')
    program.chmod(0o755)
    for driver in ("evil", "ev=il"):
        git(repo, "config", f"filter.{driver}.clean", f"{program} clean-{driver.replace('=', '-')}")
        git(repo, "config", f"filter.{driver}.process", f"{program} process-{driver.replace('=', '-')}")
        git(repo, "config", f"filter.{driver}.required", "true")
    git(repo, "config", "core.fsmonitor", f"{program} fsmonitor")
    hook = repo / ".git" / "hooks" / "post-index-change"
    hook.write_text(f'#!/bin/sh\ntouch "{marks}/post-index-change"\n')
    hook.chmod(0o755)
    (repo / ".git" / "info" / "attributes").write_text("*.py filter=ev=il\n* filter=evil\n")
    for rel in FILES:
        os.utime(repo / rel, (1, 1))  # other stat data, same size: git compares the content
    return repo, marks


def test_the_planted_programs_run_from_plain_git(tmp_path: Path) -> None:
    """The planted repository is armed: a plain `git ls-files -m` runs its fsmonitor and a filter (then fails)."""
    repo, marks = planted(tmp_path)
    subprocess.run(["git", "ls-files", "-m"], cwd=repo, capture_output=True, check=False)
    assert {"fsmonitor", "process-evil"} <= {p.name for p in marks.iterdir()}


@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_no_planted_program_runs(tmp_path: Path, name: str) -> None:
    repo, marks = planted(tmp_path)
    argv, code = ENTRY_POINTS[name]
    run = driftbot(argv[0], str(repo), *argv[1:])
    assert run.code == code, run.err
    assert "Traceback" not in run.err
    assert sorted(p.name for p in marks.iterdir()) == []
