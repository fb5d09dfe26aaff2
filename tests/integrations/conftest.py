"""Fixtures for the integration tests: private copies of the example repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "nba-props-platform"
# Appended to the example's .driftbot.yml: `driftbot generate` owns the phase 3 list of the shared config.
GENERATED_BINDING = """
bindings:
  - files: "shared/config/orchestration_config.py"
    symbol: PhaseTransitionConfig.phase3_expected_processors
    ssot: phase3
    generated: true
"""


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example repository that a test may change."""
    repo = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    return repo


@pytest.fixture
def bare_example(example: Path) -> Path:
    """The example as it was before driftbot: no ssot/, no .driftbot.yml."""
    shutil.rmtree(example / "ssot")
    (example / ".driftbot.yml").unlink()
    return example
