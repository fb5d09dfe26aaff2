"""What both Python readers share, without libcst: CPython's guarded parse, the size limits, the
top-level statements a focus names, decoding and the scope that names a collection.

The detection path (`python_ast`) needs only this module; libcst (`python`) is imported when a file
must be read with it (an edit, or a file `ast` cannot place exactly), so an audit starts without it.
"""

from __future__ import annotations

import ast
import bisect
import gc
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from driftbot.extract.limits import MAX_PYTHON_DEPTH, MAX_PYTHON_NODES
from driftbot.ftypes import Location
from driftbot.textpos import LineIndex, line_col

Kind = Literal["list", "tuple", "set", "dict"]
# A line starting in column 0 with code that cannot continue the statement before it.
_TOP_LEVEL_LINE = re.compile(r"^(?![\s#)\]}]|(?:else|elif|except|finally)\b)", re.MULTILINE)
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_WRAPPERS = frozenset({"frozenset", "set", "tuple", "list", "sorted"})  # keep the target's symbol
_FIELD_CALLS = frozenset({"field", "dataclasses.field", "Field", "pydantic.Field", "attr.ib", "attrs.field"})
_FIELD_DEFAULTS = frozenset({"default", "default_factory", "factory"})
_TOO_DEEP = f"nested more than the {MAX_PYTHON_DEPTH}-level limit for Python files"
CONTEXTS = frozenset(ast.expr_context.__subclasses__())  # Load, Store, Del: markers, not counted as nodes
# Nodes with no node below them (but a context marker).
LEAVES = frozenset(
    {ast.Constant, ast.Name}
    | {k for base in (ast.operator, ast.unaryop, ast.cmpop, ast.boolop) for k in base.__subclasses__()}
)
_CPYTHON_LIMITS = ("too many nested parentheses", "too complex", "too many statically nested blocks")


class ParseFailure(Exception):
    """The file is not valid Python (or not UTF-8); `location` is where the parser gave up."""

    def __init__(self, location: Location, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.location = location
        self.message = message


def guarded_parse(path: str, text: str) -> list[ast.stmt] | None:
    """The module's statements by CPython, size-checked; None for a plain syntax error (libcst reports it).

    ParseFailure when the file is nested deeper or is larger than the limits (see `check_size`).
    """
    statements = cpython_parse(path, text)
    if statements is not None:
        check_size(path, statements, line_index(text).starts)
    return statements


def cpython_parse(path: str, text: str) -> list[ast.stmt] | None:
    """`guarded_parse` without the size check: walk the statements with `checked_nodes` instead."""
    parsed = _parsed(text)
    if isinstance(parsed, _Refused):
        raise ParseFailure(Location(path, parsed.line, parsed.column), _TOO_DEEP)
    return None if parsed is None else parsed.body


@dataclass(frozen=True)
class _Refused:
    """CPython refused the text for its nesting (its own limits, or our recursion and memory)."""

    line: int
    column: int


_Parse = ast.Module | _Refused | None  # None: a plain syntax error, or newer syntax than this Python


@dataclass
class _Shared:
    path: str
    parses: dict[str, _Parse]
    indexes: dict[str, LineIndex]
    frozen: bool = False  # `gc.freeze()` since a parse: the collector does not scan what was alive then


_shared: _Shared | None = None


def share_parses(path: str | None) -> None:
    """From now on each text of file `path` is parsed by CPython once, its tree shared by every reader
    (and its `line_index` built once).

    The scan's worker calls it before each task; the tasks of one file are queued together, so the
    file's reads and its collections share one tree. A task of another file drops the trees kept, so a
    worker holds one file's trees at most. None: drop them and parse every time again. The trees
    are shared: a reader must not change them.

    A tree is kept out of the cyclic garbage collector's scans while the file's readers run (`_parse`
    freezes it: a tree has no cycles, and scanning each tree twice as it ages cost ~15% of a cold
    audit's worker CPU); dropping the trees unfreezes what was frozen, so nothing is kept from it longer.
    """
    global _shared
    if path is not None and _shared is not None and _shared.path == path:
        return
    old, _shared = _shared, None if path is None else _Shared(path, {}, {})
    if old is not None and old.frozen:
        gc.unfreeze()  # into the oldest generation; the dropped trees are freed by their reference counts


def shared_tree(text: str) -> ast.Module | None:
    """The tree of `text` when a reader of the file has parsed it already (see `share_parses`), else None."""
    parsed = _shared.parses.get(text) if _shared is not None else None
    return parsed if isinstance(parsed, ast.Module) else None


def line_index(text: str) -> LineIndex:
    """`LineIndex(text)`, built once per text of the file `share_parses` names: the readers share it."""
    if _shared is None:
        return LineIndex(text)
    index = _shared.indexes.get(text)
    if index is None:
        index = _shared.indexes[text] = LineIndex(text)
    return index


def _parsed(text: str) -> _Parse:
    if _shared is not None and text in _shared.parses:
        return _shared.parses[text]
    parsed = _parse(text)
    if _shared is not None:
        _shared.parses[text] = parsed
    return parsed


def _parse(text: str) -> _Parse:
    """CPython's tree of `text`; its warnings (e.g. invalid escapes) are the scanned code's business."""
    collecting = gc.isenabled()
    gc.disable()  # a tree has no cycles to collect: collecting while it is built costs a third of the parse
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (RecursionError, MemoryError):
        return _Refused(1, 1)
    except SyntaxError as exc:
        if exc.msg.startswith(_CPYTHON_LIMITS):
            return _Refused(exc.lineno or 1, max(exc.offset or 1, 1))
        return None
    except ValueError:
        return None  # e.g. a NUL byte
    finally:
        if _shared is not None:  # the tree lives as long as the file's readers: see `share_parses`
            gc.freeze()
            _shared.frozen = True
        if collecting:
            gc.enable()


def check_size(path: str, statements: Sequence[ast.stmt], starts: Sequence[int] | None = None) -> None:
    """ParseFailure when the statements are nested deeper than MAX_PYTHON_DEPTH or hold over MAX_PYTHON_NODES.

    With `starts` (the offsets where the file's lines start) the statements' lengths clear them first,
    and only what they cannot clear is walked node by node (see `_surely_within_limits`).
    """
    if starts is not None and _surely_within_limits(statements, starts):
        return
    for _ in checked_nodes(path, statements):
        pass


# Every level of a tree below a node takes at least one character of the node's text (an operator, a
# bracket, a keyword, a dot, a quote), but for an expression statement's own (`x` is Expr > Name); one
# character makes at most two nodes (`-x` is UnaryOp > USub, Name). So a node n characters long is at
# most n + 1 levels deep, and a statement n characters long holds at most 2n + 2 nodes: a size check
# only needs to walk into what is too long for the levels left. A test holds this over the standard
# library, networkx and the bench corpora. (Decorators lie before their definition's position: counted.)
def _surely_within_limits(statements: Sequence[ast.stmt], starts: Sequence[int]) -> bool:
    """Whether the statements are within MAX_PYTHON_DEPTH and MAX_PYTHON_NODES, judged by their lengths;
    False when that cannot tell (`checked_nodes` then walks them all)."""
    lengths = [_length(s, starts) for s in statements]
    if sum(2 * n + 2 if n is not None else MAX_PYTHON_NODES + 1 for n in lengths) > MAX_PYTHON_NODES:
        return False
    # Only what is too long for the levels left is walked into. A node without a position (`arguments`,
    # `comprehension`, ...) has its children measured still; below an f-string, nothing is (`placed`).
    stack: list[tuple[ast.AST, int, bool]] = [
        (s, 1, True) for s, n in zip(statements, lengths, strict=True) if n is None or 1 + n > MAX_PYTHON_DEPTH
    ]
    while stack:
        node, level, placed = stack.pop()
        placed = placed and type(node) is not ast.JoinedStr  # f-string parts: no exact positions
        below = level + 1
        for child in children(node):
            kind = type(child)
            if kind in CONTEXTS:
                continue
            if level >= MAX_PYTHON_DEPTH:
                return False
            if kind in LEAVES:
                continue
            n = _length(child, starts) if placed else None
            if n is None or below + n > MAX_PYTHON_DEPTH:  # else nothing below it lies deeper than its length
                stack.append((child, below, placed))
    return True


def _length(node: ast.AST, starts: Sequence[int]) -> int | None:
    """At least the node's length in characters (decorators included), None when it has no position."""
    line: int | None = getattr(node, "lineno", None)
    end_line: int | None = getattr(node, "end_lineno", None)
    end_col: int | None = getattr(node, "end_col_offset", None)
    if line is None or end_line is None or end_col is None:
        return None
    col: int = getattr(node, "col_offset", 0)
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    for d in decorators:
        line, col = min((line, col), (d.lineno, d.col_offset))
    if end_line == line:
        return end_col - col  # UTF-8 bytes: at least the characters
    return starts[end_line - 1] - starts[line - 1] + end_col


def checked_nodes(path: str, statements: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """The statements and every node below them in `ast.walk`'s order (without Load/Store markers).

    ParseFailure, before a level is yielded, once it lies deeper than MAX_PYTHON_DEPTH or brings the
    count over MAX_PYTHON_NODES: a reader that walks the tree this way needs no `check_size` pass.
    """
    level: list[ast.AST] = list(statements)
    depth = nodes = 0
    while level:  # breadth first, one level at a time: no recursion, stops at the limit
        depth += 1
        nodes += len(level)
        if depth > MAX_PYTHON_DEPTH:
            where = level[0]
            line, col = getattr(where, "lineno", 1), getattr(where, "col_offset", 0) + 1
            raise ParseFailure(Location(path, line, col), _TOO_DEEP)
        if nodes > MAX_PYTHON_NODES:
            message = f"more than the {MAX_PYTHON_NODES:,}-node limit for Python files"
            raise ParseFailure(Location(path, statements[0].lineno, 1), message)
        below: list[ast.AST] = []
        for node in level:
            yield node
            for name in node._fields:
                child = getattr(node, name, None)
                if isinstance(child, ast.AST):
                    if not isinstance(child, ast.expr_context):
                        below.append(child)
                elif isinstance(child, list):
                    below.extend(c for c in child if isinstance(c, ast.AST))
        level = below


def children(node: ast.AST) -> list[ast.AST]:
    """`ast.iter_child_nodes(node)` as a list, in its order, without its generators (half a walk's time)."""
    out: list[ast.AST] = []
    for name in node._fields:
        value = getattr(node, name, None)
        if isinstance(value, ast.AST):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, ast.AST)]
    return out


def char_column(line: str, byte_col: int) -> int:
    """The 0-based character column in `line` of CPython's UTF-8 byte column."""
    return len(line.encode("utf-8")[:byte_col].decode("utf-8", "replace"))


class ByteColumns:
    """Character offsets <-> CPython's (line, UTF-8 byte column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = line_index(text).starts
        self.ascii = text.isascii()  # bytes are characters on every line

    def key(self, offset: int) -> tuple[int, int]:
        """The (line, UTF-8 byte column) CPython gives a node starting at `offset`."""
        line = bisect.bisect_right(self.starts, offset)
        if self.ascii:
            return line, max(0, min(offset, len(self.text)) - self.starts[line - 1])
        before = self.text[self.starts[line - 1] : offset]
        return line, len(before) if before.isascii() else len(before.encode("utf-8"))

    def offset(self, line: int, byte_col: int) -> int:
        """The character offset of CPython's (line, UTF-8 byte column)."""
        start = self.starts[line - 1]
        if self.ascii:
            return min(start + byte_col, len(self.text))
        head = self.text[start : start + byte_col]
        if not head.isascii():
            end = self.starts[line] if line < len(self.starts) else len(self.text)
            head = self.text[start:end].encode("utf-8")[:byte_col].decode("utf-8", "replace")
        return start + len(head)


def delimited_offsets(text: str, name: str) -> Iterator[int]:
    """Offsets where `name` occurs not preceded or followed by an identifier character."""
    start = text.find(name)
    while start != -1:
        end = start + len(name)
        if (start == 0 or text[start - 1] not in _WORD_CHARS) and (end == len(text) or text[end] not in _WORD_CHARS):
            yield start
        start = text.find(name, start + 1)


def decode(path: str, source: bytes) -> str:
    """The text of a source file, without a BOM; ParseFailure (where it breaks) when it is not UTF-8."""
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = source[: exc.start].decode("utf-8", "replace")
        line, column = line_col(before, len(before))
        raise ParseFailure(Location(path, line, column), "not valid UTF-8") from None
    return text.removeprefix("\ufeff")


def statement_lines(stmt: ast.stmt) -> tuple[int, int]:
    """First (decorators included) and last line of a statement."""
    decorators: list[ast.expr] = getattr(stmt, "decorator_list", [])
    return min([stmt.lineno, *(d.lineno for d in decorators)]), stmt.end_lineno or stmt.lineno


def focus_statements(path: str, text: str, focus: frozenset[str]) -> list[ast.stmt] | None:
    """The top-level statements mentioning a focus name (CPython's tree); None if CPython can't parse.

    ParseFailure when those statements are over `check_size`'s limits.
    """
    starts = line_index(text).starts
    hits = sorted({bisect.bisect_right(starts, o) for name in focus for o in delimited_offsets(text, name)})
    if not hits:
        return []
    tree = shared_tree(text)  # a reader parsed the whole file: its statements are those of any prefix
    if tree is None:
        cut = _next_statement(text, starts[hits[-1]] if hits[-1] < len(starts) else len(text))
        tree = _prefix_tree(text[:cut]) if cut < len(text) else None  # statements after the last hit don't matter
    if tree is None:
        tree = tree_or_none(text)
    if tree is None:
        return None  # newer syntax than this Python, or broken: libcst decides
    chosen: list[ast.stmt] = []
    for stmt in tree.body:
        first, last = statement_lines(stmt)
        i = bisect.bisect_left(hits, first)
        if i == len(hits) or hits[i] > last:
            continue
        chosen.append(stmt)
    if chosen:
        check_size(path, chosen, starts)
    return chosen


def _prefix_tree(text: str) -> ast.Module | None:
    """A prefix's tree, not kept for the file's other readers (they parse the whole file)."""
    parsed = _parse(text)
    return parsed if isinstance(parsed, ast.Module) else None


def _next_statement(text: str, pos: int) -> int:
    """Offset of the first line from `pos` that may start a top-level statement, else len(text).

    Parsing only the text before it is sound: if that prefix parses, the line cannot be inside a
    string, brackets or a block (those would leave the prefix unterminated), so every statement of
    the prefix has the same lines as in the whole file. If the prefix doesn't parse, the whole does.
    """
    for m in _TOP_LEVEL_LINE.finditer(text, pos):
        if not text[max(0, m.start() - 3) : m.start()].rstrip("\r\n").endswith("\\"):  # no backslash continuation
            return m.start()
    return len(text)


def tree_or_none(text: str) -> ast.Module | None:
    """The module by CPython, or None when it does not parse."""
    parsed = _parsed(text)
    return parsed if isinstance(parsed, ast.Module) else None


@dataclass(frozen=True)
class _Scope:
    path: str = ""  # dotted enclosing classes/functions
    class_path: str | None = None  # the class whose methods we are in (for `self.x = ...`)
    self_name: str | None = None

    def join(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    @property
    def anonymous(self) -> str:
        """The symbol of a collection that is not assigned to anything."""
        return self.path or "<module>"
