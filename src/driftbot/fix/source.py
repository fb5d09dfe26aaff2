"""A Python file as the fixers see it: decoded text, its libcst module, and where each sequence sits.

Locations follow `driftbot.extract.python` exactly (1-based; a string at its prefix after any
parentheses; a collection at its opening bracket, for a parenthesised tuple its innermost `(`), so
a Finding's location finds its node here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from driftbot.errors import DriftbotError
from driftbot.extract.python import OffsetCounter
from driftbot.textpos import LineIndex

Sequence_ = cst.List | cst.Tuple | cst.Set | cst.Dict
BOM = "\ufeff"


class NotParsable(DriftbotError):
    """The file is not valid UTF-8 Python: fixers leave it alone."""


@dataclass(frozen=True)
class Member:
    """A plain string that is a direct element (or dict key) of a sequence node."""

    sequence: Sequence_
    index: int  # in sequence.elements
    string: cst.SimpleString


@dataclass
class PySource:
    path: str
    text: str  # without a BOM
    bom: bool
    module: cst.Module
    members: dict[tuple[int, int], Member] = field(default_factory=dict)  # (line, column) of the string
    sequences: dict[tuple[int, int], Sequence_] = field(default_factory=dict)  # (line, column) of the bracket
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(sequence) -> [start, end) offsets
    ancestors: dict[int, tuple[int, ...]] = field(default_factory=dict)  # id(sequence) -> ids from the module down

    def encode(self, module: cst.Module) -> bytes:
        return ((BOM if self.bom else "") + module.code).encode("utf-8")


def load(path: str, data: bytes) -> PySource:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise NotParsable(f"{path}: not valid UTF-8; left unchanged") from None
    bom = text.startswith(BOM)
    text = text.removeprefix(BOM)
    try:
        module = cst.parse_module(text)
    except (cst.ParserSyntaxError, RecursionError) as exc:
        where = f"{exc.raw_line}:{exc.raw_column + 1}" if isinstance(exc, cst.ParserSyntaxError) else "1:1"
        raise NotParsable(f"{path}:{where}: does not parse; left unchanged") from None
    src = PySource(path, text, bom, module)
    _locate(src)
    return src


def opening(node: Sequence_) -> cst.CSTNode:
    if isinstance(node, cst.List):
        return node.lbracket
    if isinstance(node, cst.Set | cst.Dict):
        return node.lbrace
    return node.lpar[-1] if node.lpar else node.elements[0].value


def closing(node: Sequence_) -> cst.CSTNode:
    if isinstance(node, cst.List):
        return node.rbracket
    if isinstance(node, cst.Set | cst.Dict):
        return node.rbrace
    return node.rpar[0] if node.rpar else node.elements[-1].value


class _Collector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.sequences: list[Sequence_] = []
        self.members: list[Member] = []
        self.stack: list[int] = []
        self.ancestors: dict[int, tuple[int, ...]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.stack.append(id(node))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()
        super().on_leave(original_node)

    def _sequence(self, node: Sequence_) -> None:
        if isinstance(node, cst.Tuple) and not node.elements:
            return
        self.sequences.append(node)
        self.ancestors[id(node)] = tuple(self.stack)
        for i, el in enumerate(node.elements):
            value = el.key if isinstance(el, cst.DictElement) else el.value
            if isinstance(value, cst.SimpleString) and isinstance(el, cst.Element | cst.DictElement):
                self.members.append(Member(node, i, value))

    def visit_List(self, node: cst.List) -> None:
        self._sequence(node)

    def visit_Tuple(self, node: cst.Tuple) -> None:
        self._sequence(node)

    def visit_Set(self, node: cst.Set) -> None:
        self._sequence(node)

    def visit_Dict(self, node: cst.Dict) -> None:
        self._sequence(node)


def _locate(src: PySource) -> None:
    collector = _Collector()
    src.module.visit(collector)
    src.ancestors = collector.ancestors
    if not collector.sequences:
        return
    state = OffsetCounter(default_indent=src.module.default_indent, default_newline=src.module.default_newline)
    for s in collector.sequences:
        state.want.update((id(opening(s)), id(closing(s))))
    state.want.update(id(m.string) for m in collector.members)
    src.module._codegen(state)
    at = LineIndex(src.text).line_col

    for s in collector.sequences:  # inner after outer: a bare tuple `X = [..], 'b'` shares its first element's spot
        begin, end = state.starts[id(opening(s))], state.ends[id(closing(s))]
        src.sequences[at(begin)] = s
        src.spans[id(s)] = (begin, end)
    for m in collector.members:
        offset = state.starts[id(m.string)] + sum(len(src.module.code_for_node(p)) for p in m.string.lpar)
        src.members[at(offset)] = m
