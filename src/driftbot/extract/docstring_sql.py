"""SQL examples inside Python docstrings and other bare string statements, read leniently.

`embedded_sql` counts a Python literal as SQL only when it opens with a statement keyword. Docstrings
hold SQL as examples inside prose:

    Example:
        SELECT * FROM nba_raw.nbac_player_boxscore WHERE game_date = @d

A *prose string* is a string statement (a docstring, or any bare string expression). In it, a
*segment* starts at an upper-case statement keyword (SELECT, WITH, INSERT, UPDATE, DELETE, MERGE)
that begins a line, after its indentation, a doctest's `>>> ` or a short label (`Example: `), and
runs over the following lines that are not blank and indented at least as far, at most MAX_LINES. A
segment is read leniently: the longest run of its first lines that sqlglot parses without a problem
and that names a table is kept; a segment of which no such run exists is prose and says nothing.
Positions are exact: a segment is the file's own text (an escape other than `\\n`/`\\t` in a non-raw
literal makes the segment skipped, since its text would not be the string's).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Iterator

from driftbot.extract import python_tree
from driftbot.textpos import LineIndex

MAX_LINES = 40  # lines of one segment
MAX_SEGMENTS = 20  # segments read per file (each parsed at most MAX_LINES times)
KEYWORD = re.compile(
    r"(?m)^([ \t]*)(?:>>>[ \t]+|[A-Z][A-Za-z ]{0,24}:[ \t]+)?(SELECT|WITH|INSERT|UPDATE|DELETE|MERGE)\b(?=[ \t\r\n(*])"
)
# Where KEYWORD's keyword may sit in a string's body (its `^` also matches at the body's start, after a quote).
_ANY_KEYWORD = re.compile(r"(?:SELECT|WITH|INSERT|UPDATE|DELETE|MERGE)\b(?=[ \t\r\n(*])")
_PREFIX = re.compile(r"[rRuU]?('''|\"\"\"|'|\")")
_ESCAPES = ("\\n", "\\t")  # same length as two blanks: SQL whitespace either way


def segments(path: str, text: str) -> list[tuple[str, int]]:
    """(SQL text, file offset) of each readable SQL segment of the file's prose strings, in file order.

    The text is the file's own, `\\n`/`\\t` escapes blanked to the same length: offsets map back exactly.
    """
    if KEYWORD.search(text) is None:
        return []  # no line may open a segment: the file is not parsed
    tree = python_tree.tree_or_none(text)
    if tree is None:
        return []
    index = python_tree.ByteColumns(text)
    hits = sorted({bisect.bisect_right(index.starts, m.start()) for m in _ANY_KEYWORD.finditer(text)})
    out: list[tuple[str, int]] = []
    for node in _prose(tree, hits):
        body = _body(text, index, node)
        if body is None:
            continue
        start, end, raw = body
        for seg_start, seg_end in _segments(text, start, end):
            chosen = _readable(path, text[seg_start:seg_end], raw)
            if chosen is not None:
                out.append((chosen, seg_start))
                if len(out) >= MAX_SEGMENTS:
                    return sorted(out, key=lambda s: s[1])
    return sorted(out, key=lambda s: s[1])


def _prose(tree: ast.Module, hits: list[int]) -> Iterator[ast.Constant]:
    """Every string statement (`Expr` of a plain str constant), nested blocks included, in any order, but
    those in statements whose lines hold none of `hits` (sorted line numbers: where a keyword may be)."""

    def holds_hit(node: ast.AST) -> bool:
        first: int | None = getattr(node, "lineno", None)
        if first is None:
            return True  # a `case` has no position: look inside
        i = bisect.bisect_left(hits, first)
        return i < len(hits) and hits[i] <= (getattr(node, "end_lineno", None) or first)

    stack: list[ast.AST] = [n for n in tree.body if holds_hit(n)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            yield node.value
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                stack.extend(n for n in inner if isinstance(n, ast.AST) and holds_hit(n))


def _body(text: str, index: python_tree.ByteColumns, node: ast.Constant) -> tuple[int, int, bool] | None:
    """(start, end, raw) of the one literal's body in the file; None for a joined or f-/b-prefixed literal."""
    start = index.offset(node.lineno, node.col_offset)
    end = index.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
    m = _PREFIX.match(text, start)
    if m is None:
        return None
    quote = m.group(1)
    body_start, body_end = m.end(), end - len(quote)
    if body_end < body_start or text[body_end:end] != quote or quote in text[body_start:body_end]:
        return None  # implicitly joined literals: their text is not one string's
    return body_start, body_end, "r" in text[start : m.start(1)].lower()


def _segments(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    body = text[start:end]
    lines = LineIndex(body).starts
    for m in KEYWORD.finditer(body):
        indent = len(m.group(1).expandtabs())
        first = bisect.bisect_right(lines, m.start()) - 1
        seg_end = _line_end(body, m.start())
        for k in range(first + 1, min(first + MAX_LINES, len(lines))):
            line = body[lines[k] : _line_end(body, lines[k])]
            if not line.strip() or len(line) - len(line.lstrip()) < indent or line.lstrip().startswith(">>>"):
                break
            seg_end = _line_end(body, lines[k])
        yield start + m.start(2), start + seg_end


def _line_end(text: str, i: int) -> int:
    ends = [j for j in (text.find("\n", i), text.find("\r", i)) if j != -1]
    return min(ends) if ends else len(text)


def _readable(path: str, segment: str, raw: bool) -> str | None:
    """The longest run of the segment's first lines that parses as SQL naming a table, escapes blanked."""
    if not raw:
        for esc in _ESCAPES:
            segment = segment.replace(esc, "  ")
        if "\\" in segment:
            return None
    from driftbot.extract import sql  # sqlglot: only a file with a SQL-looking docstring pays for it

    cut = len(segment)
    while cut > 0:
        candidate = segment[:cut].rstrip()
        parsed = sql.extract(path, candidate)
        if not parsed.problems and any(not t.defined for t in parsed.tables):
            return candidate
        cut = max(segment.rfind("\n", 0, len(candidate)), segment.rfind("\r", 0, len(candidate)))
    return None
