"""Git plumbing for the bot: throwaway worktrees, bot commits, and pushes that never clobber.

The bot never edits the job's checkout: it audits and fixes in a detached worktree and pushes
from there. Every command runs with `SAFE_CONFIG` in `GIT_CONFIG_*` variables (`gitfiles.config_env`:
command scope, which outranks every config file; nothing on a command line) and without system or
global config, so nothing in the repository or its `.git/` makes git
run a program: no hook (`post-checkout` on `worktree add`, `post-commit`, `pre-push`, ...), no
fsmonitor, no filter, diff driver, credential helper, askpass, signing program or `ext::` remote.
The token reaches git only in the environment of the commands that talk to the remote, as an
`http.<remote>.extraheader` in the same `GIT_CONFIG_*` variables: never on a command line, never in a
file (`.git/config` included), never in an error message. That header replaces one `actions/checkout`
may have left (same URL, so GitHub never sees two); without a token, such a left-over header is what
authenticates.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import SecretStr

from driftbot.errors import DriftbotError
from driftbot.gitfiles import FILTER_QUERY, NO_FSMONITOR, config_env, filter_drivers, filter_overrides

BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
TRAILER = "Generated-by: driftbot"
Config = list[tuple[str, str]]  # (key, value) pairs, in order (`gitfiles.config_env`)
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("safe.directory", "*"),  # a container's user rarely owns the mounted workspace
    ("core.hooksPath", "/dev/null"),  # no hook at all, whatever .git/hooks or core.hooksPath hold
    NO_FSMONITOR,  # a configured fsmonitor is a program `status` would run
    ("core.attributesFile", "/dev/null"),
    ("core.askPass", ""),
    ("credential.helper", ""),  # the empty value clears the helper list
    ("commit.gpgSign", "false"),  # signing runs gpg.program
    ("protocol.ext.allow", "never"),  # an `ext::` remote URL is a command line
)
ISOLATED_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_LITERAL_PATHSPECS": "1",
}
# Inherited variables that would point git elsewhere or inject config; identity is set per commit.
DROPPED_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_CONFIG", "GIT_ASKPASS")
DROPPED_ENV_PREFIXES = ("GIT_CONFIG_", "GIT_AUTHOR_", "GIT_COMMITTER_")
# A remote's `uploadpack`/`receivepack` is a program git runs for local and ssh remotes; for these
# keys the FIRST value wins, so config cannot override the repository's: the options can.
UPLOAD_PACK = "--upload-pack=git-upload-pack"
RECEIVE_PACK = "--receive-pack=git-receive-pack"


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
    def __init__(
        self, repo: Path, remote: str = "origin", token: SecretStr | None = None, server: str | None = None
    ) -> None:
        """`server`: the GitHub server's URL; the token goes only to a remote on its host."""
        self.repo = repo
        self.remote = remote
        self._token = token or SecretStr("")
        self._server_host = urlsplit(server).hostname if server else None
        self._lockdown: Config | None = None

    def __repr__(self) -> str:
        return f"Git({self.repo!r}, {self.remote!r})"

    def run(self, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
        return self._run(list(args), cwd=cwd, env=env)

    def _run(
        self,
        args: list[str],
        *,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        config: Sequence[tuple[str, str]] = (),
    ) -> str:
        """`git ARGS` with the lockdown, then `config`, in its environment (`gitfiles.config_env`)."""
        done = subprocess.run(
            ["git", "--no-pager", *args],
            cwd=cwd or self.repo,
            capture_output=True,
            text=True,
            env={**base_env(), **(env or {}), **config_env([*self._config(), *config])},
            check=False,
        )
        if done.returncode != 0:
            raise GitError(args, f"{done.stdout}\n{done.stderr}")
        return done.stdout.strip()

    def _config(self) -> Config:
        """SAFE_CONFIG, plus what neutralises the remote's programs and every filter the repository defines."""
        if self._lockdown is None:
            fixed = list(SAFE_CONFIG)
            if not {"GIT_SSH", "GIT_SSH_COMMAND"} & set(os.environ):
                fixed.append(("core.sshCommand", "ssh"))
            self._lockdown = fixed  # the lookup below already runs locked down
            self._lockdown = fixed + filter_overrides(self._filter_drivers())
        return self._lockdown

    def _filter_drivers(self) -> list[str]:
        """Filter drivers defined in the repository's config (system and global config are off)."""
        try:
            names = self._run(list(FILTER_QUERY))
        except GitError:
            return []  # none defined (exit 1)
        return filter_drivers(names.split("\0"))

    def _remote_config(self) -> Config:
        """The token as an extra HTTP header for the remote's URL (it goes to the environment only)."""
        token = self._token.get_secret_value()
        if not token:
            return []
        url = self.run("remote", "get-url", self.remote)
        if not url.startswith(("https://", "http://")):
            return []
        if self._server_host is not None and urlsplit(url).hostname != self._server_host:
            return []  # a remote elsewhere (a tampered .git/config?) never sees the token
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        key = f"http.{url}.extraheader"
        return [(key, ""), (key, f"AUTHORIZATION: basic {basic}")]  # "" first clears the config files' header

    def remote_run(self, *args: str) -> str:
        """A command that talks to the remote (fetch, ls-remote, push): the only ones given the token."""
        return self._run(list(args), config=self._remote_config())

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def fetch(self, ref: str) -> str:
        """Fetch `ref` (a branch, `refs/pull/N/head`, a sha) from the remote and return its commit."""
        depth = ["--depth=2"] if self.is_shallow() else []  # a shallow checkout must not pull all history
        self.remote_run("fetch", "--quiet", "--no-tags", UPLOAD_PACK, *depth, self.remote, ref)
        return self.run("rev-parse", "FETCH_HEAD^{commit}")

    def remote_branch(self, branch: str) -> str | None:
        out = self.remote_run("ls-remote", UPLOAD_PACK, "--heads", self.remote, f"refs/heads/{branch}")
        return out.split()[0] if out else None

    def remote_default_branch(self) -> str:
        out = self.remote_run("ls-remote", UPLOAD_PACK, "--symref", self.remote, "HEAD")
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
        self.run("commit", "--quiet", "--no-verify", "-m", f"{message}\n\n{TRAILER}", cwd=tree, env=identity)
        return self.run("rev-parse", "HEAD", cwd=tree)

    def push(self, sha: str, branch: str, *, expect: str | None, force: bool) -> bool:
        """Push `sha` to `branch`. With `force`, only while the branch is still at `expect` (None: absent).

        Returns False when the push was refused and the branch is no longer at `expect`: someone
        (another run, a person) moved it meanwhile. Other failures raise.
        """
        target = f"{sha}:refs/heads/{branch}"
        lease = [f"--force-with-lease=refs/heads/{branch}:{expect or ''}"] if force else []
        try:
            self.remote_run("push", "--quiet", "--porcelain", RECEIVE_PACK, *lease, self.remote, target)
        except GitError:
            if self.remote_branch(branch) != expect:
                return False
            raise
        return True

    def delete_branch(self, branch: str, *, expect: str) -> bool:
        """Delete `branch` while it is still at `expect`; False when it moved meanwhile."""
        lease = f"--force-with-lease=refs/heads/{branch}:{expect}"
        try:
            self.remote_run("push", "--quiet", "--porcelain", RECEIVE_PACK, lease, self.remote, f":refs/heads/{branch}")
        except GitError:
            if self.remote_branch(branch) != expect:
                return False
            raise
        return True

    def has_commit(self, sha: str) -> bool:
        try:
            self.run("cat-file", "-e", f"{sha}^{{commit}}")
        except GitError:
            return False
        return True

    def blob(self, sha: str, path: str) -> str | None:
        """The object `path` names in commit `sha`, or None when it has no such file."""
        out = self.run("ls-tree", "-z", sha, "--", path)
        entry = out.split("\0", 1)[0]
        if not entry:
            return None
        _mode, kind, oid = entry.split("\t", 1)[0].split()
        return oid if kind == "blob" else None

    def put_file(self, tree: Path, sha: str, path: str) -> None:
        """Make `path` in worktree `tree` (and its index) what it is in `sha`: that file, or absent.

        git writes it, and git never follows a symlink the tree holds on the way.
        """
        if self.blob(sha, path) is None:
            self.run("rm", "--quiet", "-f", "--ignore-unmatch", "--", path, cwd=tree)
        else:
            self.run("checkout", "--quiet", sha, "--", path, cwd=tree)

    def changed_files(self, base: str, head: str) -> list[str]:
        out = self.run("diff", "--no-ext-diff", "--no-textconv", "--name-only", base, head)
        return out.splitlines() if out else []

    def diff(self, base: str, head: str) -> str:
        return self.run("diff", "--no-ext-diff", "--no-textconv", base, head)


def base_env() -> dict[str, str]:
    """The job's environment without anything that points git elsewhere, and without config files."""
    kept = {k: v for k, v in os.environ.items() if k not in DROPPED_ENV and not k.startswith(DROPPED_ENV_PREFIXES)}
    return {**kept, **ISOLATED_ENV}
