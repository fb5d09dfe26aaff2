"""The GitHub fixtures (prism mock, real git remotes, the Actions environment), importable by any test module.

tests/github/conftest.py imports them for this folder; a test module elsewhere (tests/security)
imports them itself, with this folder on `sys.path`.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from github_harness import (
    CONFIG,
    EXAMPLE,
    ActionRun,
    Remote,
    drifted_config,
    git,
)
from github_prism import missing_tools, start_prism
from github_recorder import RecordingProxy


@pytest.fixture(scope="session")
def github_mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingProxy]:
    why = missing_tools()
    if why is not None:
        pytest.fail(why)
    proxy = RecordingProxy()
    prism = start_prism(tmp_path_factory.mktemp("prism"), proxy.url)
    proxy.connect(prism.url)
    yield proxy
    proxy.stop()
    prism.stop()


@pytest.fixture
def api(github_mock: RecordingProxy) -> Iterator[RecordingProxy]:
    """The mock with fresh state; afterwards, no request may have broken GitHub's spec."""
    github_mock.reset()
    yield github_mock
    rejected = [(c.line, c.violations) for c in github_mock.calls if c.prism_status == 422]
    assert rejected == [], f"requests prism rejected as invalid: {rejected}"


@pytest.fixture
def remote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Remote:
    """`master` has one drift finding (a stale `br_roster` in config/orchestration_config.py)."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))  # no user config leaks in
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    seed = tmp_path / "seed"
    shutil.copytree(EXAMPLE / "ssot", seed / "ssot")
    (seed / "config").mkdir()
    (seed / CONFIG).write_text(drifted_config())
    git(tmp_path, "init", "--quiet", "-b", "master", str(seed))
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "seed")
    bare = tmp_path / "remote.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(seed), str(bare))
    workspace = tmp_path / "workspace"
    git(tmp_path, "clone", "--quiet", str(bare), str(workspace))
    scratch = tmp_path / "scratch"
    git(tmp_path, "clone", "--quiet", str(bare), str(scratch))
    return Remote(bare, workspace, scratch)


@pytest.fixture
def action(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remote: Remote, api: RecordingProxy) -> ActionRun:
    for key in ("GITHUB_TOKEN", "INPUT_GITHUB_TOKEN", "INPUT_MODE", "INPUT_DRY-RUN", "INPUT_FAIL-ON", "CI"):
        monkeypatch.delenv(key, raising=False)
    runs = tmp_path / "run"
    runs.mkdir()
    return ActionRun(runs, monkeypatch, remote, api)
