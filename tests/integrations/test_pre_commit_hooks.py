"""driftbot's `.pre-commit-hooks.yaml`, run by the real `pre-commit` on a git copy of the example.

pre-commit installs driftbot into a virtualenv of its own from a git repository: these tests make
one from this working tree (pyproject.toml, src/, README.md, the hooks file), so they test the
files as they are now, committed or not. Installing takes ~12 s with a warm pip cache. `try-repo`
installs afresh every time, so it runs once; the other cases use `pre-commit run` with a config
file, as a user's repository would, and share one PRE_COMMIT_HOME (one install per xdist worker).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from driftbot.cli import main
from integrations.conftest import EXAMPLE, GENERATED_BINDING, ROOT

pytestmark = pytest.mark.slow

GIT = ("git", "-c", "user.name=driftbot tests", "-c", "user.email=tests@driftbot.invalid", "-c", "commit.gpgsign=false")
CONFIG = "shared/config/orchestration_config.py"


def git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


def git_repo_of(tree: Path) -> Path:
    git(tree, "init", "-q", "-b", "main")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "initial")
    return tree


def head(repo: Path) -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="session")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project as pre-commit sees it: a git repository holding the hooks file and the package."""
    repo = tmp_path_factory.mktemp("driftbot-hooks")
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    shutil.copytree(ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    return git_repo_of(repo)


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    return git_repo_of(repo)


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args], cwd=repo, env=env, capture_output=True, text=True, check=False
    )


def use_hooks(repo: Path, hooks_repo: Path, *hook_ids: str) -> None:
    hooks = "".join(f"      - id: {h}\n" for h in hook_ids)
    config = f"repos:\n  - repo: {hooks_repo}\n    rev: {head(hooks_repo)}\n    hooks:\n{hooks}"
    (repo / ".pre-commit-config.yaml").write_text(config)


def hook_output(stdout: str) -> list[str]:
    """The lines from the first hook's status line on (pre-commit's [INFO] and banner lines dropped)."""
    lines = [re.sub(r"\.{3,}", "...", line) for line in stdout.splitlines()]  # dots pad to the terminal
    start = next(i for i, line in enumerate(lines) if line.startswith("driftbot "))
    return lines[start:]


def test_try_repo_audit_reports_drift_in_the_given_files(user_repo: Path, hooks_repo: Path, tmp_path: Path) -> None:
    done = pre_commit(user_repo, tmp_path / "home", "try-repo", str(hooks_repo), "driftbot-audit", "--files", CONFIG)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = hook_output(done.stdout)
    assert lines[:9] == [
        "driftbot audit (changed files)...Failed",
        "- hook id: driftbot-audit",
        "- exit code: 1",
        "",
        "high  unknown-name  'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?",
        "  fix: 'br_roster' -> 'br_rosters_current'",
        "  certain: 9 copies of PhaseTransitionConfig.phase2_expected_processors; size 6 = SSOT phase 2 (6);"
        " its name phase2_expected_processors says 'expected'; the only unknown name, and 'br_rosters_current'"
        " the only missing one; 'br_roster' is a prefix of 'br_rosters_current'",
        f"  {CONFIG}:32:9",
        "",
    ]
    # The whole repository was read (its file count changes as the example grows), one file reported.
    assert re.fullmatch(r"1 finding \(1 high\) in 1 file; \d+ files scanned, \d+ bindings", lines[9])
    assert lines[10:] == [
        "",
        "Next steps",
        "  - 1 finding can be fixed automatically: run `driftbot fix` (`driftbot fix --dry-run` shows the diff first).",
        "",
    ]


def test_audit_passes_when_the_changed_files_hold_no_drift(
    user_repo: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    use_hooks(user_repo, hooks_repo, "driftbot-validate", "driftbot-audit")
    done = pre_commit(user_repo, pre_commit_home, "run", "--files", "monitoring/data_freshness.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert hook_output(done.stdout) == [
        "driftbot validate (SSOT schema)...(no files to check)Skipped",
        "driftbot audit (changed files)...Passed",
    ]


def test_commit_runs_the_hooks_on_staged_files(user_repo: Path, hooks_repo: Path, pre_commit_home: Path) -> None:
    use_hooks(user_repo, hooks_repo, "driftbot-validate", "driftbot-audit")
    assert pre_commit(user_repo, pre_commit_home, "install").returncode == 0
    initial = head(user_repo)
    ssot = user_repo / "ssot/processors/phase2_raw_processors.yaml"
    ssot.write_text(ssot.read_text().replace("  expected_count: 6", "  expected_count: 7"))
    git(user_repo, "add", ssot.relative_to(user_repo).as_posix())
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "PRE_COMMIT_COLOR": "never"}
    done = subprocess.run(
        [*GIT, "commit", "-m", "expect 7"], cwd=user_repo, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    # git shows a hook's output on stderr; the commit did not happen.
    assert hook_output(done.stderr) == [
        "driftbot validate (SSOT schema)...Failed",
        "- hook id: driftbot-validate",
        "- exit code: 1",
        "",
        "ssot/processors/phase2_raw_processors.yaml:51:19: expected_count is 7 but 6 processors are listed",
        "1 problem(s) in ssot",
        "",
        "driftbot audit (changed files)...Failed",
        "- hook id: driftbot-audit",
        "- exit code: 2",
        "",
        "driftbot: invalid SSOT: ssot/processors/phase2_raw_processors.yaml:51:19: expected_count is 7 but 6 processors"
        " are listed",
        "",
    ]
    assert head(user_repo) == initial


def test_generate_check_catches_a_hand_edit_of_a_generated_list(
    user_repo: Path, hooks_repo: Path, pre_commit_home: Path
) -> None:
    with (user_repo / ".driftbot.yml").open("a") as config:
        config.write(GENERATED_BINDING)
    assert main(["generate", str(user_repo)]) == 1  # 1: files changed
    git(user_repo, "commit", "-q", "-am", "generate the phase 3 list")
    use_hooks(user_repo, hooks_repo, "driftbot-generate-check")
    target = user_repo / CONFIG
    target.write_text(target.read_text().replace("'player_game_summary',", "'player_game_summary_v2',"))
    done = pre_commit(user_repo, pre_commit_home, "run", "--files", CONFIG)
    assert done.returncode == 1
    assert hook_output(done.stdout) == [
        "driftbot generate --check (no hand edits in generated regions)...Failed",
        "- hook id: driftbot-generate-check",
        "- exit code: 1",
        "",
        f"--- a/{CONFIG}",
        f"+++ b/{CONFIG}",
        "@@ -35,7 +35,7 @@",
        "     # Phase 3 -> Phase 4: analytics processors writing to nba_analytics",
        "     phase3_expected_processors: List[str] = field(default_factory=lambda: [",
        "         # driftbot: generated from ssot/processors/phase3_analytics_processors.yaml — edit the SSOT, then run"
        " driftbot generate",
        "-        'player_game_summary_v2',",
        "+        'player_game_summary',",
        "         'team_defense_game_summary',",
        "         'team_offense_game_summary',",
        "         'upcoming_player_game_context',",
        "driftbot: generated lists differ from the SSOT in 1 file(s) (hand edit or stale SSOT)",
        "",
    ]
