"""The size check of Python files (`python_tree.check_size`) clears statements by their length and walks
only what their length cannot clear; it refuses exactly what the walk over every node refuses.

The bound it rests on: a node n characters long is at most n + 1 levels deep, and a statement n
characters long holds at most 2n + 2 nodes. Checked here for every node of the standard library's
own modules, networkx and the stored bench corpus, and on shapes built to be deep or dense.
"""

from __future__ import annotations

import ast
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from driftbot.extract import python_tree
from driftbot.extract.limits import MAX_PYTHON_DEPTH, MAX_PYTHON_NODES
from driftbot.extract.python_tree import ParseFailure
from driftbot.textpos import LineIndex

networkx = pytest.importorskip("networkx")
ROOT = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = sorted(
    [
        *STDLIB.glob("*.py"),
        *Path(networkx.__file__).resolve().parent.rglob("*.py"),
        *(ROOT / "bench" / "corpus").rglob("*.py"),
    ]
)
CHUNKS = 4


def _sizes(node: ast.AST, starts: list[int], placed: bool, out: list[tuple[int, int, int | None]]) -> tuple[int, int]:
    """(depth, nodes) of the node's tree, as `checked_nodes` counts them; (depth, nodes, length) of each in `out`."""
    children = [c for c in ast.iter_child_nodes(node) if not isinstance(c, ast.expr_context)]
    inner = placed and not isinstance(node, ast.JoinedStr)
    sizes = [_sizes(c, starts, inner, out) for c in children]
    depth = 1 + max((d for d, _ in sizes), default=0)
    nodes = 1 + sum(n for _, n in sizes)
    out.append((depth, nodes, python_tree._length(node, starts) if placed else None))
    return depth, nodes


def _texts(chunk: int) -> Iterator[str]:
    for path in FILES[chunk::CHUNKS]:
        try:
            yield path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_a_node_is_no_deeper_than_its_length_and_holds_at_most_two_nodes_a_character(chunk: int) -> None:
    seen = 0
    for text in _texts(chunk):
        tree = python_tree.tree_or_none(text)
        if tree is None:
            continue
        starts = LineIndex(text).starts
        for stmt in tree.body:
            out: list[tuple[int, int, int | None]] = []
            _, nodes = _sizes(stmt, starts, True, out)
            length = python_tree._length(stmt, starts)
            assert length is not None
            assert nodes <= 2 * length + 2
            for depth, _, node_length in out:
                assert node_length is None or depth <= node_length + 1
            seen += len(out)
    assert seen > 100_000


def _outcome(text: str, bounded: bool) -> tuple[int, int, str] | None:
    statements = python_tree.cpython_parse("m.py", text)
    assert statements is not None
    try:
        python_tree.check_size("m.py", statements, LineIndex(text).starts if bounded else None)
    except ParseFailure as exc:
        return exc.location.line, exc.location.column, exc.message
    return None


DEEP = MAX_PYTHON_DEPTH
SHAPES = {
    "unary chain at the limit": "X = " + "-" * (DEEP - 3) + "a\n",
    "unary chain past it": "X = " + "-" * (DEEP - 1) + "a\n",
    "unary chain as a statement": "-" * (DEEP - 1) + "a\n",
    "operator chain": "Y = 1\nX = " + "+".join(["a"] * (DEEP + 5)) + "\n",
    "attribute chain in a def": "def f():\n    return a" + ".b" * DEEP + "\n",
    "elif chain": "if a:\n    pass\n" + "elif a:\n    pass\n" * DEEP,
    "elif chain under the limit": "if a:\n    pass\n" + "elif a:\n    pass\n" * (DEEP - 5),
    "decorated": "@d(" + "-" * DEEP + "a)\ndef f():\n    pass\n",
    "f-string": "X = f'{" + "-" * DEEP + "a}'\n",
    "f-string format spec": "X = f'{a:{" + "-" * (DEEP - 4) + "b}}'\n",
    "lambdas": "X = " + "lambda: " * (DEEP - 2) + "0\n",
    "comprehensions": "X = " + "[" * 90 + "a for a in b" + "]" * 90 + "\n",
    "long but flat": "X = [\n" + "    'a',\n" * 20_000 + "]\n",
    "too many nodes": "X = [\n" + "    -a, b.c,\n" * 60_000 + "]\n",
    "many short statements": "x = -a\n" * 50_000,
    "non-ascii": "É = '" + "é" * 300 + "' + " + "+".join(["a"] * (DEEP + 1)) + "\n",
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_the_bounded_check_refuses_exactly_what_the_full_walk_refuses(name: str) -> None:
    text = SHAPES[name]
    assert _outcome(text, bounded=True) == _outcome(text, bounded=False)


def test_the_shapes_cover_both_limits_and_files_within_them() -> None:
    outcomes = {name: _outcome(text, bounded=False) for name, text in SHAPES.items()}
    messages = {o[2] for o in outcomes.values() if o is not None}
    assert messages == {
        python_tree._TOO_DEEP,
        f"more than the {MAX_PYTHON_NODES:,}-node limit for Python files",
    }
    assert sum(o is None for o in outcomes.values()) >= 5
