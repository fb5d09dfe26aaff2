"""Reading the repository files the offline inventories (`ddl:`, `snapshot:`) name.

A `.driftbot.yml` may come from a fork's pull request, so these paths are untrusted: they obey the
one path policy (`driftbot.repofs`): inside the repository (also through symlinks), never `.git/`,
regular files only, size-checked before a byte is read (`/dev/zero`, a FIFO or a huge file must not
exhaust memory or hang). This module only gives the inventories' errors their `shown:1:1` shape.
"""

from __future__ import annotations

from pathlib import Path

from driftbot import repofs
from driftbot.errors import DriftbotError


def is_repo_relative(rel: str) -> bool:
    """Whether a path (or glob) from a URL is relative, never climbs out with `..` and avoids `.git/`."""
    return repofs.relative_problem(rel) is None


def inside(path: Path, repo: Path) -> bool:
    """Whether `path` stays inside `repo` once symlinks are resolved."""
    return repofs.inside(path, repo)


def read_text(path: Path, shown: str, *, repo: Path, max_bytes: int, what: str = "file") -> str:
    """The UTF-8 text of a regular file inside `repo`; every failure is a one-line `shown:line:col` error."""
    try:
        raw = repofs.read_bytes(repo, path, max_bytes=max_bytes, shown=shown)
    except FileNotFoundError:
        raise DriftbotError(f"{shown}: {what} not found") from None
    except repofs.Refused as exc:
        reason = exc.reason.removeprefix("cannot read")
        said = f"cannot read {what}{reason}" if reason != exc.reason else f"{what} {exc.reason}"
        raise DriftbotError(f"{shown}:1:1: {said}") from None
    except OSError as exc:
        raise DriftbotError(f"{shown}:1:1: cannot read {what}: {exc.strerror}") from None
    body = raw.removeprefix(b"\xef\xbb\xbf")  # a BOM is not text (and must not shift error lines)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body[: exc.start].count(b"\n") + 1
        raise DriftbotError(f"{shown}:{line}:1: not valid UTF-8") from None
