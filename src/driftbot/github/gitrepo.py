"""Git plumbing for the bot: throwaway worktrees, bot commits, and pushes that never clobber.

The bot never edits the job's checkout: it audits and fixes in a detached worktree and pushes
from there. Pushes reuse the credentials `actions/checkout` left in the repository, so the token
never appears on a command line. `safe.directory` is set per command because a container's user
rarely owns the mounted workspace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from driftbot.errors import DriftbotError

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
TRAILER = "Generated-by: driftbot"


class GitError(DriftbotError):
    def __init__(self, args: list[str], output: str) -> None:
        last = output.strip().splitlines()[-1] if output.strip() else "failed"
        super().__init__(f"git {' '.join(args[:2])}: {last}")
        self.output = output


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    committer_email: str
    author: str
    message: str

    @property
    def made_by_bot(self) -> bool:
        return self.committer_email == BOT_EMAIL and TRAILER in self.message and len(self.parents) == 1


class Git:
    def __init__(self, repo: Path, remote: str = "origin") -> None:
        self.repo = repo
        self.remote = remote

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        command = ["git", "-c", "safe.directory=*", *args]
        done = subprocess.run(
            command,
            cwd=cwd or self.repo,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise GitError(list(args), f"{done.stdout}\n{done.stderr}")
        return done.stdout.strip()

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def fetch(self, ref: str) -> str:
        """Fetch `ref` (a branch, `refs/pull/N/head`, a sha) from the remote and return its commit."""
        depth = ["--depth=2"] if self.is_shallow() else []  # a shallow checkout must not pull all history
        self.run("fetch", "--quiet", "--no-tags", *depth, self.remote, ref)
        return self.run("rev-parse", "FETCH_HEAD^{commit}")

    def remote_branch(self, branch: str) -> str | None:
        out = self.run("ls-remote", "--heads", self.remote, f"refs/heads/{branch}")
        return out.split()[0] if out else None

    def remote_default_branch(self) -> str:
        out = self.run("ls-remote", "--symref", self.remote, "HEAD")
        for line in out.splitlines():
            if line.startswith("ref: refs/heads/"):
                return line.split()[1].removeprefix("refs/heads/")
        raise DriftbotError(f"cannot tell the default branch of remote {self.remote!r}")

    def commit_info(self, sha: str) -> CommitInfo:
        out = self.run("show", "-s", "--format=%H%n%P%n%ce%n%an <%ae>%n%B", sha)
        sha_, parents, email, author, *message = out.split("\n")
        return CommitInfo(sha_, tuple(parents.split()), email, author, "\n".join(message))

    def tree_of(self, sha: str) -> str:
        return self.run("rev-parse", f"{sha}^{{tree}}")

    @contextmanager
    def worktree(self, sha: str) -> Iterator[Path]:
        """A detached worktree at `sha` in a temp dir, removed afterwards."""
        parent = Path(tempfile.mkdtemp(prefix="driftbot-"))
        path = parent / "tree"
        self.run("worktree", "add", "--quiet", "--detach", str(path), sha)
        try:
            yield path
        finally:
            with suppress(GitError):
                self.run("worktree", "remove", "--force", str(path))
            shutil.rmtree(parent, ignore_errors=True)

    def commit_all(self, tree: Path, message: str, *, date_from: str | None = None) -> str | None:
        """Commit every change in `tree` as the bot; None when nothing changed.

        With `date_from` (the base commit) the dates are that commit's, so the same fix of the same
        base is the same commit: two runs at once push identical objects and a re-run pushes nothing.
        """
        if not self.run("status", "--porcelain", cwd=tree):
            return None
        self.run("add", "--all", cwd=tree)
        identity = {"GIT_AUTHOR_NAME": BOT_NAME, "GIT_AUTHOR_EMAIL": BOT_EMAIL}
        identity |= {"GIT_COMMITTER_NAME": BOT_NAME, "GIT_COMMITTER_EMAIL": BOT_EMAIL}
        if date_from is not None:
            date = self.run("show", "-s", "--format=%cI", date_from)
            identity |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        env = {**_clean_env(), **identity}
        self.run("commit", "--quiet", "--no-verify", "-m", f"{message}\n\n{TRAILER}", cwd=tree, env=env)
        return self.run("rev-parse", "HEAD", cwd=tree)

    def push(self, sha: str, branch: str, *, expect: str | None, force: bool) -> bool:
        """Push `sha` to `branch`. With `force`, only while the branch is still at `expect` (None: absent).

        Returns False when the push was refused and the branch is no longer at `expect`: someone
        (another run, a person) moved it meanwhile. Other failures raise.
        """
        target = f"{sha}:refs/heads/{branch}"
        lease = [f"--force-with-lease=refs/heads/{branch}:{expect or ''}"] if force else []
        try:
            self.run("push", "--quiet", "--porcelain", *lease, self.remote, target)
        except GitError:
            if self.remote_branch(branch) != expect:
                return False
            raise
        return True

    def delete_branch(self, branch: str, *, expect: str) -> bool:
        """Delete `branch` while it is still at `expect`; False when it moved meanwhile."""
        lease = f"--force-with-lease=refs/heads/{branch}:{expect}"
        try:
            self.run("push", "--quiet", "--porcelain", lease, self.remote, f":refs/heads/{branch}")
        except GitError:
            if self.remote_branch(branch) != expect:
                return False
            raise
        return True

    def changed_files(self, base: str, head: str) -> list[str]:
        out = self.run("diff", "--name-only", base, head)
        return out.splitlines() if out else []

    def diff(self, base: str, head: str) -> str:
        return self.run("diff", base, head)


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_"))}
