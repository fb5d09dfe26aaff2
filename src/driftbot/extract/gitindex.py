"""Which files of a git work tree are exactly as committed to the index, and their blob ids, without reading them.

`git ls-files -s -v` lists every index entry (tag, mode, blob id, stage, path) and `git ls-files -m`
the tracked files whose work-tree content differs from it (git compares the stat data it keeps, and
the content when the stat data cannot tell). A file of neither list is clean: its bytes are the blob's,
so its blob id names its content and the per-file cache (`extract/cache.py`) can answer for it
without opening it. Only plain entries count: a regular file (mode 100644 or 100755) at stage 0,
tagged `H`; an entry marked assume-unchanged or skip-worktree (git does not look at the file then),
a symlink, a submodule or an unmerged path is left to be read. A file git converts on checkout
(`eol`, `filter` attributes) has other bytes than its blob: the cache stores what is read under the
blob id of the bytes read, so such a file misses under its index id and is simply read every time.

Git is run hardened (`run_git`): no system config, no fsmonitor hook, no inherited `GIT_*`
variables, no optional index write, so nothing the repository controls runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

GIT_TIMEOUT_S = 60
_REGULAR = ("100644", "100755")


def run_git(repo: Path, *args: str) -> subprocess.Popen[bytes]:
    """Hardened as `paths.git_files`: no system config, no fsmonitor hook, no inherited GIT_DIR; no index write."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    cmd = ["git", "-c", "core.fsmonitor=false", *args]
    return subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


class Index(NamedTuple):
    """What git said about a work tree, once per run: the memo (`extract.memo`) reads it, the scan reuses it."""

    listed: bytes  # `git ls-files -s -v -z`: every index entry
    changed: bytes  # `git ls-files -z -m -o --exclude-standard`: modified, deleted, untracked-not-ignored


def read_index(repo: Path) -> Index | None:
    """The `Index` of `repo`; None outside git or on trouble."""
    return _listing(repo, "-o", "--exclude-standard")


def _listing(repo: Path, *others: str) -> Index | None:
    try:
        index = run_git(repo, "ls-files", "-s", "-v", "-z", "--", ".")
        dirty = run_git(repo, "ls-files", "-z", "-m", *others, "--", ".")
        listed, _ = index.communicate(timeout=GIT_TIMEOUT_S)
        changed, _ = dirty.communicate(timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return None
    if index.returncode != 0 or dirty.returncode != 0:
        return None
    return Index(listed, changed)


def clean_blobs(repo: Path, index: Index | None = None) -> dict[str, str]:
    """Repo-relative POSIX path -> blob id (SHA-1 hex) of each clean file below `repo`; {} outside git.

    `index`: what git said about `repo` earlier in this run (`read_index`), so git is not run again;
    None: ask git now (the modified files only: an untracked file is in no index entry anyway).
    A repository with SHA-256 object names gives {} too: the cache keys contents by SHA-1 blob ids.
    """
    if index is None:
        index = _listing(repo)
        if index is None:
            return {}
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # as os.fsdecode, at once
    changed = set(index.changed.decode(encoding, errors).split("\0"))
    blobs: dict[str, str] = {}
    for record in index.listed.decode(encoding, errors).split("\0"):  # "H 100644 <40 hex> 0\t<path>"
        if record[:2] == "H " and record[2:8] in _REGULAR and record[49:52] == " 0\t" and record[8:9] == " ":
            name = record[52:]  # an unmerged path has no stage 0
            if name not in changed:
                blobs[name] = record[9:49]
    return blobs
