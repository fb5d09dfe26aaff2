"""Read a repository's Python files for `driftbot init`: fast, within a time budget.

Three steps, cheapest first, each keeping only what can matter to the next:
  0. Bytes: a file can hold a pipeline list only if it names an inventory table (the audit's own
     delimited-name prefilter, `count_names`) or has a pipeline word or `phase<N>` before an opening
     bracket on a line (`PHASE2_TABLES = [`, `'processors': (`), or in a class or function name.
     Other files are never parsed.
  1. CPython's `ast` (about 10x faster than libcst) reads those and notes each string collection that
     could be a copied list (2+ distinct identifier-like values: list/tuple/set elements, dict keys,
     the columns of a list of tuples) with the names around it: enclosing classes and functions,
     assignment targets, calls, keywords and dict keys, a superset of the words of the symbol libcst
     will give it. A collection is *relevant* when it has the evidence ranking asks for (a pipeline
     word or phase in those names, or half of its values in an inventory) and holds 2+ values that
     relevant collections of another file hold too.
  2. Only files with a relevant collection are parsed, and only their statements naming its values,
     with the audit's own fast read path (`python_ast.extract(..., focus=...)`, CPython's `ast`; the
     differential test holds it equal to libcst's), so symbols and positions are those `driftbot
     audit` binds.
`progress(done, total)` counts files of steps 0-1, then parsed files on top. When the budget runs
out, reading stops and init proposes from what it read, saying how far it got.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import sys
import threading
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from driftbot.commands.init.discover import candidate_values
from driftbot.commands.init.rank import MIN_OVERLAP, PHASE, STRONG_WORDS, words
from driftbot.extract.python_ast import extract
from driftbot.extract.python_tree import ParseFailure, children
from driftbot.ftypes import Collection

Progress = Callable[[int, int], None]
CHUNK = 250  # files per pass-1 job: progress and budget granularity
PARALLEL_MIN_FILES = 500  # pass 1 costs ~1.5 ms a file; below this a pool's start-up does not pay
MIN_SHARED = 2
_LEAVES = (ast.Constant, ast.Name, ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)
NOT_LISTS_CONTEXT = frozenset({"__all__", "choices"})  # discover.NOT_LISTS, as pass 1 sees it
# A pipeline word (rank.STRONG_WORDS, as a substring: a superset of the word match) or `phase<N>`; the
# line holding it must then open a bracket followed by a string, a comment or the line's end after
# it, or be a class or function definition. Found with bytes.find on the lowered text: re's
# case-insensitive alternation costs 20x more.
PIPELINE_WORDS = (b"phase", *sorted({w.removesuffix("s").encode() for w in STRONG_WORDS}))
_PHASE_NUMBER = re.compile(rb"_?\d")
_OPENS = re.compile(rb"[\[({][ \t]*(?:['\"]|#|\r?$)", re.MULTILINE)
_DEFINES = re.compile(rb"[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+[A-Za-z0-9_]*")  # up to the word: its name
_WORD = re.compile(rb"[A-Za-z0-9_]+")  # the audit prefilter's delimiters (extract/scan.py)
_T = TypeVar("_T")
_R = TypeVar("_R")


@dataclass(frozen=True)
class Read:
    collections: tuple[Collection, ...]
    files_read: int
    files_total: int
    files_parsed: int  # files pass 2 parsed
    files_to_parse: int  # files pass 2 picked

    @property
    def complete(self) -> bool:
        return self.files_read == self.files_total and self.files_parsed == self.files_to_parse


@dataclass(frozen=True)
class Seen:
    """A string collection as pass 1 saw it."""

    values: frozenset[str]
    context: str  # the names around it, space-separated


def value_sets(source: bytes) -> list[Seen]:
    """The string collections `ast` finds that could be copied lists; [] for a file it cannot parse."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return []
    found: list[Seen] = []
    _body(tree.body, [], found)
    return found


def _body(statements: Sequence[ast.stmt], context: list[str], found: list[Seen]) -> None:
    """Statements are walked one by one so that each collection gets the names of its own statement."""
    for stmt in statements:
        if isinstance(stmt, ast.ClassDef):
            _expressions([*stmt.decorator_list, *stmt.bases, *(k.value for k in stmt.keywords)], context, found)
            _body(stmt.body, [*context, stmt.name], found)
        elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            _expressions(stmt.decorator_list, context, found)
            args = stmt.args
            positional = [*args.posonlyargs, *args.args]
            defaults = zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True)
            keyword = ((a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None)
            for arg, default in (*defaults, *keyword):
                _expressions([default], [*context, stmt.name, arg.arg], found)  # libcst: `func(param)`
            _body(stmt.body, [*context, stmt.name], found)
        elif isinstance(stmt, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if stmt.value is not None:
                _expressions([stmt.value], [*context, *(w for t in targets for w in _names(t))], found)
        else:
            inner: list[ast.stmt] = []
            exprs: list[ast.expr] = []
            _split(stmt, inner, exprs)
            _expressions(exprs, context, found)
            _body(inner, context, found)


def _split(node: ast.AST, inner: list[ast.stmt], exprs: list[ast.expr]) -> None:
    """The statements and expressions directly under a compound statement (through handlers, with-items)."""
    for child in children(node):
        if isinstance(child, ast.stmt):
            inner.append(child)
        elif isinstance(child, ast.expr):
            exprs.append(child)
        else:
            _split(child, inner, exprs)


def _expressions(exprs: Sequence[ast.expr], context: list[str], found: list[Seen]) -> None:
    """The collections in `exprs`, each with the context plus every call, keyword and dict key around it."""
    collections: list[ast.List | ast.Tuple | ast.Set | ast.Dict] = []
    words = list(context)
    for expr in exprs:
        for node in _walk(expr):
            if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
                collections.append(node)
                if isinstance(node, ast.Dict):
                    words += [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            elif isinstance(node, ast.Call):
                words += _names(node.func)
                words += [k.arg for k in node.keywords if k.arg]
    if not collections:
        return
    if NOT_LISTS_CONTEXT & set(words):
        return
    text = " ".join(words)
    for node in collections:
        if isinstance(node, ast.Dict):
            _add(found, [k for k in node.keys if k is not None], text)
        elif node.elts and all(isinstance(e, ast.Tuple) for e in node.elts):
            rows = [e for e in node.elts if isinstance(e, ast.Tuple)]
            for i in range(max(len(r.elts) for r in rows)):
                _add(found, [r.elts[i] for r in rows if i < len(r.elts)], text)
        else:
            _add(found, node.elts, text)


def _walk(expr: ast.expr) -> Iterator[ast.AST]:
    """`ast.walk` without the leaves (names, constants, operators): a third of the nodes, none needed here."""
    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(c for c in children(node) if not isinstance(c, _LEAVES))


def _add(found: list[Seen], nodes: Sequence[ast.expr], text: str) -> None:
    values = frozenset(n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str))
    if candidate_values(values):
        found.append(Seen(values, text))


def _names(node: ast.AST) -> list[str]:
    """Every name and string key in an assignment target or callee (`self.cfg['phase2']` -> self, cfg, phase2)."""
    out: list[str] = []
    todo = [node]
    for n in todo:  # breadth first, as ast.walk
        if isinstance(n, ast.Name):
            out.append(n.id)
        elif isinstance(n, ast.Attribute):
            out.append(n.attr)
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            out.append(n.value)
        todo.extend(children(n))
    return out


def _pass1(job: tuple[str, Sequence[str], frozenset[bytes]]) -> list[list[Seen]]:
    root, rels, tables = job
    found: list[list[Seen]] = []
    for rel in rels:
        try:
            with open(os.path.join(root, rel), "rb") as fh:
                data = fh.read()
        except OSError:
            found.append([])
            continue
        found.append(value_sets(data) if may_hold_a_list(data, tables) else [])
    return found


def may_hold_a_list(data: bytes, tables: frozenset[bytes]) -> bool:
    """Step 0: whether the bytes can hold a relevant collection (a superset: `relevant` decides).

    A table name counts delimited, as in the audit's prefilter (`br_roster` is not in `br_roster_v2`);
    splitting into words costs the same for 10 or 10,000 inventory tables.
    """
    low = data.lower()
    for word in PIPELINE_WORDS:
        at = low.find(word)
        while at != -1:
            after = at + len(word)
            if word != b"phase" or _PHASE_NUMBER.match(low, after):
                start = low.rfind(b"\n", 0, at) + 1
                end = low.find(b"\n", after)
                end = len(low) if end == -1 else end
                if _OPENS.search(data, after, end) or _DEFINES.fullmatch(data, start, at):
                    return True
            at = low.find(word, after)
    return bool(tables) and not tables.isdisjoint(_WORD.findall(data))


def _pass2(job: tuple[str, str, frozenset[str]]) -> list[Collection]:
    root, rel, focus = job
    try:
        with open(os.path.join(root, rel), "rb") as fh:
            return extract(rel, fh.read(), focus)
    except (ParseFailure, OSError):
        return []  # `driftbot audit` reports unparsable files
    except Exception:  # a parser bug must cost one file, not the proposal
        return []


def relevant(seen: Seen, tables: frozenset[str]) -> bool:
    """Whether the collection could rank as a pipeline list (see rank.py): a word, a phase, or tables."""
    if PHASE.search(seen.context) or words(seen.context) & STRONG_WORDS:
        return True
    return len(seen.values & tables) >= MIN_OVERLAP * len(seen.values)


def focus_by_file(sets: dict[str, list[Seen]], tables: frozenset[str]) -> dict[str, frozenset[str]]:
    """For each file that may hold a relevant copied list: the values its parsed statements must name."""
    kept = {rel: [s for s in found if relevant(s, tables)] for rel, found in sets.items()}
    files_of: dict[str, set[str]] = defaultdict(set)
    for rel, found in kept.items():
        for s in found:
            for v in s.values:
                files_of[v].add(rel)
    out: dict[str, frozenset[str]] = {}
    for rel, found in kept.items():
        focus: set[str] = set()
        for s in found:
            shared = {v for v in s.values if len(files_of[v]) >= MIN_SHARED}
            if len(shared) >= MIN_SHARED:
                focus |= shared
        if focus:
            out[rel] = frozenset(focus)
    return out


def python_collections(
    repo: Path,
    files: Sequence[str],
    tables: frozenset[str],
    *,
    budget: float | None = None,
    progress: Progress | None = None,
) -> Read:
    """The string collections of `files` that may be copied pipeline lists (see the module docstring).

    `tables`: the table names the inventories know.
    """
    deadline = None if budget is None else time.monotonic() + budget
    root = str(repo)
    names = frozenset(t.encode() for t in tables)
    jobs = [(root, files[i : i + CHUNK], names) for i in range(0, len(files), CHUNK)]
    sets: dict[str, list[Seen]] = {}
    with _Pool(parallel=len(files) >= PARALLEL_MIN_FILES) as pool:
        for (_, rels, _), found in zip(jobs, pool.map(_pass1, jobs), strict=False):
            sets.update(zip(rels, found, strict=True))
            if progress is not None:
                progress(len(sets), len(files))
            if _late(deadline):
                break
        focus = focus_by_file(sets, tables)
        tasks = [(root, rel, names) for rel, names in sorted(focus.items())]
        total = len(files) + len(tasks)
        collections: list[Collection] = []
        parsed = 0
        for extracted in pool.map(_pass2, tasks):
            collections.extend(extracted)
            parsed += 1
            if progress is not None:
                progress(len(files) + parsed, total)
            if _late(deadline):
                break
    return Read(tuple(collections), len(sets), len(files), parsed, len(tasks))


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


class _Pool:
    """Maps in a pool of forked workers when there is enough work for it to pay, else in-process."""

    def __init__(self, *, parallel: bool) -> None:
        workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        # fork is unsafe on macOS and in a threaded process (a child may inherit a held lock): stay serial there
        fork = sys.platform == "linux" and workers > 1 and parallel and threading.active_count() == 1
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) if fork else None
        self.workers = workers

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def map(self, fn: Callable[[_T], _R], items: Sequence[_T]) -> Iterator[_R]:
        """Results in the order of `items`, lazily: a caller that stops early leaves the rest undone."""
        if self.pool is None:
            return map(fn, items)
        return self.pool.map(fn, items, chunksize=max(1, len(items) // (self.workers * 8)))
