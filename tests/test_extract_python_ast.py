"""The fast read path (`extract.python_ast`, CPython's ast) finds exactly what libcst's (`extract.python`) finds.

Differential: every .py file of networkx (pinned in the test extra), the realistic bench corpus and the
example repository, whole and focused, must give identical collections (values, symbol, kind, line,
column, comment, end line) or the same parse failure. Hand-written cases cover the constructs where
ast and libcst see different trees, and the ones ast leaves to libcst (the fallback).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from driftbot.extract import python, python_ast, python_tree
from driftbot.ftypes import Collection

networkx = pytest.importorskip("networkx")
ROOT = Path(__file__).resolve().parents[1]
CORPORA = {
    "networkx": Path(networkx.__file__).resolve().parent,
    "realistic": ROOT / "bench" / "corpus" / "realistic",
    "example": ROOT / "examples",
}
FILES = sorted((name, p) for name, root in CORPORA.items() for p in root.rglob("*.py") if "__pycache__" not in p.parts)
CHUNKS = 8  # separate tests, so that pytest-xdist spreads the corpus over the cores
IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{2,}$")


def both(path: str, data: bytes, focus: frozenset[str] | None = None) -> tuple[object, object]:
    def run(fn: object) -> object:
        try:
            return fn(path, data, focus)  # type: ignore[operator]
        except python.ParseFailure as exc:
            return ("failure", exc.location, exc.message)

    return run(python.extract), run(python_ast.extract)


def test_corpus_is_large_enough() -> None:
    assert sum(1 for name, _ in FILES if name == "networkx") > 500
    assert sum(1 for name, _ in FILES if name != "networkx") > 20


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_both_paths_find_the_same_collections(chunk: int) -> None:
    found = 0
    for index in range(chunk, len(FILES), CHUNKS):
        name, path = FILES[index]
        rel = path.relative_to(CORPORA[name]).as_posix()
        data = path.read_bytes()
        libcst_found, ast_found = both(rel, data)
        assert ast_found == libcst_found, f"{name}:{rel}"
        if isinstance(libcst_found, list) and libcst_found and index % 3 == 0:
            values = {e.value for c in libcst_found for e in c.elements if IDENT.match(e.value)}
            focus = frozenset(sorted(values)[:3])
            focused_cst, focused_ast = both(rel, data, focus)
            assert focused_ast == focused_cst, f"{name}:{rel} focused on {sorted(focus)}"
        found += len(libcst_found) if isinstance(libcst_found, list) else 0
    assert found > 0


CASES = {
    "concatenated": "X = ['a' 'b', 'c', f'd', b'e', 'g']\n",
    "subscript tuple": "X = y['a', 'b']\nZ = y[('a', 'b')]\nW = y['k',]\nV = {'k': 1}\nV['a', 'b'] = ['p', 'q']\n",
    "keys": "D = {'a': ['x', 'y'], 1: ['z', 'w'], 0x10: ['u', 'v'], True: ['s', 't'], None: ['r'], -1: ['q']}\n",
    "calls": "f('a', *['b', 'c'], k=['d', 'e'], **{'f': 1}, m=('g', 'h'))\nfrozenset(['i', 'j'])\n",
    "comments": "X = [\n    'a',  # first\n    'b', '#', 'c',  # third\n    '''d\n''',  # after\n    'e' # é\n]\n",
    "non-ascii": "É = {'é': ['ü', 'ß'], 'x': 'y'}  # ok\nX = ['日本', 'b']\n",
    "crlf": "X = [\r\n    'a',  # one\r\n    'b',\r\n]\r\n",
    "tables": "T = [('a', 1, 'x'), ('b', 2), ('c', 3, 'z')]\n",
    "bare tuple": "X = 'a', 'b'\nY = ('c'), 'd'\nZ = (('e', 'f'))\n",
    "scopes": (
        "class A(B, meta=['m', 'n']):\n    X = ['a', 'b']\n    def f(self, p=['c', 'd'], *, q=('e', 'f')):\n"
        "        self.y = ['g', 'h']\n        def g():\n            self.z = ['i', 'j']\n        return ['k', 'l']\n"
        "    @dec(['o', 'p'])\n    async def h(cls):\n        cls.w: list = ['q', 'r']\n"
        "@field(default_factory=lambda: ['s', 't'])\ndef k(x=lambda y=['u']: ['v', 'w']):\n    pass\n"
    ),
    "statements": (
        "for x in ['a', 'b']:\n    assert x in ('c', 'd'), ['e', 'f']\nwith open(['g']) as f:\n    pass\n"
        "try:\n    pass\nexcept (A, B):\n    raise E(['h', 'i'])\nX += ['j']\nY: int\nif z := ['k', 'l']:\n    pass\n"
        "R = [y for y in {'m', 'n'} if y in ['o']]\nS = {**other, 'p': 1}\nL = [*['q'], 'r']\n"
    ),
    "escapes": "X = ['a\\\\tb', r'c\\\\d', '\\u00e9', '''multi\nline''', \"q'\"]\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_constructs_where_the_trees_differ(name: str) -> None:
    data = CASES[name].encode()
    libcst_found, ast_found = both("m.py", data)
    assert isinstance(libcst_found, list)
    assert libcst_found
    assert ast_found == libcst_found


FALLBACKS = {
    "f-string": "X = f\"{', '.join(['a', 'b'])}\"\n",
    "match": "match x:\n    case 'a':\n        Y = ['b', 'c']\n",
    "ambiguous parentheses": "X = y[(('a'), 'b')]\nZ = ['c', 'd']\n",
    "syntax error": "X = ['a', 'b'\n",
    "newer syntax": "type T = int\nX = ['a', 'b']\n",
}


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_files_ast_cannot_match_go_to_libcst(name: str) -> None:
    text = FALLBACKS[name]
    with pytest.raises(python_ast._Fallback):
        python_ast._extract("m.py", text, None)
    libcst_found, ast_found = both("m.py", text.encode())
    assert ast_found == libcst_found


def test_fallback_results_are_the_libcst_ones() -> None:
    found = python_ast.extract("m.py", FALLBACKS["match"].encode())
    assert found == [c for c in python.extract("m.py", FALLBACKS["match"].encode()) if isinstance(c, Collection)]
    assert [c.symbol for c in found] == ["Y"]


def test_limits_hold_on_the_fast_path() -> None:
    deep = "X = " + "[" * 250 + "'a'" + "]" * 250 + "\n"
    with pytest.raises(python.ParseFailure, match="nested more than"):
        python_ast.extract("deep.py", deep.encode())
    with pytest.raises(python.ParseFailure, match="not valid UTF-8"):
        python_ast.extract("bad.py", b"X = ['\xff']\n")


BARE_CASES = {
    "n = self.stats.get('k', 0) + 1": True,
    "logger.info('a, b', x, *args, key=value, **kw)": True,
    "if row.get('id') is not None and not done: pass": True,
    "x = rows[:limit] + rows[1:2:3]": True,
    "x = f(['a', 'b'])": False,  # a collection
    "x = f(g(1)[0]).h('a', 'b')": False,  # a callee `_dotted` does not name: walked
    "x = t[('a'), 'b']": False,  # a tuple in brackets: `_Text.parenthesized` may fall back
    "d[('a'), 'b'] = 1": False,  # the target's name may fall back
    "x = f'{y}'": False,
    "x = (lambda: ['a', 'b'])()": False,
}


@pytest.mark.parametrize("code", list(BARE_CASES))
def test_statements_settled_by_their_shape(code: str) -> None:
    stmt = ast.parse(code).body[0]
    node = stmt.test if isinstance(stmt, ast.If) else stmt
    assert (python_ast._settled(node) or python_ast._bare(node)) == BARE_CASES[code]


def test_what_the_shape_settles_the_walk_would_not_find_or_raise() -> None:
    """`_bare`/`_settled` skip a walk: over networkx and the realistic corpus, the walk of each expression and
    simple statement they skip finds nothing and raises nothing (so skipping it changes nothing)."""
    skipped = 0
    for _, path in FILES[::3]:
        text = path.read_text(encoding="utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        source = python_ast._Text(text)
        for node in ast.walk(tree):
            walker = python_ast._Walker(source)
            scope = python_tree._Scope("f", class_path="C", self_name="self")
            if isinstance(node, ast.expr) and python_ast._bare(node):
                walker.expr(node, scope, "s")
            elif isinstance(node, ast.stmt) and python_ast._settled(node):
                targets = [*getattr(node, "targets", [])[:1], *([node.target] if hasattr(node, "target") else [])]
                for target in targets:
                    walker.target(target, scope)
                value = getattr(node, "value", None)
                if value is not None:
                    walker.expr(value, scope, "s")
            else:
                continue
            skipped += 1
            assert walker.found == [], (path, node.lineno)  # type: ignore[attr-defined]
    assert skipped > 10_000
