"""Fixtures shared by every test area."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from example_helpers import EXAMPLE


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A private copy of the example monorepo."""
    dest = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, dest)
    return dest
