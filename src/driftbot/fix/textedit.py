"""Plain text replacements at known positions (SQL comments and table names)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftbot.ftypes import Finding
from driftbot.textpos import LineIndex

Position = tuple[int, int]


@dataclass(frozen=True)
class Replace:
    at: Position  # 1-based line, column (in characters)
    old: str
    new: str
    finding: Finding


@dataclass(frozen=True)
class TextOutcome:
    data: bytes
    applied: tuple[Finding, ...]
    skipped: tuple[tuple[Finding, str], ...]


def apply(data: bytes, edits: Sequence[Replace]) -> TextOutcome:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return TextOutcome(data, (), tuple((e.finding, "not valid UTF-8; left unchanged") for e in edits))
    index = LineIndex(text)
    planned: list[tuple[int, Replace]] = []
    skipped: list[tuple[Finding, str]] = []
    for e in edits:
        line, column = e.at
        offset = index.offset(line, column)
        if offset is None or text[offset : offset + len(e.old)] != e.old:
            skipped.append((e.finding, f"no {e.old!r} at this position (the file changed since the audit?)"))
        elif any(o == offset for o, _ in planned):
            skipped.append((e.finding, "another fix already changes this spot"))
        else:
            planned.append((offset, e))
    for offset, e in sorted(planned, key=lambda p: p[0], reverse=True):
        text = text[:offset] + e.new + text[offset + len(e.old) :]
    return TextOutcome(text.encode("utf-8"), tuple(e.finding for _, e in planned), tuple(skipped))
