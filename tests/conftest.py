"""Fixtures shared by every test area."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import recorded_git
from example_helpers import EXAMPLE


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A private copy of the example monorepo."""
    dest = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.fixture
def argv_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `git` first on PATH that logs every git process's arguments (`recorded_git.argvs` reads the log)."""
    return recorded_git.install(tmp_path, monkeypatch)
