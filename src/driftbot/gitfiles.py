"""What git says about a work tree, asked once per run: which files it sees, and which of them are clean.

The listing (`read`) is what `git ls-files -z -s -v -m -o --exclude-standard` prints: every
untracked file that no `.gitignore` excludes (tag `?`), then every index entry (tag, mode, blob id,
stage, path), each followed by its record again when its work tree differs from it (tag `C`:
modified or deleted; git compares the stat data it keeps, and the content when the stat data cannot
tell). Two git processes print it, byte for byte, side by side on two cores: `ls-files -o` (the
untracked files: a walk of the directories) and `ls-files -s -m` (the entries: an `lstat` a file).
The memo (`extract/memo.py`), the walk (`paths.walk`) and the per-file cache (`extract/scan.py`)
all read this one `Listing`.

A *clean* file is a plain entry (tag `H`: neither assume-unchanged nor skip-worktree, whose files git
does not look at; a regular file, mode 100644 or 100755; stage 0, so not unmerged) that git does not
list as modified. Git compared it with what it found at that path (an `lstat`, which follows
symlinked directories on the way, as opening the path does): a path that is a symlink, FIFO or
directory now, or missing, is modified, so a clean file was a regular file when git looked, and its
bytes are the blob's, so the per-file cache (`extract/cache.py`) can answer for it without opening it.
What git does not tell: the file's size (`ls-files` prints none outside its unstable `--debug`
output, and the index keeps only 32 bits of it), whether this process may read it, and whether its
directory resolves inside the repository; `repofs.screen` checks those for every file. A file git
converts on checkout (`eol`, `filter` attributes) has other bytes than its blob: the cache stores
what is read under the blob id of the bytes read, so such a file misses under its index id and is
simply read every time. A repository with SHA-256 object names has no clean file here (the cache
keys contents by SHA-1 blob ids): every file of it is checked and read as outside git.

Git is run hardened (`run_git`, the only way driftbot lists files with git): no system config, no
fsmonitor hook, every filter driver the config defines emptied (a content comparison would run its
`clean` program), no inherited `GIT_*` variables, no optional index write, so nothing the repository
controls runs. Finding the filter drivers is one `git config` before the entries are listed; the
untracked files are listed meanwhile, without it: that walk reads no file's content, so no filter
can run (the fsmonitor is off there too).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

GIT_TIMEOUT_S = 60
FILTER_KEYS = ("clean", "smudge", "process")
NO_FSMONITOR = ("core.fsmonitor", "false")  # a configured fsmonitor is a program git would run
_PLAIN = re.compile("H 100(?:644|755) [^\t]{40} 0\t")  # a plain entry with a SHA-1 id (module docstring)
_PATH_AT = 52  # where its path starts
CHANGED_TAGS = (b"C ", b"? ")  # of modified (or deleted) and of untracked files
FILTER_QUERY = ("config", "-z", "--name-only", "--get-regexp", r"^filter\.")  # what `filter_drivers` reads


ENTRIES = ("ls-files", "-z", "-s", "-v", "-m", "--", ".")  # may compare content: needs the emptied filters
UNTRACKED = ("ls-files", "-z", "-v", "-o", "--exclude-standard", "--", ".")  # reads no content


def run_git(repo: Path, *args: str) -> subprocess.Popen[bytes]:
    """`git ARGS` in `repo`, hardened (module docstring); its standard output is a pipe."""
    env = _unfiltered_env()
    env |= config_env([NO_FSMONITOR, *filter_overrides(_filter_drivers(repo, env))])
    return _popen(repo, env, args)


def _unfiltered_env() -> dict[str, str]:
    """The hardened environment but for the filter drivers: what `git config` and `UNTRACKED` run with."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    return env | config_env([NO_FSMONITOR])


def _popen(repo: Path, env: dict[str, str], args: Iterable[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(["git", *args], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def config_env(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """`GIT_CONFIG_COUNT`, `GIT_CONFIG_KEY_<n>`, `GIT_CONFIG_VALUE_<n>` setting each (key, value) in order.

    Git reads them as it reads `-c KEY=VALUE` (command scope: they outrank every config file, and an
    empty value clears a list such as `credential.helper`), but a key may hold `=` (`-c` splits at
    the first one) and nothing lands on a command line, where any user's `ps` can read it. The one
    way driftbot passes config to git: the listing's overrides and the bot's, its token header too.
    """
    env: dict[str, str] = {}
    for i, (key, value) in enumerate(pairs):
        env |= {f"GIT_CONFIG_KEY_{i}": key, f"GIT_CONFIG_VALUE_{i}": value}
    return {"GIT_CONFIG_COUNT": str(len(env) // 2), **env}


def _filter_drivers(repo: Path, env: dict[str, str]) -> list[str]:
    """The filter drivers the config defines: `ls-files -m` compares a file's content with its blob
    when the stat data cannot tell, and would run the driver's `clean` program."""
    cmd = ["git", *FILTER_QUERY]
    try:
        done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, timeout=GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.SubprocessError):
        return []  # then the listing fails the same way
    return filter_drivers(os.fsdecode(done.stdout).split("\0")) if done.returncode == 0 else []  # 1: none


def filter_drivers(config_names: Iterable[str]) -> list[str]:
    """The filter drivers named by the lines `git FILTER_QUERY` writes."""
    return sorted({n.split(".", 1)[1].rsplit(".", 1)[0] for n in config_names if n.count(".") >= 2})


def filter_overrides(drivers: Iterable[str]) -> list[tuple[str, str]]:
    """Config keys and values that leave each of `drivers` no program to run and nothing required."""
    return [(f"filter.{d}.{key}", "") for d in drivers for key in FILTER_KEYS] + [
        (f"filter.{d}.required", "false") for d in drivers
    ]


class Listing:
    """What git said about a work tree (`read`); `raw` is None outside a git work tree or on trouble."""

    def __init__(self, raw: bytes | None) -> None:
        self.raw = raw

    @functools.cached_property
    def changed(self) -> frozenset[bytes]:
        """The modified, deleted and untracked-not-ignored files, named as git wrote them (for the memo:
        a hit reads no more of the listing than this)."""
        if self.raw is None:
            return frozenset()
        return frozenset(changed_name(r) for r in self.raw.split(b"\0") if r[:2] in CHANGED_TAGS)

    @functools.cached_property
    def clean(self) -> dict[str, str]:
        """Repo-relative POSIX path -> blob id (SHA-1 hex) of each clean file (module docstring)."""
        return dict(zip(self.clean_paths, self._blobs(), strict=True))

    @property
    def clean_paths(self) -> tuple[str, ...]:
        """The clean files in git's order: `clean` without the blob ids, which only the cache needs.

        The ids are read in a pass of their own (`_blobs`): a run without the cache makes none, and one with
        it keeps the paths it holds to the end together in memory, not between ids it drops earlier."""
        return self._parsed[0]

    @property
    def unsure(self) -> tuple[str, ...]:
        """Every other path git lists (modified, deleted, untracked, symlinks, submodules, unmerged,
        assume-unchanged, skip-worktree): whether it is a file there, git did not say."""
        return self._parsed[1]

    @functools.cached_property
    def _parsed(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        plain: list[str] = []
        others: dict[str, None] = {}  # ordered and unique: an unmerged path has an entry per stage
        for record in self._records():
            if _PLAIN.match(record):
                plain.append(record[_PATH_AT:])
            elif record[:2] == "? ":
                others[record[2:]] = None
            elif record:  # not after the last NUL
                others[record.partition("\t")[2]] = None
        if others:  # a modified file has its entry and a `C` record
            plain = [name for name in plain if name not in others]
        return tuple(plain), tuple(others)

    def _blobs(self) -> list[str]:
        """The blob id of each clean file, in the order of `clean_paths`."""
        others = set(self.unsure)
        return [r[9:49] for r in filter(_PLAIN.match, self._records()) if not (others and r[_PATH_AT:] in others)]

    def _records(self) -> list[str]:
        if self.raw is None:
            return []
        encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # as os.fsdecode, at once
        return self.raw.decode(encoding, errors).split("\0")


def changed_name(record: bytes) -> bytes:
    """The path of a record of a modified (`C ...<TAB>path`) or untracked (`? path`) file."""
    return record[2:] if record[:1] == b"?" else record.partition(b"\t")[2]


def read(repo: Path) -> Listing:
    """The `Listing` of `repo` (module docstring); `raw` None outside git or on trouble.

    The untracked files' walk starts first and runs while `run_git` finds the filter drivers and lists
    the entries (its output waits in its pipe): what one `ls-files -s -m -o` prints, in less time."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(_popen(repo, _unfiltered_env(), UNTRACKED))
        procs.append(run_git(repo, *ENTRIES))
    except OSError:
        return _stopped(procs)
    deadline = time.monotonic() + GIT_TIMEOUT_S
    outs: list[bytes] = []
    for proc in reversed(procs):  # the entries first: theirs is the long output, that would fill its pipe and wait
        try:
            out, _ = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.SubprocessError:
            return _stopped(procs)
        if proc.returncode != 0:
            return _stopped(procs)
        outs.insert(0, out)
    return Listing(b"".join(outs))


def _stopped(procs: Iterable[subprocess.Popen[bytes]]) -> Listing:
    """Kill and reap `procs` (those still running): the listing failed."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    return Listing(None)
