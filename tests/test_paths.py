"""paths.matches (one glob syntax for every config glob) and paths.walk (files as git sees them)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from driftbot import paths
from driftbot.cli import main

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["bdl_player_boxscores", "bigdataball_play_by_play", "odds_api_game_lines", "nbac_schedule"]
DRIFTED = "PHASE2 = [\n" + "".join(f"    '{n}',\n" for n in NAMES) + "]\n"  # misses two phase 2 processors


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("cloud_functions/x/main.py", "cloud_functions/*/main.py", True),
        ("cloud_functions/x/deep/main.py", "cloud_functions/*/main.py", False),  # `*` stays in one directory
        ("a/b.py", "a/**/b.py", True),  # `**` spans zero directories
        ("a/x/y/b.py", "a/**/b.py", True),
        ("x.py", "**/x.py", True),
        ("deep/down/x.py", "**/x.py", True),
        ("examples/a/b.sql", "examples/**", True),
        ("bin/operations/q.sql", "bin/operations/*.sql", True),
        ("bin/operations/old/q.sql", "bin/operations/*.sql", False),
        ("jobs/cfg.py", "*.py", True),  # no `/`: the file name at any depth, as in .gitignore
        ("src/config.py", "config.py", True),
        ("src/config.py", "src/*.yml", False),
        (".github/workflows/ci.yml", "**/*.yml", True),  # dot directories are not special
        ("deploy/app.yaml", "deploy/*.{yml,yaml}", True),
        ("svc/a.py", "svc/?.py", True),
        ("svc/ab.py", "svc/[ab].py", False),
    ],
)
def test_glob_syntax(path: str, pattern: str, expected: bool) -> None:
    assert paths.matches(path, pattern) is expected


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=repo, check=True, capture_output=True)


def drift_repo(tmp_path: Path, *, with_git: bool) -> Path:
    """A repo whose real file and whose gitignored `pip install .` leftover under build/ both drift."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    for rel in ("svc/config.py", "build/lib/svc/config.py"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(DRIFTED)
    (repo / ".gitignore").write_text("build/\n")
    (repo / "untracked.py").write_text("x = 1\n")
    if with_git:
        git(repo, "init", "-q")
        git(repo, "add", "ssot", "svc", ".gitignore")
    return repo


@pytest.mark.parametrize("with_git", [True, False], ids=["git", "no-git"])
def test_walk_lists_files_as_git_sees_them(tmp_path: Path, with_git: bool) -> None:
    repo = drift_repo(tmp_path, with_git=with_git)
    (repo / "svc" / "nested").mkdir()
    (repo / "svc" / "nested" / ".gitignore").write_text("*.py\n!keep.py\n")
    (repo / "svc" / "nested" / "drop.py").write_text("")
    (repo / "svc" / "nested" / "keep.py").write_text("")
    assert paths.walk(repo, [], (".py",)) == ["svc/config.py", "svc/nested/keep.py", "untracked.py"]


def test_walk_skips_index_entries_deleted_from_the_work_tree(tmp_path: Path) -> None:
    repo = drift_repo(tmp_path, with_git=True)
    (repo / "svc" / "config.py").unlink()
    assert paths.walk(repo, [], (".py",)) == ["untracked.py"]


@pytest.mark.parametrize("with_git", [True, False], ids=["git", "no-git"])
def test_gitignored_copy_is_neither_reported_nor_fixed(
    tmp_path: Path, with_git: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = drift_repo(tmp_path, with_git=with_git)
    assert main(["audit", str(repo), "--format", "json"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert sorted({f["path"] for f in findings}) == ["svc/config.py"]
    # Complete only by its name (PHASE2): inserting the missing names is `likely`, so opt in.
    assert main(["fix", str(repo), "--confidence", "likely"]) == 1  # files changed
    assert (repo / "svc" / "config.py").read_text() != DRIFTED
    assert (repo / "build" / "lib" / "svc" / "config.py").read_text() == DRIFTED
