"""What `generate` and `sync-queries` share: the diff, --check, and an atomic write that is verified."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot.errors import DriftbotError
from driftbot.fix.engine import unified_diff
from driftbot.fix.writer import Change, Transaction

Verify = Callable[[Change], str | None]  # None when the written file is right, else what is wrong


@dataclass(frozen=True)
class RenderResult:
    changed: tuple[str, ...]  # repo-relative paths whose generated regions differ from the SSOT
    diff: str
    written: bool


def settle(changes: Sequence[Change], *, root: Path, check: bool, verify: Verify) -> RenderResult:
    """With check: only report. Else write all changes at once, verify each, roll back all on a problem."""
    todo = sorted((c for c in changes if c.after != c.before), key=lambda c: c.shown)
    result = RenderResult(
        changed=tuple(c.shown for c in todo),
        diff="".join(unified_diff(c.shown, c.before, c.after) for c in todo),
        written=False,
    )
    if check or not todo:
        return result

    def verify_all() -> str | None:
        for c in todo:
            problem = verify(c)
            if problem is not None:
                return f"{c.shown}: the rendered file is not what was intended ({problem}); rolled back"
        return None

    problem = Transaction(list(todo), root).commit_verified(verify_all)
    if problem is not None:
        raise DriftbotError(problem)
    return RenderResult(result.changed, result.diff, written=True)
