"""Suppressions: inline `# driftbot: ignore[rule]` comments and the ignore file (with reasons and expiry)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from driftbot import repofs
from driftbot.config import IgnoreEntry
from driftbot.ftypes import Collection, Finding, Location
from driftbot.paths import matches
from driftbot.rules.catalog import finding
from driftbot.yamlpos import Positioned

MARKER = b"driftbot"  # in every line INLINE matches
INLINE = re.compile(r"(?:#|--)\s*driftbot:\s*ignore(?:\[([A-Za-z0-9_,\s-]+)\])?")


def inline_rules(line: str) -> frozenset[str] | None:
    """Rules silenced by a comment on `line`: None when none, {'*'} for a bare ignore."""
    m = INLINE.search(line)
    if m is None:
        return None
    if m.group(1) is None:
        return frozenset({"*"})
    return frozenset(r.strip() for r in m.group(1).split(",") if r.strip())


class InlineIndex:
    """Looks up inline suppressions by reading each file once, lazily."""

    def __init__(self, repo: Path, collections: Sequence[Collection]) -> None:
        self._repo = repo
        self._lines: dict[str, list[str]] = {}
        self._openers: dict[tuple[str, str | None, int], int] = {}
        for c in collections:
            for e in c.elements:
                self._openers[(c.path, c.symbol, e.location.line)] = c.location.line

    def _line(self, path: str, line: int) -> str:
        if path not in self._lines:
            try:
                data = repofs.read_bytes(self._repo, path, shown=path)
            except OSError:
                data = b""
            # Most files hold no `driftbot: ignore` (INLINE needs the ASCII word): not split into lines.
            self._lines[path] = data.decode("utf-8", "replace").splitlines() if MARKER in data else []
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def silenced(self, f: Finding) -> bool:
        lines = {f.location.line}
        opener = self._openers.get((f.location.path, f.symbol, f.location.line))
        if opener is not None:
            lines.add(opener)
        for n in lines:
            rules = inline_rules(self._line(f.location.path, n))
            if rules is not None and ("*" in rules or f.rule in rules):
                return True
        return False


def entry_matches(entry: IgnoreEntry, f: Finding) -> bool:
    return (
        entry.rule in (f.rule, "*")
        and matches(f.location.path, entry.path)
        and (entry.symbol is None or entry.symbol == f.symbol)
        and (entry.value is None or entry.value == f.actual)
    )


def apply(
    findings: Iterable[Finding],
    inline: InlineIndex,
    entries: Sequence[IgnoreEntry],
    ignore_doc: Positioned | None,
    today: dt.date,
) -> list[Finding]:
    """Drop suppressed findings; an expired ignore entry no longer suppresses and is reported itself."""
    active = [e for e in entries if e.expires is None or e.expires >= today]
    kept = [f for f in findings if not inline.silenced(f) and not any(entry_matches(e, f) for e in active)]
    for i, e in enumerate(entries):
        if e.expires is not None and e.expires < today and ignore_doc is not None:
            line, col = ignore_doc.where(("ignore", i, "expires"))
            owner = f" (owner: {e.owner})" if e.owner else ""
            kept.append(
                finding(
                    "expired-suppression",
                    Location(ignore_doc.display_path, line, col),
                    f"ignore entry for {e.rule} on {e.path} expired on {e.expires.isoformat()}{owner}: {e.reason}",
                )
            )
    return kept
