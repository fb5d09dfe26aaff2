"""A fix plan as line-range replacements: what a PR review's suggestion blocks propose.

Each `Suggestion` replaces lines `start`..`end` (1-based, inclusive, of the file as it is) with
`lines`: one hunk of the diff between the file and what `driftbot fix` would write, so applying
every suggestion gives exactly the plan's bytes. A pure insertion is anchored on the line above
it (that line is kept in the replacement), or on the first line at the top of a file; a new file
(a mirror copy that does not exist) has no line to anchor on and gives no suggestion. Pure: no I/O.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from driftbot.fix.plan import FixPlan
from driftbot.ftypes import Finding


@dataclass(frozen=True)
class Suggestion:
    path: str  # repo-relative
    start: int  # first line replaced, 1-based
    end: int  # last line replaced (inclusive)
    lines: tuple[str, ...]  # the replacement, without line endings; empty: the lines are deleted
    findings: tuple[Finding, ...]  # the fixed findings this hunk is (part of) the fix of


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines()


def suggestions(plan: FixPlan) -> list[Suggestion]:
    """Every hunk of the plan's changes, by file and line."""
    out: list[Suggestion] = []
    for shown in sorted(plan.changes):
        change = plan.changes[shown]
        if change.before is None:
            continue
        old, new = _lines(change.before), _lines(change.after)
        fixed = [f for f in plan.fixed if f.location.path == shown]
        hunks: list[tuple[int, int, tuple[str, ...]]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            if i1 == i2:  # an insertion: keep the line above (or below, at the top) and add around it
                if i1 > 0:
                    hunks.append((i1, i1, (old[i1 - 1], *new[j1:j2])))
                elif old:
                    hunks.append((1, 1, (*new[j1:j2], old[0])))
                continue
            hunks.append((i1 + 1, i2, tuple(new[j1:j2])))
        claimed = {id(f) for start, end, _ in hunks for f in fixed if start <= f.location.line <= end}
        for start, end, lines in hunks:
            mine = [f for f in fixed if start <= f.location.line <= end]
            if not mine:  # an insertion into a collection: the finding sits on the collection's first line
                above = [f for f in fixed if id(f) not in claimed and f.location.line < start]
                mine = [f for f in above if f.location.line == max(g.location.line for g in above)]
            out.append(Suggestion(shown, start, end, lines, tuple(mine)))
    return out
