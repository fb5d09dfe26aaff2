"""Collections of class *objects* in Python: the registries a router instantiates processors from.

`PROCESSOR_REGISTRY = {'nba-com/schedule': NbacScheduleProcessor, ...}`, `HANDLERS = [p.NbacScheduleProcessor,
...]`, `{'x': NbacScheduleProcessor()}`: the string reader (`python_ast`) sees only the dict's string keys.
This reader walks the same statements with the same walker (so a collection's symbol and location are the
ones the string reader gives the same literal) and keeps, per list, tuple, set or dict, the CamelCase
names it holds as values or keys (`Name`, the last part of `a.b.Name`, or either called). Each becomes a
`Collection` whose elements are the class names at their exact positions: one collection model for both.

Only files naming at least MIN_CLASSES of the caller's classes (delimited, as the scan's prefilter counts)
are read, and only their top-level statements that name one; a collection is kept when it holds at least
MIN_CLASSES of them. A file `ast` cannot place exactly (the string reader's libcst fallback) says nothing.
"""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass

from driftbot.extract import python_ast, python_tree
from driftbot.extract.plan import MIN_CLASSES, Screen, wants_classes
from driftbot.extract.python_tree import ParseFailure
from driftbot.ftypes import Collection, Element, Location

CLASS_NAME = re.compile(r"[A-Z][^\W_]\w*")
_KINDS: dict[type[ast.AST], python_tree.Kind] = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict"}


@dataclass(frozen=True)
class ClassRefReader:
    """The scan's reader (`extract.scan.FileReader`) of class-object collections in Python files."""

    classes: tuple[bytes, ...]  # the classes a registry is recognised by (the SSOT's)
    suffixes: tuple[str, ...] = (".py",)
    weight: int = 1

    def wants(self, path: str, data: bytes) -> bool:
        return wants_classes(self.classes, data)

    def screen(self) -> Screen:
        return Screen("classes", self.suffixes, self.classes)

    def read(self, path: str, data: bytes) -> tuple[Collection, ...] | None:
        try:
            text = python_tree.decode(path, data)
        except ParseFailure:
            return None  # the Python scan reports it
        return class_collections(path, text, frozenset(c.decode() for c in self.classes))

    def prepare(self) -> None:
        pass


def class_collections(path: str, text: str, classes: frozenset[str]) -> tuple[Collection, ...] | None:
    """The collections of `text` holding at least MIN_CLASSES of `classes` as class objects; None: unreadable."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            statements = python_tree.focus_statements(path, text, classes)
            if statements is None:
                return None
            source = python_ast._Text(text)
            walker = _Walker(source)
            for stmt in statements:
                walker.statement(stmt, python_tree._Scope())
        except (ParseFailure, python_ast._Fallback, RecursionError):
            return None
    out: list[Collection] = []
    for symbol, node, refs in walker.refs:
        if len({name for name, _ in refs} & classes) < MIN_CLASSES:
            continue
        elements = tuple(Element(name, Location(path, *python_ast._line_col(source.starts, at))) for name, at in refs)
        line, column = python_ast._line_col(source.starts, source.start(node))
        end_line = node.end_lineno or node.lineno
        out.append(Collection(path, symbol, _KINDS[type(node)], Location(path, line, column), elements, end_line))
    return tuple(out)


class _Walker(python_ast._Walker):
    """The string reader's walker, also noting the class objects of each literal it visits."""

    def __init__(self, text: python_ast._Text) -> None:
        super().__init__(text)
        self.refs: list[tuple[str, python_ast._Literal, list[tuple[str, int]]]] = []

    def _sequence(self, node: ast.List | ast.Tuple | ast.Set, scope: python_tree._Scope, symbol: str) -> None:
        self._note(symbol, node, node.elts)
        super()._sequence(node, scope, symbol)

    def _dict(self, node: ast.Dict, scope: python_tree._Scope, symbol: str) -> None:
        items = [e for pair in zip(node.keys, node.values, strict=True) for e in pair if e is not None]
        self._note(symbol, node, items)
        super()._dict(node, scope, symbol)

    def _note(self, symbol: str, node: python_ast._Literal, items: list[ast.expr]) -> None:
        refs = [ref for item in items if (ref := self._class(item)) is not None]
        if len(refs) >= MIN_CLASSES:
            self.refs.append((symbol, node, refs))

    def _class(self, node: ast.expr) -> tuple[str, int] | None:
        """(class name, offset of the name) of `Name`, `a.b.Name` or either called."""
        if isinstance(node, ast.Starred):
            return None
        if isinstance(node, ast.Call):
            node = node.func
        if isinstance(node, ast.Name) and CLASS_NAME.fullmatch(node.id):
            return node.id, self.text.start(node)
        if isinstance(node, ast.Attribute) and CLASS_NAME.fullmatch(node.attr):
            return node.attr, self.text.end(node) - len(node.attr)
        return None
