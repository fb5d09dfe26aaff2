"""What the filesystem-safety tests share: a small hostile repository and a time-limited driftbot run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT_SSOT = ROOT / "ssot"
LIMIT = 60  # seconds: every case finishes in a few; a hang or a runaway parse fails the test
SECRET = "TOKEN-3f9a1c-do-not-publish"


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def findings(self) -> list[tuple[str, str, str]]:
        return [(f["rule"], f"{f['path']}:{f['line']}", f["message"]) for f in json.loads(self.out)["findings"]]


def driftbot(*args: str, timeout: float = LIMIT, env: dict[str, str] | None = None, unprivileged: bool = False) -> Run:
    """`python -m driftbot ARGS` in a child process, killed after `timeout` seconds (the test fails).

    `unprivileged`: when running as root, without the capabilities that let root read any file.
    """
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    full_env.pop("DRIFTBOT_DEBUG", None)
    prefix: list[str] = []
    if unprivileged and os.getuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: every file is readable")
        prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    proc = subprocess.run(
        [*prefix, sys.executable, "-m", "driftbot", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def audit(repo: Path, *extra: str, **kwargs: Any) -> Run:
    return driftbot("audit", str(repo), "--format", "json", *extra, **kwargs)


def make_repo(base: Path, config: str | None = None) -> Path:
    """A repository with the project's SSOT (and `config` as .driftbot.yml); a secret file lies next to it."""
    repo = base / "repo"
    shutil.copytree(PROJECT_SSOT, repo / "ssot")
    if config is not None:
        (repo / ".driftbot.yml").write_text(config)
    (base / "secret.txt").write_text(
        f"[http]\n\textraheader = AUTHORIZATION: basic {SECRET}\nnba_raw.bdl_player_boxscores nba_raw.nbac_schedule\n"
    )
    return repo
