"""The fast read path: the same collections as `extract.python`, read with CPython's `ast` (~6x cheaper).

Detection reads with this module; every edit (fix, generate, their verification) parses with libcst
in `extract.python`, which keeps formatting. Both must find exactly the same `Collection`s: symbols,
kinds, positions (columns in characters, like libcst's), values and trailing comments. A
differential test over large real corpora holds them together. Where `ast` cannot tell what libcst
would see (a tuple whose parentheses are ambiguous, a collection inside an f-string, whose nested
positions CPython 3.11 gets wrong, a file CPython refuses), the whole file goes to libcst instead.
"""

from __future__ import annotations

import ast
import bisect
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from driftbot.extract import python_tree
from driftbot.extract.python_tree import _FIELD_CALLS, _FIELD_DEFAULTS, _WRAPPERS, ParseFailure
from driftbot.ftypes import Collection, Element, Location

VERSION = "ast-1"  # part of the cache key: change it whenever what this module extracts changes
_Literal = ast.List | ast.Tuple | ast.Set | ast.Dict
_KINDS: dict[type[ast.AST], python_tree.Kind] = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict"}
_STRING_START = re.compile(r"[rRuUbBfF]{0,2}('''|\"\"\"|'|\")")
_LEAVES = python_tree.LEAVES | python_tree.CONTEXTS  # hold no collection: not entered, not named
# Statements without an expression, and without a statement inside: not walked.
_BARE = frozenset({ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal, ast.Import, ast.ImportFrom})
# Statements without a statement inside: one whose lines `_Text.inert` clears is not walked.
_SIMPLE = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.Expr, ast.Delete, ast.Raise, ast.Assert})


class _Fallback(Exception):
    """ast cannot match libcst exactly here: read the file with libcst."""


def extract(path: str, source: bytes, focus: frozenset[str] | None = None) -> list[Collection]:
    """What `extract.python.extract(path, source, focus)` returns, read with `ast` where it can be."""
    text = python_tree.decode(path, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning for invalid escapes: the scanned code's business
        try:
            return _extract(path, text, focus)
        except _Fallback:
            from driftbot.extract import python  # libcst: imported by the first file `ast` cannot place

            return python._extract(path, text, focus)
        except RecursionError:
            raise ParseFailure(Location(path, 1, 1), "too deeply nested to analyse") from None


def _extract(path: str, text: str, focus: frozenset[str] | None) -> list[Collection]:
    if focus is not None:
        statements = python_tree.focus_statements(path, text, focus)
        if statements is None:
            raise _Fallback
    else:
        statements = _whole(path, text)
    source = _Text(text)
    walker = _Walker(source)
    for stmt in statements:
        walker.statement(stmt, python_tree._Scope())
    return _collections(path, source, walker.found)


def _whole(path: str, text: str) -> list[ast.stmt]:
    statements = python_tree.guarded_parse(path, text)
    if statements is None:
        raise _Fallback  # libcst reports the error, as it always did
    return statements


# --- finding collections: `extract.python._Walker`, node for node -----------------------------------


@dataclass(frozen=True)
class _Found:
    symbol: str
    kind: python_tree.Kind
    node: _Literal
    strings: tuple[ast.Constant, ...]


def _plain_string(node: ast.expr) -> ast.Constant | None:
    """A str constant; whether it is one literal (not an implicit concatenation) is checked with the text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node
    return None


def _dotted(node: ast.expr, text: _Text) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, text)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Subscript) and not isinstance(node.slice, ast.Slice):
        base = _dotted(node.value, text)
        if not base:
            return None
        index = node.slice
        if isinstance(index, ast.Tuple) and not text.parenthesized(index):  # libcst: one element per item
            if len(index.elts) != 1:
                return None
            index = _unstar(index.elts[0])
        key = _key_text(index, text)
        return f"{base}[{key}]" if key else None
    return None


def _key_text(node: ast.expr, text: _Text) -> str | None:
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, str):
            return repr(value) if text.single_literal(node) else None
        if value is None or isinstance(value, bool):
            return repr(value)  # libcst: a Name
        if isinstance(value, int):
            return text.segment(node)  # libcst keeps the digits as written
        return None
    if isinstance(node, ast.Starred):
        return None
    return _dotted(node, text)


class _Walker:
    def __init__(self, text: _Text) -> None:
        self.found: list[_Found] = []
        self.text = text

    def statement(self, node: ast.AST, scope: python_tree._Scope) -> None:
        kind = type(node)
        if kind in _BARE or (kind in _SIMPLE and (_settled(node) or self.text.inert(node))):
            return
        if kind is ast.ClassDef:
            assert isinstance(node, ast.ClassDef)
            for d in node.decorator_list:
                self.expr(d, scope, scope.anonymous)
            for value in (*node.bases, *(k.value for k in node.keywords)):
                self.expr(value, scope, scope.anonymous)
            inner = scope.join(node.name)
            for stmt in node.body:
                self.statement(stmt, python_tree._Scope(inner, class_path=inner))
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            assert isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            self._function(node, scope)
        elif kind is ast.Assign:
            assert isinstance(node, ast.Assign)
            self.expr(node.value, scope, self.target(node.targets[0], scope))
        elif kind is ast.AnnAssign or kind is ast.AugAssign:
            assert isinstance(node, ast.AnnAssign | ast.AugAssign)
            if node.value is not None:
                self.expr(node.value, scope, self.target(node.target, scope))
        elif kind is ast.Expr:
            assert isinstance(node, ast.Expr)
            self.expr(node.value, scope, scope.anonymous)
        elif kind is ast.Return:
            assert isinstance(node, ast.Return)
            if node.value is not None:
                self.expr(node.value, scope, f"{scope.path}()" if scope.path else scope.anonymous)
        elif isinstance(node, ast.expr):
            if not _bare(node):
                self.expr(node, scope, scope.anonymous)
        elif kind is ast.Match or kind is ast.TryStar:
            raise _Fallback  # rare; not worth matching libcst's tree shape node for node
        else:
            for child in python_tree.children(node):
                if type(child) not in _LEAVES:
                    self.statement(child, scope)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: python_tree._Scope) -> None:
        for d in node.decorator_list:
            self.expr(d, scope, scope.anonymous)
        name = scope.join(node.name)
        a = node.args
        positional = [*a.posonlyargs, *a.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults)) + list(a.defaults)
        for param, default in (*zip(positional, defaults, strict=True), *zip(a.kwonlyargs, a.kw_defaults, strict=True)):
            if default is not None:
                self.expr(default, scope, f"{name}({param.arg})")
        every = [*positional, *a.kwonlyargs]
        if scope.class_path is not None and scope.self_name is None:  # a method: its first parameter is `self`
            inner = python_tree._Scope(name, class_path=scope.class_path, self_name=every[0].arg if every else None)
        else:
            inner = python_tree._Scope(name, class_path=scope.class_path, self_name=scope.self_name)
        for stmt in node.body:
            self.statement(stmt, inner)

    def target(self, node: ast.expr, scope: python_tree._Scope) -> str:
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == scope.self_name
            and scope.class_path is not None
        ):
            return f"{scope.class_path}.{node.attr}"
        dotted = _dotted(node, self.text)
        return scope.join(dotted) if dotted else scope.anonymous

    def expr(self, node: ast.AST, scope: python_tree._Scope, symbol: str) -> None:
        kind = type(node)  # not isinstance: ast builds no subclasses, and this runs for every node
        if kind is ast.List or kind is ast.Tuple or kind is ast.Set:
            assert isinstance(node, ast.List | ast.Tuple | ast.Set)
            self._sequence(node, scope, symbol)
        elif kind is ast.Dict:
            assert isinstance(node, ast.Dict)
            self._dict(node, scope, symbol)
        elif kind is ast.Call:
            assert isinstance(node, ast.Call)
            self._call(node, scope, symbol)
        elif kind is ast.Lambda:
            assert isinstance(node, ast.Lambda)
            self.expr(node.body, scope, symbol)
        elif kind is ast.JoinedStr:
            before = len(self.found)
            for child in python_tree.children(node):
                self.expr(child, scope, symbol)
            if len(self.found) > before:
                raise _Fallback  # positions inside f-strings are unreliable before CPython 3.12
        elif kind is ast.Subscript and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple):
            self.expr(node.value, scope, symbol)
            if self.text.parenthesized(node.slice):
                self.expr(node.slice, scope, symbol)
            else:  # libcst: one subscript element per item, no tuple
                for child in node.slice.elts:
                    self.expr(child, scope, symbol)
        elif kind not in _LEAVES:
            for child in python_tree.children(node):
                if type(child) not in _LEAVES:
                    self.expr(child, scope, symbol)

    def _add(self, symbol: str, node: _Literal, strings: list[ast.Constant]) -> None:
        if strings:
            self.found.append(_Found(symbol, _KINDS[type(node)], node, tuple(strings)))

    def _strings(self, values: Sequence[ast.expr]) -> list[ast.Constant]:
        return [s for v in values if (s := _plain_string(v)) is not None and self.text.single_literal(s)]

    def _sequence(self, node: ast.List | ast.Tuple | ast.Set, scope: python_tree._Scope, symbol: str) -> None:
        values = [e.value if isinstance(e, ast.Starred) else e for e in node.elts]
        rows = [v for v in values if isinstance(v, ast.Tuple)]
        if rows and len(rows) == len(values):  # a table: one collection per tuple position
            for i in range(max(len(r.elts) for r in rows)):
                column = [_unstar(r.elts[i]) for r in rows if i < len(r.elts)]
                self._add(f"{symbol}[*][{i}]", node, self._strings(column))
                for v in column:
                    self.expr(v, scope, f"{symbol}[*][{i}]")
            return
        self._add(symbol, node, self._strings(values))
        for i, v in enumerate(values):
            if type(v) not in _LEAVES:
                nested = isinstance(v, _Literal)
                self.expr(v, scope, f"{symbol}[{i}]" if nested else symbol)

    def _dict(self, node: ast.Dict, scope: python_tree._Scope, symbol: str) -> None:
        keys: list[ast.Constant] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:  # `**other`
                self.expr(value, scope, symbol)
                continue
            string = _plain_string(key)
            if string is not None and self.text.single_literal(string):
                keys.append(string)
                if type(value) not in _LEAVES:
                    self.expr(value, scope, f"{symbol}[{string.value!r}]")  # as `_key_text` names it
                continue
            self.expr(key, scope, symbol)
            self.expr(value, scope, f"{symbol}[{_key_text(key, self.text) or '*'}]")
        self._add(symbol, node, keys)

    def _call(self, node: ast.Call, scope: python_tree._Scope, symbol: str) -> None:
        callee = _dotted(node.func, self.text)
        if callee is None:
            self.expr(node.func, scope, symbol)
            callee = "<call>"
        args: list[tuple[str | None, ast.expr]] = [(None, _unstar(a)) for a in node.args]
        if node.keywords:  # libcst keeps positional, keyword and ** arguments in source order
            placed = [*map(_position, node.args), *map(_position, node.keywords)]
            args += [(k.arg, k.value) for k in node.keywords]
            args = [arg for _, arg in sorted(zip(placed, args, strict=True), key=lambda p: p[0])]
        for i, (kw, value) in enumerate(args):
            if type(value) in _LEAVES:
                continue
            if (kw is None and callee in _WRAPPERS) or (callee in _FIELD_CALLS and kw in _FIELD_DEFAULTS):
                self.expr(value, scope, symbol)
            else:
                self.expr(value, scope, scope.join(f"{callee}({kw if kw is not None else i})"))


def _bare(node: ast.expr) -> bool:
    """Whether `_Walker.expr` would find nothing in `node` and raise nothing, told without its symbol: a leaf,
    or operations, comparisons, attributes, subscripts (no tuple) and calls of a plain callee (`a.b.c(...)`)
    over such. (Most statements of a large module are like `n = self.stats.get('k', 0) + 1`.)"""
    kind = type(node)
    if kind in _LEAVES:
        return True
    if kind is ast.Call:
        assert isinstance(node, ast.Call)
        func = node.func
        while type(func) is ast.Attribute:
            func = func.value
        if type(func) is not ast.Name:  # else `_dotted` names it: nothing in it is walked, nothing raised
            return False
        for arg in node.args:
            if type(arg) not in _LEAVES and not _bare(_unstar(arg)):
                return False
        return all(type(k.value) in _LEAVES or _bare(k.value) for k in node.keywords)
    if kind is ast.BinOp:
        assert isinstance(node, ast.BinOp)
        return _bare(node.left) and _bare(node.right)
    if kind is ast.Attribute:
        assert isinstance(node, ast.Attribute)
        return _bare(node.value)
    if kind is ast.Compare:
        assert isinstance(node, ast.Compare)
        return _bare(node.left) and all(_bare(c) for c in node.comparators)
    if kind is ast.BoolOp:
        assert isinstance(node, ast.BoolOp)
        return all(_bare(v) for v in node.values)
    if kind is ast.UnaryOp:
        assert isinstance(node, ast.UnaryOp)
        return _bare(node.operand)
    if kind is ast.Subscript:  # `rows[:n]`; a tuple inside brackets is another story (`_Text.parenthesized`)
        assert isinstance(node, ast.Subscript)
        return type(node.slice) is not ast.Tuple and _bare(node.value) and _bare(node.slice)
    if kind is ast.Slice:
        assert isinstance(node, ast.Slice)
        return all(part is None or _bare(part) for part in (node.lower, node.upper, node.step))
    return False


def _settled(node: ast.AST) -> bool:
    """Whether walking a simple statement (`_SIMPLE`) would find nothing and raise nothing, told by its shape."""
    kind = type(node)
    if kind is ast.Assign:
        assert isinstance(node, ast.Assign)
        return _bare(node.value) and _pure_target(node.targets[0])
    if kind is ast.AnnAssign or kind is ast.AugAssign:
        assert isinstance(node, ast.AnnAssign | ast.AugAssign)
        return node.value is None or (_bare(node.value) and _pure_target(node.target))
    if kind is ast.Expr or kind is ast.Return:
        assert isinstance(node, ast.Expr | ast.Return)
        return node.value is None or _bare(node.value)
    return False


def _pure_target(node: ast.expr) -> bool:
    """Whether `_Walker.target` cannot raise `_Fallback` on `node`: no subscript at the base of its name."""
    while type(node) is ast.Attribute:
        node = node.value
    return type(node) is not ast.Subscript


def _unstar(node: ast.expr) -> ast.expr:
    return node.value if isinstance(node, ast.Starred) else node


def _position(node: ast.expr | ast.keyword) -> tuple[int, int]:
    return node.lineno, node.col_offset


# --- positions -------------------------------------------------------------------------------------


class _Text:
    """The source, by line, for the questions `ast` leaves open; columns converted from UTF-8 bytes."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = python_tree.line_index(text).starts
        self._lines: dict[int, tuple[str, bool]] = {}

    def line(self, number: int) -> tuple[str, bool]:
        """The line's text (with its line break) and whether it is ASCII (bytes are characters)."""
        cached = self._lines.get(number)
        if cached is None:
            end = self.starts[number] if number < len(self.starts) else len(self.text)
            line = self.text[self.starts[number - 1] : end]
            cached = self._lines[number] = (line, line.isascii())
        return cached

    def offset(self, line: int, byte_col: int) -> int:
        """Character offset in the text of (1-based line, UTF-8 byte column)."""
        text, ascii_only = self.line(line)
        col = byte_col if ascii_only else len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        return self.starts[line - 1] + col

    def start(self, node: ast.expr) -> int:
        return self.offset(node.lineno, node.col_offset)

    def end(self, node: ast.expr) -> int:
        assert node.end_lineno is not None
        assert node.end_col_offset is not None
        return self.offset(node.end_lineno, node.end_col_offset)

    def segment(self, node: ast.expr) -> str:
        return self.text[self.start(node) : self.end(node)]

    def inert(self, node: ast.AST) -> bool:
        """Whether the lines of a statement (with no statement inside) can hold no collection and no `_Fallback`.

        A collection holds a string (a quote) and is a list (`[`), a tuple (`,`: the empty one holds
        nothing), a set or a dict (`{`). What raises `_Fallback` with no collection found, a subscript
        (`parenthesized`, `_key_text`), takes a `[`. So lines with no `[`, and no quote or no `,` and `{`, hold
        neither: the walk would find nothing there.
        """
        text, starts = self.text, self.starts
        end_line: int = getattr(node, "end_lineno", None) or len(starts)
        start = starts[getattr(node, "lineno", 1) - 1]
        end = starts[end_line] if end_line < len(starts) else len(text)
        if text.find("[", start, end) != -1:
            return False
        if text.find("'", start, end) == -1 and text.find('"', start, end) == -1:
            return True
        return text.find(",", start, end) == -1 and text.find("{", start, end) == -1

    def literal_end(self, start: int) -> int:
        """Offset just past the one string literal that starts at `start`."""
        m = _STRING_START.match(self.text, start)
        if m is None:
            raise _Fallback
        quote = m.group(1)
        i = m.end()
        while True:
            j = self.text.find(quote, i)
            k = self.text.find("\\", i, j)
            if j == -1:
                raise _Fallback
            if k == -1:
                return j + len(quote)
            i = k + 2  # a backslash escapes the next character, in raw strings too

    def single_literal(self, node: ast.Constant) -> bool:
        """Not an implicit concatenation (`'a' 'b'`), which libcst does not count as a plain string."""
        return self.literal_end(self.start(node)) == self.end(node)

    def _skip_space(self, i: int) -> int:
        """Past whitespace, comments and backslash continuations."""
        text = self.text
        while i < len(text):
            c = text[i]
            if c in " \t\f\r\n\\":
                i += 1
            elif c == "#":
                j = text.find("\n", i)
                i = len(text) if j == -1 else j
            else:
                break
        return i

    def parenthesized(self, node: ast.Tuple) -> bool:
        """Whether the tuple has parentheses of its own (ast's tuple position includes them, or a first item's)."""
        start = self.start(node)
        if self.text[start] != "(":
            return False
        if not node.elts:
            return True
        first = self.start(node.elts[0])
        between = self.text[start:first]
        opens = sum(1 for c in _code(between) if c == "(")
        if opens != 1:
            raise _Fallback  # `((a), b)` or `((a)), b`: ambiguous without a tokenizer
        after = self._skip_space(self.end(node.elts[0]))
        if after < len(self.text) and self.text[after] == ",":
            return True  # `(a, b)`: the parenthesis is the tuple's
        if after < len(self.text) and self.text[after] == ")":
            return False  # `(a), b`: the parenthesis is the first item's
        raise _Fallback

    def comment(self, after: int) -> str | None:
        """The comment ending the line, if any, scanning from `after` (a position outside any string)."""
        text = self.text
        i = after
        while i < len(text):
            c = text[i]
            if c in "\r\n":
                return None
            if c == "#":
                j = i
                while j < len(text) and text[j] not in "\r\n":
                    j += 1
                return text[i + 1 : j].strip()
            if c in "'\"":
                quote = text[i : i + 3] if text[i : i + 3] in ("'''", '"""') else c
                j = i + len(quote)
                while True:
                    k = text.find(quote, j)
                    b = text.find("\\", j, k)
                    nl = _first_newline(text, j, k if k != -1 else len(text))
                    if len(quote) == 1 and nl != -1 and (b == -1 or b > nl):
                        return None  # an unterminated string: not a line we read comments from
                    if k == -1:
                        return None
                    if b == -1:
                        i = k + len(quote)
                        break
                    j = b + 2
                if _line_of_index(self.starts, i) != _line_of_index(self.starts, after):
                    return None  # the string ran on to another line
                continue
            i += 1
        return None


def _first_newline(text: str, start: int, end: int) -> int:
    for c in "\r\n":
        k = text.find(c, start, end)
        if k != -1:
            return k
    return -1


def _line_of_index(starts: list[int], offset: int) -> int:
    return bisect.bisect_right(starts, offset)


def _code(between: str) -> Iterator[str]:
    """The characters of a stretch between tokens, without its comments."""
    in_comment = False
    for c in between:
        if c == "#":
            in_comment = True
        elif c in "\r\n":
            in_comment = False
        elif not in_comment:
            yield c


def _collections(path: str, t: _Text, found: list[_Found]) -> list[Collection]:
    """Locations as libcst's codegen counts them: a collection at its opening bracket (a bare tuple: its first
    item, parentheses included, which is where ast starts it too), an element at its quote."""
    out: list[Collection] = []
    for f in found:
        elements = []
        for s in f.strings:
            assert isinstance(s.value, str)
            line, column = _line_col(t.starts, t.start(s))
            comment = t.comment(t.end(s)) if s.end_lineno == s.lineno else None
            elements.append(Element(s.value, Location(path, line, column), comment))
        line, column = _line_col(t.starts, t.start(f.node))
        end_line = f.node.end_lineno or f.node.lineno  # the closing bracket (a tuple's innermost parenthesis)
        out.append(Collection(path, f.symbol, f.kind, Location(path, line, column), tuple(elements), end_line))
    out.sort(key=lambda c: (c.location.line, c.location.column))
    return out


def _line_col(starts: list[int], offset: int) -> tuple[int, int]:
    line = _line_of_index(starts, offset)
    return line, offset - starts[line - 1] + 1
