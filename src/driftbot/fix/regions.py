"""What `generate` and `sync-queries` share: the diff, --check, and an atomic write that is verified."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from driftbot.errors import DriftbotError
from driftbot.fix.engine import unified_diff
from driftbot.fix.writer import Change, Transaction

Verify = Callable[[Change], str | None]  # None when the written file is right, else what is wrong


@dataclass(frozen=True)
class RenderResult:
    changed: tuple[str, ...]  # repo-relative paths whose generated regions differ from the SSOT
    diff: str
    written: bool


def settle(changes: Sequence[Change], *, check: bool, verify: Verify) -> RenderResult:
    """With check: only report. Else write all changes at once, verify each, roll back all on a problem."""
    todo = sorted((c for c in changes if c.after != c.before), key=lambda c: c.shown)
    result = RenderResult(
        changed=tuple(c.shown for c in todo),
        diff="".join(unified_diff(c.shown, c.before, c.after) for c in todo),
        written=False,
    )
    if check or not todo:
        return result
    tx = Transaction(list(todo))
    tx.commit()
    for c in todo:
        try:
            problem = verify(c)
        except Exception:
            tx.rollback()
            raise
        if problem is not None:
            tx.rollback()
            raise DriftbotError(f"{c.shown}: the rendered file is not what was intended ({problem}); rolled back")
    return RenderResult(result.changed, result.diff, written=True)
