"""Repository paths: how they are shown, how globs match them, and which files an audit reads.

Globs (bindings, mirrors, `exclude`, `sql.monitoring`, the ignore file) all go through `matches`:
`*`, `?` and `[...]` stay within one directory, `**` spans any number of directories (none too),
`{a,b}` alternates, and a pattern without `/` matches the file name at any depth, as in .gitignore.

Files are those git sees (`gitfiles`: tracked plus untracked-not-ignored) when the repository is a git
work tree; elsewhere the .gitignore files are read with pathspec.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from wcmatch import glob

from driftbot import gitfiles

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

ALWAYS_SKIPPED = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache", ".driftbot-cache"}
)
GLOB_FLAGS = glob.GLOBSTAR | glob.MATCHBASE | glob.DOTMATCH | glob.BRACE | glob.FORCEUNIX


def display(path: Path, repo: Path) -> str:
    """Repo-relative POSIX path when `path` is inside `repo`, else the path as given."""
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def matches(rel_path: str, pattern: str) -> bool:
    """Glob match on a repo-relative POSIX path (the module docstring has the syntax)."""
    return _compiled(pattern).match(rel_path)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> glob.WcMatcher[str]:
    return glob.compile(pattern, flags=GLOB_FLAGS)


def walk(
    repo: Path, exclude: Sequence[str], suffixes: tuple[str, ...], listing: gitfiles.Listing | None = None
) -> list[str]:
    """Sorted repo-relative paths of files ending in one of `suffixes`, minus excluded and ignored ones.

    `listing`: what git said of `repo` earlier in this run (`gitfiles.read`); None: ask git now.
    """
    listing = listing if listing is not None else gitfiles.read(repo)
    if listing.raw is None:
        found = [f for f in _walk_files(repo, exclude) if f.endswith(suffixes)]
    else:
        # A clean file was a regular file when git looked (`gitfiles`); any other path git lists may be a
        # deleted file, a submodule's directory or an untracked repository (`sub/`): only files count.
        root = str(repo)  # os.path, not pathlib: this may run once per file of the repository
        found = [f for f in listing.clean_paths if f.endswith(suffixes) and not _skipped(f)]
        found += (
            f
            for f in listing.unsure
            if f.endswith(suffixes) and not _skipped(f) and os.path.isfile(os.path.join(root, f))
        )
    return sorted(f for f in found if not any(matches(f, p) for p in exclude))


def _skipped(rel: str) -> bool:
    return "/" in rel and not ALWAYS_SKIPPED.isdisjoint(rel.split("/")[:-1])


def _pruned_dirs(exclude: Sequence[str]) -> list[str]:
    return [p[:-3] for p in exclude if p.endswith("/**")]  # `dir/**` excludes everything below dir


def _walk_files(repo: Path, exclude: Sequence[str]) -> list[str]:
    """Without git: os.walk, honouring every .gitignore on the way down (deeper files win, like git)."""
    out: list[str] = []
    root = str(repo)
    pruned = _pruned_dirs(exclude)
    specs: dict[str, list[tuple[str, GitIgnoreSpec]]] = {}  # dir prefix -> ignore specs that apply there
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        inherited = specs.pop(prefix, [])
        here = inherited + _read_gitignore(dirpath, prefix)
        kept_dirs = []
        for d in sorted(dirnames):
            rel = prefix + d
            if d in ALWAYS_SKIPPED or any(matches(rel, p) for p in pruned) or _ignored(here, rel + "/"):
                continue
            kept_dirs.append(d)
            specs[rel + "/"] = here
        dirnames[:] = kept_dirs
        out.extend(prefix + name for name in filenames if not _ignored(here, prefix + name))
    return out


def _read_gitignore(dirpath: str, prefix: str) -> list[tuple[str, GitIgnoreSpec]]:
    from pathspec import GitIgnoreSpec  # on use: only a repository git cannot list pays its import

    try:
        with open(os.path.join(dirpath, ".gitignore"), encoding="utf-8", errors="replace") as fh:
            return [(prefix, GitIgnoreSpec.from_lines(fh.read().splitlines()))]
    except OSError:
        return []


def _ignored(specs: Sequence[tuple[str, GitIgnoreSpec]], rel: str) -> bool:
    """The last .gitignore with a pattern that matches decides, as in git."""
    verdict = False
    for prefix, spec in specs:
        result = spec.check_file(rel[len(prefix) :])
        if result.include is not None:
            verdict = result.include
    return verdict
