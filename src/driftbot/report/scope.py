"""Limit a report to part of a repository: some files, a change's lines, or what is new.

The audit still reads the whole repository, so bindings and copies are judged in full; only the
findings shown are limited. A finding belongs to a file when it is located there or when that file
is the SSOT file it was checked against (editing `ssot/...yaml` shows the drift the edit causes).

`driftbot audit --only-files` (the pre-commit hook) and `--filter`, and the Action's `filter` and
`baseline` inputs, all come through here: one way to scope a report.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Literal

from driftbot.ftypes import Binding, Finding, Location, Report
from driftbot.paths import display
from driftbot.report.fingerprint import fingerprint

Filter = Literal["changed-lines", "changed-files", "all"]
FILTERS: tuple[Filter, ...] = ("changed-lines", "changed-files", "all")
# path -> the new file's added or modified lines; None: the file changed, but its lines are unknown
# (GitHub sends no patch for a large or binary file), so every line of it counts as changed.
ChangedLines = Mapping[str, frozenset[int] | None]
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def only_files(report: Report, files: Iterable[Path], repo: Path) -> Report:
    return in_files(report, {display(f, repo) for f in files})


def in_files(report: Report, paths: Iterable[str]) -> Report:
    """The findings located in `paths` (repo-relative) or checked against an SSOT file among them."""
    wanted = set(paths)
    return _keep(report, lambda f: f.location.path in wanted or (f.ssot is not None and f.ssot in wanted))


def on_lines(report: Report, changed: ChangedLines) -> Report:
    """The findings on a changed line, or checked against an SSOT file that changed at all."""

    def touched(f: Finding) -> bool:
        if f.ssot is not None and f.ssot in changed:
            return True  # an SSOT edit causes drift wherever the copies are
        lines = changed.get(f.location.path, frozenset())
        return lines is None or f.location.line in lines

    return _keep(report, touched)


def scoped(report: Report, how: Filter, changed: ChangedLines) -> Report:
    """`report` limited by the filter `how` to the change described by `changed`."""
    if how == "all":
        return report
    return on_lines(report, changed) if how == "changed-lines" else in_files(report, changed)


def added_lines(patch: str) -> frozenset[int]:
    """The new file's lines a unified-diff patch adds (`+`); a removal marks no line.

    The patch is one file's hunks, as GitHub's pull request files API gives them.
    """
    lines: set[int] = set()
    new_line = 0
    for text in patch.splitlines():
        hunk = HUNK.match(text)
        if hunk:
            new_line = int(hunk.group(1))
        elif text.startswith("+"):
            lines.add(new_line)
            new_line += 1
        elif text.startswith(" ") or text == "":
            new_line += 1
        # "-" lines and "\ No newline at end of file" do not move the new side
    return frozenset(lines)


def diff_lines(diff: str) -> dict[str, frozenset[int]]:
    """Every file of a `git diff` (unified, `--no-renames` or not) with the lines it adds.

    A deleted file is left out: nothing of it remains to hold a finding.
    """
    files: dict[str, frozenset[int]] = {}
    path: str | None = None
    patch: list[str] = []

    def flush() -> None:
        if path is not None:
            files[path] = added_lines("\n".join(patch))

    for text in diff.splitlines():
        if text.startswith("diff --git "):
            flush()
            path, patch = None, []
        elif text.startswith("+++ "):
            target = text[4:]
            path = target[2:] if target.startswith("b/") else None  # "+++ /dev/null": deleted
        elif path is not None:
            patch.append(text)
    flush()
    return files


def new_findings(report: Report, known: Iterable[str], key: Callable[[Finding], str] = fingerprint) -> Report:
    """`report` without the findings whose fingerprints `known` holds, with multiplicity.

    `known` holding a fingerprint twice hides two such findings, not a third.
    """
    budget = Counter(known)
    kept = []
    for finding in report.findings:
        fp = key(finding)
        if budget[fp] > 0:
            budget[fp] -= 1
        else:
            kept.append(finding)
    return dataclasses.replace(report, findings=tuple(kept))


def union(report: Report, *parts: Report) -> Report:
    """The findings of `report` that any of `parts` (each a subset of it) keeps, in `report`'s order."""
    wanted = Counter(f for part in parts for f in set(part.findings))
    return _keep(report, lambda f: wanted[f] > 0)


def reroot(report: Report, prefix: str) -> Report:
    """Paths relative to the sub-directory `prefix` made relative to the repository root (findings and bindings)."""
    if not prefix:
        return report
    head = prefix.strip("/") + "/"

    def at(loc: Location) -> Location:
        return Location(head + loc.path, loc.line, loc.column)

    def moved(f: Finding) -> Finding:
        return dataclasses.replace(f, location=at(f.location), ssot=head + f.ssot if f.ssot else None)

    def bound(b: Binding) -> Binding:
        c = b.collection
        elements = tuple(dataclasses.replace(e, location=at(e.location)) for e in c.elements)
        collection = dataclasses.replace(c, path=head + c.path, location=at(c.location), elements=elements)
        return dataclasses.replace(b, collection=collection)

    return dataclasses.replace(
        report, findings=tuple(moved(f) for f in report.findings), bindings=tuple(bound(b) for b in report.bindings)
    )


def unrooted(finding: Finding, prefix: str) -> Finding:
    """`finding` with its paths made relative to the sub-directory `prefix` again (undoes `reroot`)."""
    if not prefix:
        return finding
    head = prefix.strip("/") + "/"
    loc = finding.location
    return dataclasses.replace(
        finding,
        location=Location(loc.path.removeprefix(head), loc.line, loc.column),
        ssot=finding.ssot.removeprefix(head) if finding.ssot else None,
    )


def _keep(report: Report, keep: Callable[[Finding], bool]) -> Report:
    return dataclasses.replace(report, findings=tuple(f for f in report.findings if keep(f)))
