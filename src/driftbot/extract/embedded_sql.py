"""SQL written inside other files: Python string literals and f-strings, YAML string values, shell
heredocs and quoted shell arguments (`bq query "..."`), with each table name's exact file position.

A snippet is the text of one literal (adjacent Python literals are joined, as Python joins them),
built from *pieces*: runs copied verbatim from the file (their offsets map back exactly) and
placeholders. A placeholder whose value is static is replaced by that value (`.driftbot.yml`
`sql.placeholders`, then, for f-strings, a single string assigned to that name in the same file:
`self.raw_dataset = 'nba_raw'`, `DATASETS = {'predictions': 'nba_predictions'}`); any other becomes
`{___}` of the same length, which `extract.sql` masks like every placeholder (its name is not static).
A table name that is not inside a verbatim run has no exact position and is dropped, never guessed.

Only text that reads as a statement counts: it starts with a SQL keyword (`SELECT`, `WITH`, `INSERT`,
...) and names a table after FROM/JOIN/INTO/UPDATE (sqlglot's table nodes). Prose in a docstring, a
log message or a bare word never does; a SQL example inside a docstring is read leniently by
`extract.docstring_sql` (a statement keyword starting a line, the longest run of lines that parses).
Escapes that change offsets (a backslash in a non-raw Python literal other than `\\n`/`\\t`, `''` in a
YAML single-quoted scalar) make the literal skipped.
Bounded: at most MAX_SNIPPETS per file, each at most MAX_SNIPPET_CHARS.
"""

from __future__ import annotations

import ast
import bisect
import functools
import io
import re
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

import yaml

from driftbot.extract import docstring_sql, python_tree
from driftbot.extract.plan import FILE_READS, Screen, loops_into_template, wants_sql
from driftbot.extract.sqltypes import TableRef
from driftbot.ftypes import Location
from driftbot.textpos import LineIndex

MAX_SNIPPETS = 200  # SQL-looking literals read per file
MAX_SNIPPET_CHARS = 100_000
_STATEMENT_WORDS = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "REPLACE", "TRUNCATE")
STATEMENT = re.compile(r"\s*\(?\s*(" + "|".join(_STATEMENT_WORDS) + r")\b", re.IGNORECASE)
READS = re.compile(r"\b(FROM|JOIN|INTO|UPDATE|TABLE)\b", re.IGNORECASE)
_PY_PREFIX = re.compile(r"[rRbBuUfF]*")
_HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_SHELL_SPECIAL = re.compile(r"\\[`\"$\\\n]|\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[^}\n]*\})")
_NOTHING = re.compile(r"(?!)")
_STRING_START = re.compile("[rRuU]?('''|\"\"\"|'|\")")
_ESCAPES = {"\\n": "  ", "\\t": "  "}  # same length, SQL whitespace either way
_LONE_CR = re.compile(r"\r(?!\n)")  # CPython counts a lone CR as a line break, the tokenizer does not
_LITERAL_START = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\"|'|\")")
_BETWEEN_LITERALS = re.compile(r"(?:[ \t\f\r\n]|\\\r?\n|#[^\r\n]*)*")  # spaces, comments, continuations
# A quote opening a literal that reads as a statement: a file without one has no snippet (no tokenizing).
_PY_STATEMENT = re.compile(r"['\"]" + STATEMENT.pattern, re.IGNORECASE)
_ASCII_SPACE = frozenset(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f")  # what `\s` matches of ASCII
KINDS = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".sh": "shell", ".bash": "shell"}


@dataclass(frozen=True)
class Piece:
    start: int  # offset in the snippet
    length: int
    origin: int | None  # offset in the file of a verbatim run; None: a placeholder or its value


@dataclass
class _Builder:
    parts: list[str]
    pieces: list[Piece]
    size: int = 0

    def verbatim(self, text: str, origin: int) -> None:
        self._add(text, origin)

    def value(self, text: str) -> None:
        self._add(text, None)

    def _add(self, text: str, origin: int | None) -> None:
        if text:
            self.parts.append(text)
            self.pieces.append(Piece(self.size, len(text), origin))
            self.size += len(text)

    def build(self) -> Snippet:
        return Snippet("".join(self.parts), tuple(self.pieces))


@dataclass(frozen=True)
class Snippet:
    text: str
    pieces: tuple[Piece, ...]

    def origin(self, offset: int, length: int) -> int | None:
        """The file offset of `text[offset:offset+length]` when it lies in one verbatim run."""
        for p in self.pieces:
            if p.start <= offset and offset + length <= p.start + p.length:
                return None if p.origin is None else p.origin + offset - p.start
        return None


def _new() -> _Builder:
    return _Builder([], [])


def is_statement(text: str) -> bool:
    return bool(STATEMENT.match(text)) and bool(READS.search(text))


@dataclass(frozen=True)
class EmbeddedTables:
    tables: tuple[TableRef, ...]  # read tables with an exact file position of their name
    defined: frozenset[tuple[str, str]]  # (dataset, table) the file's SQL creates
    unparsable: tuple[int, int, str] | None = None  # (line, column, why): the file could not be read
    looped: tuple[TableRef, ...] = ()  # loop names put into `dataset.{name}` (see `loop_tables`)


def tables(path: str, text: str, snippets: list[Snippet]) -> EmbeddedTables:
    """The table references of `snippets` (of file `path` holding `text`), placed in the file."""
    from driftbot.extract import sql  # sqlglot: imported by the first file that holds SQL, not at start-up

    index = python_tree.line_index(text)
    found: list[TableRef] = []
    defined: set[tuple[str, str]] = set()
    for snippet in snippets[:MAX_SNIPPETS]:
        if len(snippet.text) > MAX_SNIPPET_CHARS or not is_statement(snippet.text):
            continue
        parsed = sql.extract(path, snippet.text)
        inner = LineIndex(snippet.text)
        for ref in parsed.tables:
            if ref.defined:
                defined.add((ref.dataset or "", ref.table))
                continue
            if ref.name_at is None:
                continue
            at = inner.offset(ref.name_at.line, ref.name_at.column)
            origin = None if at is None else snippet.origin(at, len(ref.table))
            if origin is None or text[origin : origin + len(ref.table)] != ref.table:
                continue
            where = Location(path, *index.line_col(origin))
            found.append(replace(ref, location=where, name_at=where))
    found.sort(key=lambda t: (t.location.line, t.location.column))
    return EmbeddedTables(tuple(found), frozenset(defined))


@dataclass(frozen=True)
class EmbeddedReader:
    """The scan's reader (`extract.scan.FileReader`) of the SQL inside Python, YAML and shell files.

    It wants a file naming one of `datasets` (as bytes) and a FROM/JOIN/INTO/UPDATE; it reads the
    tables of the file's SQL (None when the file is not UTF-8).
    """

    datasets: tuple[bytes, ...]
    placeholders: tuple[tuple[str, str], ...]
    suffixes: tuple[str, ...] = tuple(KINDS)
    weight: int = 10  # finding its literals and sqlglot on its statements: about ten Python candidates

    def wants(self, path: str, data: bytes) -> bool:
        return wants_sql(self.datasets, path, data)

    def screen(self) -> Screen:
        return Screen("sql", self.suffixes, self.datasets)

    def read(self, path: str, data: bytes) -> EmbeddedTables | None:
        kind = next((k for suffix, k in KINDS.items() if path.endswith(suffix)), None)
        if kind is None:
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None  # not SQL's business: the Python scan reports unreadable Python files
        placeholders = dict(self.placeholders)
        try:
            snippets = _SNIPPETS[kind](text, placeholders) if FILE_READS.search(data) else []
        except Unparsable as exc:
            return EmbeddedTables((), frozenset(), (exc.line, exc.column, exc.reason))
        if kind == "python" and FILE_READS.search(data):
            snippets += _docstring_snippets(path, text, snippets)
        found = tables(path, text, snippets)
        if kind == "python" and loops_into_template(data):
            found = replace(found, looped=tuple(loop_tables(path, text, placeholders)))
        return found

    def prepare(self) -> None:
        from driftbot.extract import sql  # noqa: F401  (sqlglot)


# ---- Python -------------------------------------------------------------------------------------


def _docstring_snippets(path: str, text: str, snippets: list[Snippet]) -> list[Snippet]:
    """SQL examples inside docstrings (`extract.docstring_sql`), but not a literal `python_snippets` read whole."""
    read = [(p.origin, p.origin + p.length) for s in snippets for p in s.pieces if p.origin is not None]
    out: list[Snippet] = []
    for sql_text, at in docstring_sql.segments(path, text):
        if not any(start <= at < end for start, end in read):
            b = _new()
            b.verbatim(sql_text, at)
            out.append(b.build())
    return out


def python_snippets(text: str, placeholders: Mapping[str, str]) -> list[Snippet]:
    """One snippet per string literal (adjacent literals joined) of a Python file that reads as a statement.

    The literals are found in CPython's tree (the file's one parse, shared with its other readers):
    only those holding a quote followed by a statement keyword are lexed again, from their source
    span. A file CPython does not parse (or with a lone CR, where its lines and ours differ) is
    tokenized instead, as far as the tokenizer gets.
    """
    opens = _statement_quotes(text)
    if not opens:
        return []  # no literal opens with a statement
    tree = None if _LONE_CR.search(text) else python_tree.tree_or_none(text)
    runs = _literal_runs(tree, text, opens) if tree is not None else None
    if runs is None:
        return tokenized_snippets(text, placeholders)
    out: list[Snippet] = []
    statics: dict[str, str] | None = None
    for run in runs:
        if not STATEMENT.match(_body_guess(run[0][0])):
            continue
        if statics is None and any("f" in _prefix(t)[0].lower() for t, _ in run):
            statics = _statics(text)
        snippet = _python_run(run, placeholders, statics or {})
        if snippet is not None:
            out.append(snippet)
            if len(out) >= MAX_SNIPPETS:
                break
    return out


_Run = list[tuple[str, int]]  # (token text, file offset) of adjacent string literals
_Key = tuple[int, int]  # (line, UTF-8 byte column): where CPython places a node


def _literal_runs(tree: ast.Module, text: str, opens: list[int]) -> list[_Run] | None:
    """The literals (each implicit concatenation one run) holding a quote that may open a statement (at
    `opens`, `_statement_quotes`), in file order; None when a literal's source does not lex as its node says
    (the caller tokenizes instead)."""
    lines = python_tree.ByteColumns(text)
    keys = sorted({lines.key(at) for at in opens})
    found: dict[int, ast.expr] = {}
    stack: list[tuple[ast.AST, list[_Key]]] = [(stmt, keys) for stmt in tree.body]
    while stack:
        node, inside = stack.pop()
        if isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)):
            first, last = (node.lineno, node.col_offset), (node.end_lineno or 0, node.end_col_offset or 0)
            if bisect.bisect_left(inside, first) < bisect.bisect_left(inside, last):
                found[id(node)] = node
            continue  # not into an f-string: its parts are in its one token, their positions unreliable
        if isinstance(node, ast.stmt | ast.excepthandler):  # statements place what they hold; expressions are walked
            first = min([(node.lineno, node.col_offset), *((d.lineno, d.col_offset) for d in _decorators(node))])
            last = (node.end_lineno or 0, node.end_col_offset or 0)
            inside = inside[bisect.bisect_left(inside, first) : bisect.bisect_left(inside, last)]
            if not inside:
                continue
        stack.extend((child, inside) for child in python_tree.children(node))
    runs: list[_Run] = []
    for node in sorted(found.values(), key=lambda n: (n.lineno, n.col_offset)):
        end = lines.offset(node.end_lineno or node.lineno, node.end_col_offset or 0)
        run = _lex(text, lines.offset(node.lineno, node.col_offset), end)
        if run is None:
            return None
        runs.append(run)
    return runs


def _statement_quotes(text: str) -> list[int]:
    """Where `_PY_STATEMENT` matches (a quote), in order. In ASCII text found from the statement words, rarer
    than quotes, with `str.find` (3x faster than the pattern); else by the pattern, whose case folding
    reaches beyond ASCII (`ſELECT`)."""
    if not text.isascii():
        return [m.start() for m in _PY_STATEMENT.finditer(text)]
    low = text.lower()
    found: set[int] = set()
    for word in (w.lower() for w in _STATEMENT_WORDS):
        i = low.find(word)
        while i != -1:
            end = i + len(word)
            if end == len(low) or not (low[end].isalnum() or low[end] == "_"):  # `\b`
                j = i - 1  # back over `['"]\s*\(?\s*`
                while j >= 0 and low[j] in _ASCII_SPACE:
                    j -= 1
                if j >= 0 and low[j] == "(":
                    j -= 1
                    while j >= 0 and low[j] in _ASCII_SPACE:
                        j -= 1
                if j >= 0 and low[j] in "'\"":
                    found.add(j)
            i = low.find(word, i + 1)
    return sorted(found)


def _decorators(node: ast.AST) -> list[ast.expr]:
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return decorators


def _lex(text: str, start: int, end: int) -> _Run | None:
    """The string literals of `text[start:end]`, which CPython read as one (implicitly joined) literal."""
    run: _Run = []
    i = start
    while i < end:
        m = _LITERAL_START.match(text, i)
        if m is None:
            return None
        quote = m.group(1)
        j = m.end()
        while True:  # to the closing quote; a backslash escapes the next character, in raw strings too
            k = text.find(quote, j, end)
            if k == -1:
                return None
            b = text.find("\\", j, k)
            if b == -1:
                break
            j = b + 2
        run.append((text[i : k + len(quote)], i))
        i = k + len(quote)
        between = _BETWEEN_LITERALS.match(text, i, end)
        i = between.end() if between is not None else i
    return run if i == end else None


def tokenized_snippets(text: str, placeholders: Mapping[str, str]) -> list[Snippet]:
    """`python_snippets` by the tokenizer, for a file CPython does not parse (and the tests' reference)."""
    if not _PY_STATEMENT.search(text):
        return []  # no literal opens with a statement: tokenizing would find nothing
    index = LineIndex(text)
    statics: dict[str, str] | None = None
    out: list[Snippet] = []
    run: list[tuple[str, int]] = []  # (token text, file offset) of adjacent literals
    # Where a literal may open with a statement; a run whose first token holds none is skipped unread.
    # (Only when offsets are exact: tokenize and LineIndex disagree on a lone CR.)
    opens = [m.start() for m in _PY_STATEMENT.finditer(text)] if "\r" not in text else None

    def flush() -> None:
        nonlocal statics
        first, at = run[0]
        if opens is not None:
            i = bisect.bisect_left(opens, at)
            if i == len(opens) or opens[i] >= at + len(first):
                run.clear()
                return
        if STATEMENT.match(_body_guess(first)):
            if statics is None and any(_prefix(t)[0].lower().count("f") for t, _ in run):
                statics = _statics(text)
            snippet = _python_run(run, placeholders, statics or {})
            if snippet is not None:
                out.append(snippet)
        run.clear()

    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING:
                offset = index.offset(tok.start[0], tok.start[1] + 1)
                if offset is not None:
                    run.append((tok.string, offset))
            elif run and tok.type not in (tokenize.NL, tokenize.COMMENT):
                flush()
                if len(out) >= MAX_SNIPPETS:
                    break
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    if run:
        flush()
    return out


def _prefix(token: str) -> tuple[str, str]:
    prefix = _PY_PREFIX.match(token)
    p = prefix.group() if prefix else ""
    rest = token[len(p) :]
    quote = rest[:3] if rest[:3] in ('"""', "'''") else rest[:1]
    return p, quote


def _body_guess(token: str) -> str:
    p, q = _prefix(token)
    return token[len(p) + len(q) :]


def _python_run(
    run: list[tuple[str, int]], placeholders: Mapping[str, str], statics: Mapping[str, str]
) -> Snippet | None:
    b = _new()
    for token, offset in run:
        p, q = _prefix(token)
        if "b" in p.lower():
            return None
        start = offset + len(p) + len(q)
        body = token[len(p) + len(q) : len(token) - len(q)]
        raw, fmt = "r" in p.lower(), "f" in p.lower()
        if not raw and "\\" in body:
            for esc, blank in _ESCAPES.items():
                body = body.replace(esc, blank)  # same length: offsets stay exact
            if "\\" in body:
                return None
        if not _template(b, body, start, placeholders, statics if fmt else {}, braces=fmt):
            return None
    return b.build()


def _template(
    b: _Builder, body: str, start: int, placeholders: Mapping[str, str], statics: Mapping[str, str], *, braces: bool
) -> bool:
    """Add `body` (at file offset `start`) with its `{expr}` fields resolved or blanked; False: unreadable."""
    i = last = 0
    while i < len(body):
        ch = body[i]
        if ch in "{}" and body.startswith(ch * 2, i) and braces:
            i += 2  # an f-string's escaped brace; two characters in the source and the snippet alike
            continue
        if ch != "{":
            i += 1
            continue
        end = _closing_brace(body, i)
        if end is None:
            return not braces  # a lone `{` in a plain string is text; in an f-string the literal is broken
        b.verbatim(body[last:i], start + last)
        field = body[i + 1 : end]
        value = _resolve(field, placeholders, statics)
        if value is None:
            b.value("{" + "_" * (end - i - 1) + "}")
        else:
            b.value(value)
        i = last = end + 1
    b.verbatim(body[last:], start + last)
    return True


def _closing_brace(body: str, i: int) -> int | None:
    depth, quote = 0, ""
    for k in range(i, min(len(body), i + 200)):
        ch = body[k]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
            if depth == 0:
                return k if ch == "}" else None
        elif ch == "\n":
            return None
    return None


def _resolve(field: str, placeholders: Mapping[str, str], statics: Mapping[str, str]) -> str | None:
    expr = field.strip()
    if expr in placeholders:
        return placeholders[expr]
    key = _static_key(expr)
    if key is None:
        return None
    short = key.split("[")[0]
    if key in placeholders:
        return placeholders[key]
    if "[" not in key and short in placeholders:
        return placeholders[short]
    return statics.get(key)


@functools.lru_cache(maxsize=4096)  # a file repeats its fields (`{self.project_id}`): parse each once
def _static_key(expr: str) -> str | None:
    """`self.raw_dataset` -> `raw_dataset`; `self.datasets['predictions']` -> `datasets[predictions]`."""
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        base = _name(node.value)
        return None if base is None else f"{base}[{node.slice.value}]"
    return _name(node)


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
        return node.attr
    return None


def _statics(text: str) -> dict[str, str]:
    """Names assigned exactly one string (or dict of strings) in the file; one assigned twice differently is not."""
    tree = python_tree.tree_or_none(text)
    if tree is None:
        return {}
    seen: dict[str, set[str]] = {}
    for node in _statements(tree.body):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            name = _name(target)
            if name is None:
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                seen.setdefault(name, set()).add(value.value)
            elif isinstance(value, ast.Dict):
                for k, v in zip(value.keys, value.values, strict=True):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str):
                        one = v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "\0"
                        seen.setdefault(f"{name}[{k.value}]", set()).add(one)
            else:
                seen.setdefault(name, set()).add("\0")
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1 and "\0" not in v}


def _statements(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Every statement, nested ones included; expressions (which hold no assignment) are not walked."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for name in _blocks(type(node)):
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                stack.extend(inner)


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")  # statement lists (and handler/case nodes)


_BLOCKS_OF: dict[type[ast.AST], tuple[str, ...]] = {}


def _blocks(kind: type[ast.AST]) -> tuple[str, ...]:
    """The `_BLOCKS` a node of this class has (most statements have none)."""
    names = _BLOCKS_OF.get(kind)
    if names is None:
        names = _BLOCKS_OF[kind] = tuple(name for name in _BLOCKS if name in kind._fields)
    return names


# ---- bare names interpolated into a dataset-qualified template -----------------------------------


_QUALIFIER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\.$")
_HOLE = "\0"


def loop_tables(path: str, text: str, placeholders: Mapping[str, str]) -> list[TableRef]:
    """`for table in ['a', 'b']: f"... nba_raw.{table} ..."`: each listed name is a table of `nba_raw`.

    The loop's iterable is a literal list, tuple or set of strings (or a name assigned one in the
    file); an f-string in the loop body puts the loop variable right after `dataset.`, where the
    dataset is literal or a static placeholder (`{self.raw_dataset}`). `"nba_raw.{}".format(table)`
    counts too. Each name is placed at its literal in the list (where a rename is made).
    """
    tree = python_tree.tree_or_none(text)
    if tree is None:
        return []
    lines = text.splitlines(keepends=True)
    statics: dict[str, str] | None = None
    literals = _literal_lists(tree)
    out: list[TableRef] = []
    for target, iterable, scope in _loops(tree):
        items = iterable.elts if isinstance(iterable, ast.List | ast.Tuple | ast.Set) else None
        if isinstance(iterable, ast.Name):
            items = literals.get(iterable.id)
        strings = [i for i in items or () if isinstance(i, ast.Constant) and isinstance(i.value, str)]
        if not strings or len(strings) != len(items or ()):
            continue
        if statics is None:
            statics = _statics(text)
        dataset = _qualifier(scope, target, placeholders, statics)
        if dataset is None:
            continue
        for item in strings:
            where = _literal_start(item, str(item.value), lines, path)
            if where is not None:
                out.append(TableRef(None, dataset, str(item.value), where, where))
    return out


def _loops(tree: ast.AST) -> Iterator[tuple[str, ast.expr, list[ast.AST]]]:
    """(loop variable, iterable, where it is used) of `for` statements and comprehensions."""
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.AsyncFor) and isinstance(node.target, ast.Name):
            yield node.target.id, node.iter, list(node.body)
        elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            used: list[ast.AST] = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for gen in node.generators:
                if isinstance(gen.target, ast.Name):
                    yield gen.target.id, gen.iter, used


def _literal_lists(tree: ast.AST) -> dict[str, list[ast.expr]]:
    """Names assigned exactly one literal list/tuple/set (module or function level)."""
    seen: dict[str, list[list[ast.expr]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            items = value.elts if isinstance(value, ast.List | ast.Tuple | ast.Set) else None
            seen.setdefault(node.targets[0].id, []).append(items if items is not None else [])
    return {k: v[0] for k, v in seen.items() if len(v) == 1 and v[0]}


def _qualifier(
    scope: list[ast.AST], var: str, placeholders: Mapping[str, str], statics: Mapping[str, str]
) -> str | None:
    """The one dataset the loop variable is interpolated after (`dataset.{var}`), None when none or several."""
    found: set[str] = set()
    for top in scope:
        for node in ast.walk(top):
            rendered = _rendered(node, var, placeholders, statics)
            if rendered is None:
                continue
            for part in rendered.split(_HOLE)[:-1]:
                m = _QUALIFIER.search(part)
                if m is not None:
                    found.add(m.group(1))
    return found.pop() if len(found) == 1 else None


def _rendered(node: ast.AST, var: str, placeholders: Mapping[str, str], statics: Mapping[str, str]) -> str | None:
    """An f-string or `"...{}...".format(var)` as text, the loop variable as a hole; None if it has none."""
    parts: list[str] = []
    if isinstance(node, ast.JoinedStr):
        for v in node.values:
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                parts.append(v.value)
            elif isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name) and v.value.id == var:
                parts.append(_HOLE)
            elif isinstance(v, ast.FormattedValue):
                value = _resolve(ast.unparse(v.value), placeholders, statics)
                parts.append(value if value is not None else "{_}")
    elif (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
        and not node.keywords
    ):
        pieces = node.func.value.value.split("{}")
        if len(pieces) != len(node.args) + 1:
            return None
        for piece, arg in zip(pieces, node.args, strict=False):
            parts.append(piece)
            parts.append(_HOLE if isinstance(arg, ast.Name) and arg.id == var else "{_}")
        parts.append(pieces[-1])
    text = "".join(parts)
    return text if _HOLE in text else None


def _literal_start(item: ast.Constant, value: str, lines: list[str], path: str) -> Location | None:
    """Where the string's text starts (after its quote), when it is one plain literal."""
    line = lines[item.lineno - 1] if item.lineno - 1 < len(lines) else ""
    column = python_tree.char_column(line, item.col_offset)
    m = _STRING_START.match(line, column)
    if m is None or item.end_lineno != item.lineno or "\\" in line[m.end() : m.end() + len(value)]:
        return None
    start = m.end()
    if line[start : start + len(value)] != value:
        return None
    return Location(path, item.lineno, start + 1)


# ---- YAML ---------------------------------------------------------------------------------------


class Unparsable(Exception):
    """A file the snippets could not be read from: where and why (no file content quoted)."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line, self.column, self.reason = line, column, reason


def yaml_snippets(text: str, placeholders: Mapping[str, str]) -> list[Snippet]:
    """One snippet per scalar that reads as SQL; block scalars keep their lines (and indentation) verbatim.

    A file that is not YAML raises `Unparsable` (the audit reports it, as it does unparsable Python).
    """
    out: list[Snippet] = []
    try:
        for doc in yaml.compose_all(text, Loader=yaml.SafeLoader):
            for node in _scalars(doc):
                if len(out) >= MAX_SNIPPETS:
                    return out
                if not STATEMENT.match(node.value) or not READS.search(node.value):
                    continue
                snippet = _yaml_scalar(text, node, placeholders)
                if snippet is not None:
                    out.append(snippet)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise Unparsable(*where, f"not valid YAML: {_unquoted(exc.problem or 'a syntax error')}") from None
    except yaml.YAMLError:
        raise Unparsable(1, 1, "not valid YAML") from None
    except RecursionError:
        raise Unparsable(1, 1, "too deeply nested to analyse") from None
    return out


def _unquoted(problem: str) -> str:
    """PyYAML's message without what it quotes from the file (a token, an alias name)."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", "'...'", problem)[:100]


def _scalars(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.ScalarNode):
            yield n
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
        elif isinstance(n, yaml.MappingNode):
            stack.extend(v for _, v in n.value)


def _yaml_scalar(text: str, node: yaml.ScalarNode, placeholders: Mapping[str, str]) -> Snippet | None:
    start, end = node.start_mark.index, node.end_mark.index
    source = text[start:end]
    if node.style in ("|", ">"):
        head = source.find("\n")
        if head < 0:
            return None
        start, source = start + head + 1, source[head + 1 :]
    elif node.style in ('"', "'"):
        start, source = start + 1, source[1:-1]
        if ("\\" in source and node.style == '"') or ("''" in source and node.style == "'"):
            return None
    b = _new()
    _template(b, source, start, placeholders, {}, braces=False)
    return b.build()


# ---- shell --------------------------------------------------------------------------------------


def shell_snippets(text: str, placeholders: Mapping[str, str]) -> list[Snippet]:
    """Heredoc bodies and quoted words (`bq query "SELECT ..."`) that read as SQL; `$VAR` is a placeholder."""
    out: list[Snippet] = []
    for start, body, expands in _shell_literals(text):
        if len(out) >= MAX_SNIPPETS:
            break
        if not STATEMENT.match(body) or not READS.search(body):
            continue
        b = _new()
        last = 0
        for m in (_SHELL_SPECIAL if expands else _NOTHING).finditer(body):
            b.verbatim(body[last : m.start()], start + last)
            token = m.group()
            if token.startswith("\\"):  # `\`` `\"` `\$` `\\` stand for their character; `\<newline>` for nothing
                b.value(token[1:].replace("\n", ""))
            else:
                value = placeholders.get(token.strip("${}"))
                b.value(value if value is not None else "{" + "_" * (len(token) - 2) + "}")
            last = m.end()
        b.verbatim(body[last:], start + last)
        out.append(b.build())
    return out


def _shell_literals(text: str) -> Iterator[tuple[int, str, bool]]:
    """(file offset, text) of heredoc bodies and of single- or double-quoted words; comments skipped."""
    i, n = 0, len(text)
    pending: list[tuple[str, bool, str | None]] = []
    while i < n:
        ch = text[i]
        if ch == "#" and (i == 0 or text[i - 1] in " \t\n;"):
            i = _line_end(text, i)
        elif ch == "\n":
            i += 1
            for delimiter, dash, quoted_delim in pending:
                body_start = i
                while i < n:
                    end = _line_end(text, i)
                    line = text[i:end]
                    if (line.lstrip("\t") if dash else line) == delimiter:
                        yield body_start, text[body_start:i], quoted_delim is None
                        i = min(n, end + 1)
                        break
                    i = end + 1
            pending = []
        elif ch == "\\":
            i += 2
        elif ch == "<" and (m := _HEREDOC.match(text, i)):
            pending.append((m.group(3), m.group(1) == "-", m.group(2) or None))
            i = m.end()
        elif ch in "'\"":
            close = i + 1
            while close < n and text[close] != ch:
                close += 2 if ch == '"' and text[close] == "\\" else 1
            yield i + 1, text[i + 1 : close], ch == '"'
            i = close + 1
        else:
            i += 1


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


_SNIPPETS = {"python": python_snippets, "yaml": yaml_snippets, "shell": shell_snippets}
