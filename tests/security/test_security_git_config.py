"""How driftbot hands git its settings: `GIT_CONFIG_*` variables from one builder (`gitfiles.config_env`),
never `-c` on a command line, where any user's `ps` reads them; so the bot's token, which travels as
one of those settings, never appears in a git process's arguments, nor in an error message.

A recording `git` first on PATH (`recorded_git`, the `argv_log` fixture) logs the arguments of every
git process driftbot starts, then runs the real one. The remote is a real smart-HTTP server on
127.0.0.1 that demands the token.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from githttp import GitHttpServer, basic
from pydantic import SecretStr

from driftbot import gitfiles
from driftbot.github.gitrepo import Git, GitError
from recorded_git import argvs, listings

TOKEN = "ghs_tidy0123456789abcdefSECRET"
ENCODED = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()


def git(cwd: Path, *args: str) -> str:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    return subprocess.run(["git", *who, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


@pytest.fixture
def served(tmp_path: Path, argv_log: Path) -> Iterator[tuple[GitHttpServer, Path]]:
    """A checkout whose origin is the token-guarded HTTP server; the log starts empty."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "a.txt").write_text("a\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "seed")
    root = tmp_path / "served"
    root.mkdir()
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(root / "remote.git"))
    git(tmp_path, "clone", "-q", str(root / "remote.git"), str(tmp_path / "workspace"))
    server = GitHttpServer(root, TOKEN)
    git(tmp_path / "workspace", "remote", "set-url", "origin", f"{server.url}/remote.git")
    argv_log.write_text("")
    yield server, tmp_path / "workspace"
    server.stop()


def test_the_bots_git_gets_its_settings_and_token_only_in_its_environment(
    served: tuple[GitHttpServer, Path], argv_log: Path
) -> None:
    server, workspace = served
    bot = Git(workspace, token=SecretStr(TOKEN), server=server.url)
    sha = bot.fetch("main")
    with bot.worktree(sha) as tree:
        (tree / "a.txt").write_text("fixed\n")
        new = bot.commit_all(tree, "fix")
    assert new is not None
    assert bot.push(new, "driftbot/fix", expect=None, force=True)
    assert bot.remote_branch("driftbot/fix") == new
    with pytest.raises(GitError) as failed:
        bot.fetch("refs/heads/no-such-branch")

    assert server.seen  # the token did reach the remote, once a request
    assert all(auth == [basic(TOKEN)] for auth in server.seen)
    ran = argvs(argv_log)
    assert {"fetch", "push", "ls-remote", "commit", "worktree"} <= {a for argv in ran for a in argv}
    assert [argv for argv in ran if "-c" in argv] == []  # every setting went through GIT_CONFIG_*
    assert [argv for argv in ran if any(TOKEN in a or ENCODED in a for a in argv)] == []
    message = f"{failed.value} {failed.value.output}"
    assert TOKEN not in message
    assert ENCODED not in message


def test_the_listing_passes_its_overrides_in_the_environment_too(tmp_path: Path, argv_log: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "filter.evil.clean", "false")
    (repo / "a.py").write_text("X = 1\n")
    argv_log.write_text("")
    assert gitfiles.read(repo).raw is not None
    ran = argvs(argv_log)
    assert listings(argv_log) == 1
    assert [argv for argv in ran if "-c" in argv] == []


def test_config_env_numbers_each_setting_in_order() -> None:
    pairs = [("filter.a=b.clean", ""), ("http.https://x/.extraheader", "AUTHORIZATION: x=y")]
    assert gitfiles.config_env(pairs) == {
        "GIT_CONFIG_COUNT": "2",
        "GIT_CONFIG_KEY_0": "filter.a=b.clean",
        "GIT_CONFIG_VALUE_0": "",
        "GIT_CONFIG_KEY_1": "http.https://x/.extraheader",
        "GIT_CONFIG_VALUE_1": "AUTHORIZATION: x=y",
    }
    assert gitfiles.config_env([]) == {"GIT_CONFIG_COUNT": "0"}
