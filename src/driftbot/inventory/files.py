"""Reading the repository files the offline inventories (`ddl:`, `snapshot:`) name.

A `.driftbot.yml` may come from a fork's pull request, so these paths are untrusted: they must stay
inside the repository (also through symlinks), and a file is size-checked before a byte is read
(`/dev/zero`, a FIFO or a huge file must not exhaust memory or hang).
"""

from __future__ import annotations

import stat
from pathlib import Path

from driftbot.errors import DriftbotError


def is_repo_relative(rel: str) -> bool:
    """Whether a path (or glob) from a URL is relative and never climbs out with `..`."""
    return bool(rel) and not Path(rel).is_absolute() and ".." not in rel.split("/")


def inside(path: Path, repo: Path) -> bool:
    """Whether `path` stays inside `repo` once symlinks are resolved."""
    return path.resolve().is_relative_to(repo.resolve())


def read_text(path: Path, shown: str, *, repo: Path, max_bytes: int, what: str = "file") -> str:
    """The UTF-8 text of a regular file inside `repo`; every failure is a one-line `shown:line:col` error."""
    if not inside(path, repo):
        raise DriftbotError(f"{shown}:1:1: {what} resolves outside the repository")
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DriftbotError(f"{shown}: {what} not found") from None
    except OSError as exc:
        raise DriftbotError(f"{shown}:1:1: cannot read {what}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DriftbotError(f"{shown}:1:1: {what} is not a regular file")
    if info.st_size > max_bytes:
        raise DriftbotError(f"{shown}:1:1: {what} is larger than {max_bytes} bytes")
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # bounded even if the file grew after stat()
    except OSError as exc:
        raise DriftbotError(f"{shown}:1:1: cannot read {what}: {exc.strerror}") from None
    if len(raw) > max_bytes:
        raise DriftbotError(f"{shown}:1:1: {what} is larger than {max_bytes} bytes")
    body = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM is not text (and must not shift error lines)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise DriftbotError(f"{shown}:{line}:1: not valid UTF-8") from None
