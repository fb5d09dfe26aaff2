"""Collections of string literals in Python source, found with libcst. The code is never imported or run.

Symbols name where a collection lives: enclosing classes and functions joined with '.', then
  - the assignment target: `EXPECTED_PROCESSORS`, `PhaseTransitionConfig.phase2_expected_processors`
    (also through `field(default_factory=lambda: [...])`, `frozenset([...])` and similar wrappers),
    `self.x = [...]` in a method gives `Class.x`, `CONFIG['k'] = [...]` gives `CONFIG['k']`;
  - a dict value: `NAME['key']`; a collection nested in a list: `NAME[i]`;
  - a list/tuple of tuples: one collection per tuple position, `NAME[*][0]`, `NAME[*][1]`, ...;
  - a call argument: `func(kwarg)` or `func(0)` (positional); a parameter default: `func(param)`;
  - a returned literal: `func()`; anything else: the enclosing path alone, or `<module>`.
Only plain string literals are elements (no f-strings, bytes or implicit concatenations).

Speed: libcst parses at about 0.8 MB/s and its PositionProvider costs twice that again. So positions
come from one codegen pass that only counts characters (`OffsetCounter`, ~3x cheaper), and with
`focus` only the top-level statements that mention a focus name are parsed: CPython's own parser
(`ast`, ~10x faster than libcst) finds their line ranges, reading the file only up to the end of
the last such statement, and libcst parses just those lines.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

import libcst as cst
from libcst._nodes.internal import CodegenState  # libcst's own PositionProvider builds on it too

from driftbot.extract.python_tree import (
    _FIELD_CALLS,
    _FIELD_DEFAULTS,
    _WRAPPERS,
    Kind,
    ParseFailure,
    _Scope,
    decode,
    focus_statements,
    guarded_parse,
    statement_lines,
)
from driftbot.ftypes import Collection, Element, Location
from driftbot.textpos import LineIndex

_Literal = cst.List | cst.Tuple | cst.Set | cst.Dict
_NEWLINE = re.compile(r"\r\n?|\n")  # what libcst and CPython count as a line break
_SKIPPED_FIELDS = frozenset({"lpar", "rpar", "annotation", "returns"})


def extract(path: str, source: bytes, focus: frozenset[str] | None = None) -> list[Collection]:
    """Every string collection in `source`, in source order. `path` is repo-relative POSIX.

    With `focus`, only top-level statements mentioning one of these names (delimited by
    non-identifier characters) are parsed: collections elsewhere are skipped, and a syntax error
    after the last such statement goes unnoticed (nothing could be missed there).
    """
    text = decode(path, source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. SyntaxWarning for invalid escapes: the scanned code's business
        return _extract(path, text, focus)


def _extract(path: str, text: str, focus: frozenset[str] | None) -> list[Collection]:
    try:
        if focus is not None:
            spans = _focus_spans(path, text, focus)
            if spans is not None:
                try:
                    return [c for first, last in spans for c in _extract_lines(path, text, first, last)]
                except cst.ParserSyntaxError:
                    pass  # libcst disagrees with CPython on these lines: judge the whole file below
        _check_whole(path, text)
        return _collect(path, text, _parse(path, text), line_offset=0)
    except RecursionError:
        raise ParseFailure(Location(path, 1, 1), "too deeply nested to analyse") from None


def _check_whole(path: str, text: str) -> None:
    """Refuse, before libcst sees it, a file libcst would crash or stall on (CPython's parser is the judge).

    libcst's native parser overflows its stack (SIGSEGV) on a few thousand nested brackets or chained
    operators, and slows down quadratically well before; CPython refuses the same input cleanly.
    """
    guarded_parse(path, text)


def _parse(path: str, text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        failure = _cpython_error(path, text)  # libcst's error positions are often a line off
        raise failure or ParseFailure(Location(path, exc.raw_line, exc.raw_column + 1), exc.message) from None


def _cpython_error(path: str, text: str) -> ParseFailure | None:
    try:
        ast.parse(text)
    except SyntaxError as exc:
        if exc.lineno:
            return ParseFailure(Location(path, exc.lineno, max(exc.offset or 1, 1)), exc.msg)
    except (ValueError, MemoryError, RecursionError):
        pass
    return None


def _focus_spans(path: str, text: str, focus: frozenset[str]) -> list[tuple[int, int]] | None:
    """1-based line ranges of the top-level statements mentioning a focus name; None if CPython can't parse.

    ParseFailure when those statements are over `check_size`'s limits.
    """
    chosen = focus_statements(path, text, focus)
    if chosen is None:
        return None
    spans: list[tuple[int, int]] = []
    for stmt in chosen:
        first, last = statement_lines(stmt)
        if spans and spans[-1][1] >= first - 1:
            spans[-1] = (spans[-1][0], last)
        else:
            spans.append((first, last))
    return spans


def _extract_lines(path: str, text: str, first: int, last: int) -> list[Collection]:
    starts = LineIndex(text).starts
    end = starts[last] if last < len(starts) else len(text)
    snippet = text[starts[first - 1] : end]
    return _collect(path, snippet, cst.parse_module(snippet), line_offset=first - 1)


# --- finding collections -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Found:
    symbol: str
    kind: Kind
    node: _Literal
    strings: tuple[cst.SimpleString, ...]


def _plain_string(node: cst.BaseExpression) -> cst.SimpleString | None:
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        return node
    return None


def _evaluate(node: cst.SimpleString) -> str | None:
    raw = node.raw_value
    if "\r" not in raw and ("\\" not in raw or "r" in node.prefix.lower()):
        return raw  # nothing to unescape: skip literal_eval, which compiles every string
    try:
        value = node.evaluated_value
    except (SyntaxError, ValueError):  # e.g. '\N{NO SUCH NAME}': libcst parses it, CPython won't
        return None
    return value if isinstance(value, str) else None


def _dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        base = _dotted(node.value)
        index = node.slice[0].slice
        if base and isinstance(index, cst.Index):
            key = _key_text(index.value)
            return f"{base}[{key}]" if key else None
    return None


def _key_text(node: cst.BaseExpression) -> str | None:
    string = _plain_string(node)
    value = _evaluate(string) if string is not None else None
    if value is not None:
        return repr(value)
    if isinstance(node, cst.Integer):
        return node.value
    return _dotted(node)


class _Walker:
    """Walks statements and expressions, carrying the symbol a collection found there gets."""

    def __init__(self) -> None:
        self.found: list[_Found] = []

    def statement(self, node: cst.CSTNode, scope: _Scope) -> None:
        if isinstance(node, cst.ClassDef):
            self._decorators(node.decorators, scope)
            for arg in (*node.bases, *node.keywords):
                self.expr(arg.value, scope, scope.anonymous)
            inner = scope.join(node.name.value)
            self.statement(node.body, _Scope(inner, class_path=inner))
        elif isinstance(node, cst.FunctionDef):
            self._function(node, scope)
        elif isinstance(node, cst.Assign):
            symbol = self.target(node.targets[0].target, scope)
            self.expr(node.value, scope, symbol)
        elif isinstance(node, cst.AnnAssign | cst.AugAssign):
            if node.value is not None:
                self.expr(node.value, scope, self.target(node.target, scope))
        elif isinstance(node, cst.Return):
            if node.value is not None:
                self.expr(node.value, scope, f"{scope.path}()" if scope.path else scope.anonymous)
        elif isinstance(node, cst.BaseExpression):
            self.expr(node, scope, scope.anonymous)
        else:
            for child in _children(node):
                self.statement(child, scope)

    def _decorators(self, decorators: Sequence[cst.Decorator], scope: _Scope) -> None:
        for d in decorators:
            self.expr(d.decorator, scope, scope.anonymous)

    def _function(self, node: cst.FunctionDef, scope: _Scope) -> None:
        self._decorators(node.decorators, scope)
        name = scope.join(node.name.value)
        p = node.params
        every = (*p.posonly_params, *p.params, *p.kwonly_params)
        for param in every:
            if param.default is not None:
                self.expr(param.default, scope, f"{name}({param.name.value})")
        if scope.class_path is not None and scope.self_name is None:  # a method: its first parameter is `self`
            first = every[0].name.value if every else None
            inner = _Scope(name, class_path=scope.class_path, self_name=first)
        else:
            inner = _Scope(name, class_path=scope.class_path, self_name=scope.self_name)
        self.statement(node.body, inner)

    def target(self, node: cst.BaseExpression, scope: _Scope) -> str:
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value == scope.self_name
            and scope.class_path is not None
        ):
            return f"{scope.class_path}.{node.attr.value}"
        dotted = _dotted(node)
        return scope.join(dotted) if dotted else scope.anonymous

    def expr(self, node: cst.CSTNode, scope: _Scope, symbol: str) -> None:
        if isinstance(node, cst.List | cst.Tuple | cst.Set):
            self._sequence(node, scope, symbol)
        elif isinstance(node, cst.Dict):
            self._dict(node, scope, symbol)
        elif isinstance(node, cst.Call):
            self._call(node, scope, symbol)
        elif isinstance(node, cst.Lambda):
            self.expr(node.body, scope, symbol)
        elif not isinstance(node, cst.SimpleString | cst.Name | cst.BaseNumber):
            for child in _children(node):
                self.expr(child, scope, symbol)

    def _add(self, symbol: str, node: _Literal, strings: list[cst.SimpleString]) -> None:
        if strings:
            kind: Kind = "dict" if isinstance(node, cst.Dict) else _SEQUENCE_KINDS[type(node)]
            self.found.append(_Found(symbol, kind, node, tuple(strings)))

    def _sequence(self, node: cst.List | cst.Tuple | cst.Set, scope: _Scope, symbol: str) -> None:
        values = [e.value for e in node.elements]
        rows = [v for v in values if isinstance(v, cst.Tuple)]
        if rows and len(rows) == len(values):  # a table: one collection per tuple position
            for i in range(max(len(r.elements) for r in rows)):
                column = [r.elements[i].value for r in rows if i < len(r.elements)]
                self._add(f"{symbol}[*][{i}]", node, [s for v in column if (s := _plain_string(v))])
                for v in column:
                    self.expr(v, scope, f"{symbol}[*][{i}]")
            return
        self._add(symbol, node, [s for v in values if (s := _plain_string(v))])
        for i, v in enumerate(values):
            nested = isinstance(v, _Literal)
            self.expr(v, scope, f"{symbol}[{i}]" if nested else symbol)

    def _dict(self, node: cst.Dict, scope: _Scope, symbol: str) -> None:
        keys: list[cst.SimpleString] = []
        for el in node.elements:
            if isinstance(el, cst.DictElement):
                key = _plain_string(el.key)
                if key is not None:
                    keys.append(key)
                else:
                    self.expr(el.key, scope, symbol)
                self.expr(el.value, scope, f"{symbol}[{_key_text(el.key) or '*'}]")
            else:
                self.expr(el.value, scope, symbol)
        self._add(symbol, node, keys)

    def _call(self, node: cst.Call, scope: _Scope, symbol: str) -> None:
        callee = _dotted(node.func)
        if callee is None:
            self.expr(node.func, scope, symbol)
            callee = "<call>"
        for i, arg in enumerate(node.args):
            kw = arg.keyword.value if arg.keyword is not None else None
            if (kw is None and callee in _WRAPPERS) or (callee in _FIELD_CALLS and kw in _FIELD_DEFAULTS):
                self.expr(arg.value, scope, symbol)
            else:
                self.expr(arg.value, scope, scope.join(f"{callee}({kw if kw is not None else i})"))


_SEQUENCE_KINDS: dict[type[cst.CSTNode], Kind] = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}
_CHILD_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
_LEAVES = (cst.BaseParenthesizableWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Comment, cst.Newline)


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """Child nodes that may hold code, without whitespace (cheaper than libcst's `children`)."""
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = tuple(f.name for f in fields(node) if f.name not in _SKIPPED_FIELDS and "whitespace" not in f.name)
        _CHILD_FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not isinstance(value, _LEAVES):
                yield value
        elif isinstance(value, tuple | list):
            yield from (v for v in value if isinstance(v, cst.CSTNode) and not isinstance(v, _LEAVES))


# --- positions -----------------------------------------------------------------------------------


@dataclass
class OffsetCounter(CodegenState):
    """Codegen that only counts characters and notes the offsets of the nodes in `want`, plus comments."""

    want: set[int] = field(default_factory=set)  # id() of nodes: CSTNode.__hash__ is a slow Python call
    starts: dict[int, int] = field(default_factory=dict)
    ends: dict[int, int] = field(default_factory=dict)
    comments: list[tuple[int, str]] = field(default_factory=list)
    offset: int = 0

    def add_token(self, value: str) -> None:
        self.offset += len(value)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.offset += len(token)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.want:
            self.starts[id(node)] = self.offset
        elif type(node) is cst.Comment:
            self.comments.append((self.offset, node.value))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.want:
            self.ends[id(node)] = self.offset


def _brackets(node: _Literal) -> tuple[cst.CSTNode, cst.CSTNode]:
    if isinstance(node, cst.List):
        return node.lbracket, node.rbracket
    if isinstance(node, cst.Set | cst.Dict):
        return node.lbrace, node.rbrace
    if node.lpar:
        return node.lpar[-1], node.rpar[0]
    return node.elements[0].value, node.elements[-1].value  # a bare tuple: `X = 'a', 'b'`


def _collect(path: str, text: str, module: cst.Module, line_offset: int) -> list[Collection]:
    """`text` is what `module` was parsed from; lines are shifted by `line_offset`."""
    walker = _Walker()
    walker.statement(module, _Scope())
    if not walker.found:
        return []
    state = OffsetCounter(default_indent=module.default_indent, default_newline=module.default_newline)
    for f in walker.found:
        state.want.update(id(n) for n in (*_brackets(f.node), *f.strings))
    module._codegen(state)
    index = LineIndex(text)

    def locate(offset: int) -> Location:
        line, column = index.line_col(offset)
        return Location(path, line + line_offset, column)

    comments = {locate(o).line: comment[1:].strip() for o, comment in state.comments}
    out: list[Collection] = []
    for f in walker.found:
        opening, closing = _brackets(f.node)
        elements = []
        for s in f.strings:
            value = _evaluate(s)
            if value is None:
                continue
            where = locate(state.starts[id(s)] + sum(len(module.code_for_node(p)) for p in s.lpar))
            elements.append(Element(value, where, comments.get(where.line)))
        if not elements:
            continue
        end_line = locate(state.ends[id(closing)] - 1).line
        out.append(Collection(path, f.symbol, f.kind, locate(state.starts[id(opening)]), tuple(elements), end_line))
    out.sort(key=lambda c: (c.location.line, c.location.column))
    return out
