"""Character offsets <-> 1-based (line, column), counted as Python, libcst and editors count them."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate, count
from operator import add

NEWLINE = re.compile(r"\r\n?|\n")


class LineIndex:
    """Where each line of one text starts. Readers may share one (`python_tree.line_index`): never change it."""

    def __init__(self, text: str) -> None:
        self.starts = line_starts(text)

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int) -> int | None:
        """The offset of (line, column), or None when the text has no such line."""
        return self.starts[line - 1] + column - 1 if 0 < line <= len(self.starts) else None


def line_starts(text: str) -> list[int]:
    """The offsets where the lines of `text` start: 0, then the end of each NEWLINE match.

    Built from `str.split` and `itertools.accumulate`, with no Python code per line (a match loop
    costs 3x more on a large file). Blanking the CR of a CRLF and turning a lone CR into LF keeps
    every offset, and leaves LF the only line break.
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    lines = text.split("\n")
    lines.pop()  # the last line ends the text, not a line break
    return [0, *map(add, accumulate(map(len, lines)), count(1))]


def line_col(text: str, offset: int) -> tuple[int, int]:
    """One-off lookup; build a LineIndex to look up many offsets in the same text."""
    return LineIndex(text).line_col(offset)
