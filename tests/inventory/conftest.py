"""Fixtures of the inventory tests: one bqemulator per test process (xdist worker), example copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from inventory_servers import Emulator, start_emulator

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "nba-props-platform"
PROJECT_SSOT = Path(__file__).resolve().parents[2] / "ssot"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    """A real BigQuery-protocol server on 127.0.0.1 (bqemulator), shared by the tests of one worker.

    Tests isolate themselves by project id: each loads its tables into a project of its own.
    """
    running = start_emulator(tmp_path_factory.mktemp("bqemulator-home"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A private copy of the example monorepo."""
    dest = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, dest)
    return dest


@pytest.fixture
def small_repo(tmp_path: Path) -> Path:
    """A repository with only the project's SSOT: audits of it take milliseconds."""
    dest = tmp_path / "repo"
    shutil.copytree(PROJECT_SSOT, dest / "ssot")
    return dest
