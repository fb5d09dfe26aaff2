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

GIT_TIMEOUT_S = 60
_REGULAR = ("100644", "100755")


def run_git(repo: Path, *args: str) -> subprocess.Popen[bytes]:
    """Hardened as `paths.git_files`: no system config, no fsmonitor hook, no inherited GIT_DIR; no index write."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    cmd = ["git", "-c", "core.fsmonitor=false", *args]
    return subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def clean_blobs(repo: Path) -> dict[str, str]:
    """Repo-relative POSIX path -> blob id (SHA-1 hex) of each clean file below `repo`; {} outside git.

    A repository with SHA-256 object names gives {} too: the cache keys contents by SHA-1 blob ids.
    """
    try:
        index = run_git(repo, "ls-files", "-s", "-v", "-z", "--", ".")
        dirty = run_git(repo, "ls-files", "-m", "-z", "--", ".")
        listed, _ = index.communicate(timeout=GIT_TIMEOUT_S)
        modified, _ = dirty.communicate(timeout=GIT_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return {}
    if index.returncode != 0 or dirty.returncode != 0:
        return {}
    encoding, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()  # as os.fsdecode, at once
    changed = set(modified.decode(encoding, errors).split("\0"))
    blobs: dict[str, str] = {}
    for record in listed.decode(encoding, errors).split("\0"):  # "H 100644 <40 hex> 0\t<path>"; unmerged: no stage 0
        if record[:2] == "H " and record[2:8] in _REGULAR and record[49:52] == " 0\t" and record[8:9] == " ":
            name = record[52:]
            if name not in changed:
                blobs[name] = record[9:49]
    return blobs
