"""Character offsets <-> 1-based (line, column), counted as Python, libcst and editors count them."""

from __future__ import annotations

import bisect
import re

NEWLINE = re.compile(r"\r\n?|\n")


class LineIndex:
    """Where each line of one text starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(m.end() for m in NEWLINE.finditer(text))]

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int | None:
        """The offset of (line, column), or None when the text has no such line."""
        return self.starts[line - 1] + column - 1 if 0 < line <= len(self.starts) else None


def line_col(text: str, offset: int) -> tuple[int, int]:
    """One-off lookup; build a LineIndex to look up many offsets in the same text."""
    return LineIndex(text).line_col(offset)
