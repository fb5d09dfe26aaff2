"""Repository paths: how they are shown, and which files an audit reads."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path

ALWAYS_SKIPPED = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
)


def display(path: Path, repo: Path) -> str:
    """Repo-relative POSIX path when `path` is inside `repo`, else the path as given."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def matches(rel_path: str, pattern: str) -> bool:
    """Glob match on a repo-relative POSIX path; `**/` also matches zero directories."""
    if fnmatch.fnmatchcase(rel_path, pattern):
        return True
    return pattern.startswith("**/") and fnmatch.fnmatchcase(rel_path, pattern[3:])


def walk(repo: Path, exclude: list[str], suffixes: tuple[str, ...]) -> list[str]:
    """Sorted repo-relative paths of files ending in one of `suffixes`, minus excluded ones."""
    out: list[str] = []
    root = str(repo)
    skipped_dirs = [p[:-3] for p in exclude if p.endswith("/**")]  # `dir/**` excludes everything below dir
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        dirnames[:] = sorted(
            d for d in dirnames if d not in ALWAYS_SKIPPED and not any(matches(prefix + d, p) for p in skipped_dirs)
        )
        for name in filenames:
            if name.endswith(suffixes):
                rel = prefix + name
                if not any(matches(rel, pat) for pat in exclude):
                    out.append(rel)
    out.sort()
    return out
