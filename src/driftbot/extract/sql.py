"""Table references and comments of a SQL file (sqlglot, BigQuery dialect), with exact positions.

Placeholders (`{table_name}`, `{{ ds }}`, `${DATASET}`) are masked with underscores of the same length
before sqlglot reads the text, so every offset stays exact; a reference whose dataset or table part holds
one is marked `placeholder` (its name is not static), one with only a placeholder project keeps
`project=None` and is checked like any other.

Positions come from sqlglot's character offsets (`Token.start`/`end`, inclusive), turned into 1-based
line/column here: sqlglot's own `col` is the column of a token's *last* character. Statements are
parsed one by one, so one bad statement is reported and the others are still read. Comments are
found in the gaps between tokens, so a `--` inside a string literal is never taken for one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence

from sqlglot import Token, TokenType, exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ErrorLevel, ParseError, TokenError

from driftbot.extract.limits import MAX_SQL_BYTES, MAX_SQL_DEPTH, MAX_SQL_STATEMENT_TOKENS, MAX_SQL_TOKENS, too_big
from driftbot.extract.sqltypes import Comment, Span, SqlFile, SqlProblem, TableRef, mask_placeholders
from driftbot.ftypes import Location
from driftbot.textpos import LineIndex

DIALECT = Dialect.get_or_raise("bigquery")
_OPENING = frozenset({TokenType.L_PAREN, TokenType.L_BRACKET, TokenType.L_BRACE})
_CLOSING = frozenset({TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE})
_PREFIX = frozenset({TokenType.NOT, TokenType.DASH, TokenType.PLUS, TokenType.TILDE})
# sqlglot logs "unsupported syntax, falling back to a Command" per statement; that becomes a finding below.
logging.getLogger("sqlglot").setLevel(logging.ERROR)
OPAQUE = "statement read as an opaque command (syntax sqlglot does not support); its tables are not checked"
IDENTIFIER_TOKENS = frozenset({TokenType.VAR, TokenType.IDENTIFIER})


class Positions:
    """Character offset -> 1-based (line, column)."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.index = LineIndex(text)

    def at(self, offset: int) -> Location:
        return Location(self.path, *self.index.line_col(offset))


_JINJA = re.compile(r"\{\{(?:[^}]|\}(?!\}))*+\}\}|\{%(?:[^%]|%(?!\}))*+%\}|\{#(?:[^#]|#(?!\}))*+#\}")
_SOURCE = re.compile(r"\{\{-?\s*source\(\s*(['\"])([A-Za-z_][\w-]*)\1\s*,\s*(['\"])([A-Za-z_]\w*)\3\s*\)\s*-?\}\}")


def jinja(text: str) -> str:
    """dbt/Jinja templating rewritten in place, same length: `{{ source('nba_raw', 't') }}` reads as
    `nba_raw.t` with `t` at its own offset (so a rename edits the template); any other `{{ ... }}` is a
    placeholder; `{% ... %}` tags and `{# ... #}` comments become blanks (line breaks kept)."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text

    def blank(m: re.Match[str]) -> str:
        chunk = m.group()
        if chunk.startswith("{{"):
            source = _SOURCE.fullmatch(chunk)
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            alone = (
                not text[line_start : m.start()].strip()
                and not text[m.end() : None if line_end < 0 else line_end].strip()
            )
            if source is None and ("\n" in chunk or alone):  # `{{ config(...) }}` on its own line: a directive
                return re.sub(r"[^\n]", " ", chunk)
            if source is None:
                return "{" + "_" * (len(chunk) - 2) + "}"
            dataset, start = source.group(2), source.start(4)
            head = " " * (start - len(dataset) - 1) + dataset + "."
            return head + source.group(4) + " " * (len(chunk) - source.end(4))
        return re.sub(r"[^\n]", " ", chunk)

    return _JINJA.sub(blank, text)


def extract(path: str, text: str) -> SqlFile:
    if text.startswith("\ufeff"):  # a BOM would make sqlglot fail; a space keeps every offset (and fix) in place
        text = " " + text[1:]
    pos = Positions(path, text)
    original = text
    text, masked = mask_placeholders(jinja(text))
    if len(text) > MAX_SQL_BYTES:
        return _unread(
            path, pos.at(0), "cannot read SQL: " + too_big(len(original.encode()), MAX_SQL_BYTES, "SQL files")
        )
    tokenizer = DIALECT.tokenizer()
    try:
        tokens = tokenizer.tokenize(text)
    except TokenError as exc:
        # sqlglot's message quotes 100 characters around the error: never repeat them (they may be a secret).
        core = getattr(tokenizer, "_core", tokenizer)  # sqlglot's scanner: where the bad token starts
        start = getattr(core, "_start", 0)
        where = pos.at(min(start, len(text)) if isinstance(start, int) else 0)
        return _unread(path, where, f"cannot read SQL: {_token_error(exc)}")
    if len(tokens) > MAX_SQL_TOKENS:
        return _unread(path, pos.at(0), f"cannot read SQL: more than the {MAX_SQL_TOKENS:,}-token limit for SQL files")
    comments = tuple(_comments(original, tokens, pos))
    tables: list[TableRef] = []
    problems: list[SqlProblem] = []
    for chunk in _statements(tokens):
        too_much = _over_limits(chunk)
        if too_much:
            problems.append(SqlProblem(pos.at(chunk[0].start), f"statement not parsed: {too_much}"))
            continue
        try:
            parsed = DIALECT.parser(error_level=ErrorLevel.RAISE).parse(chunk, text)
        except ParseError as exc:
            where, why = _reason(exc, pos.at(chunk[0].start))
            problems.append(SqlProblem(where, f"cannot parse SQL statement: {why}"))
            continue
        except RecursionError:  # nesting other than brackets (CASE in CASE, NOT NOT ...)
            problems.append(SqlProblem(pos.at(chunk[0].start), "statement not parsed: nested too deeply"))
            continue
        except TypeError:  # compiled sqlglot (sqlglotc) checks types where the pure one reads on
            problems.append(SqlProblem(pos.at(chunk[0].start), "cannot parse SQL statement: syntax error"))
            continue
        for statement in parsed:
            if statement is None:
                continue
            words = sum(t.token_type != TokenType.SEMICOLON for t in chunk)
            if words > 1 and statement.find(exp.Command) is not None:  # a lone `END;` says nothing
                problems.append(SqlProblem(pos.at(chunk[0].start), OPAQUE))
            tables.extend(_tables(statement, text, pos, masked))
    identifiers = frozenset(
        part for t in tokens if t.token_type in IDENTIFIER_TOKENS for part in t.text.split(".") if part
    )
    strings = frozenset(t.text for t in tokens if t.token_type == TokenType.STRING)
    tables.sort(key=lambda t: (t.location.line, t.location.column))
    return SqlFile(path, tuple(tables), comments, identifiers, tuple(problems), strings)


def _statements(tokens: Sequence[Token]) -> Iterator[list[Token]]:
    chunk: list[Token] = []
    for t in tokens:
        chunk.append(t)
        if t.token_type == TokenType.SEMICOLON:
            if len(chunk) > 1:
                yield chunk
            chunk = []
    if chunk:
        yield chunk


def _reason(exc: ParseError, statement: Location) -> tuple[Location, str]:
    """Where and why sqlglot gave up (its `col` is the offending token's last column)."""
    if not exc.errors:
        return statement, _printable(str(exc).splitlines()[0] if str(exc) else "syntax error")
    error = exc.errors[0]
    highlight = str(error.get("highlight") or "")
    description = _printable(str(error.get("description") or "syntax error").split(" <Token")[0])
    shown = _short_token(highlight)
    if shown and "<Token" in str(error.get("description")):
        description += f" {shown}"
    line, col = error.get("line"), error.get("col")
    if isinstance(line, int) and isinstance(col, int) and "\n" not in highlight and line >= statement.line:
        return Location(statement.path, line, max(1, col - len(highlight) + 1)), description
    return statement, description


def _unread(path: str, where: Location, message: str) -> SqlFile:
    return SqlFile(path, (), (), frozenset(), (SqlProblem(where, message),))


def _over_limits(chunk: Sequence[Token]) -> str | None:
    """Why sqlglot must not parse this statement: too many tokens, or nested too deeply.

    Nesting counts brackets, open CASE expressions and a run of prefix operators (`NOT NOT ...`, `- -`):
    sqlglot recurses on each, and where its recursion stops depends on whether it runs compiled
    (`sqlglotc`, the `fast` extra) or not, so a limit of our own keeps the report the same either way.
    """
    if len(chunk) > MAX_SQL_STATEMENT_TOKENS:
        return f"more than the {MAX_SQL_STATEMENT_TOKENS:,}-token limit for one statement"
    brackets = cases = prefixes = 0
    for t in chunk:
        kind = t.token_type
        if kind in _OPENING:
            brackets += 1
            if brackets > MAX_SQL_DEPTH:
                return f"brackets nested more than {MAX_SQL_DEPTH} deep"
        elif kind in _CLOSING:
            brackets -= 1
        elif kind == TokenType.CASE:
            cases += 1
        elif kind == TokenType.END:
            cases = max(0, cases - 1)
        prefixes = prefixes + 1 if kind in _PREFIX else 0
        if brackets + cases + prefixes > MAX_SQL_DEPTH:
            return "nested too deeply"
    return None


def _token_error(exc: TokenError) -> str:
    """sqlglot's reason without the text it quotes: the position is the finding's location."""
    cause = str(exc.__cause__ or exc.__context__ or "")  # compiled sqlglot (sqlglotc) sets only the context
    if cause.startswith("Missing "):
        delimiter = cause.removeprefix("Missing ").split(" from ")[0]
        return f"unterminated: missing {_short_token(delimiter) or 'closing delimiter'}"
    if cause.startswith("Numeric string"):
        return "invalid number"
    return "unexpected character"


def _short_token(token: str) -> str | None:
    """The token quoted, only when it is short and printable: a message never carries file content."""
    return repr(token) if 0 < len(token) <= 20 and token.isprintable() else None


def _printable(text: str, limit: int = 120) -> str:
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= limit else text[:limit] + "..."


def _tables(statement: exp.Expr, text: str, pos: Positions, masked: Sequence[Span]) -> Iterator[TableRef]:
    for table in statement.find_all(exp.Table):
        parts = [p for p in table.parts if isinstance(p, exp.Identifier)]
        if not parts or not table.name:
            continue
        starts = [p.meta.get("start") for p in parts]
        first = starts[0]
        if not isinstance(first, int):
            continue
        dynamic = [_overlaps(span, masked) for span in _piece_spans(parts, text)] if masked else []
        yield TableRef(
            project=None if (dynamic and any(dynamic[:-2])) else (table.catalog or None),
            dataset=table.db or None,
            table=table.name,
            location=pos.at(first),
            name_at=_name_at(parts[-1], table.name, text, pos),
            defined=_is_ddl_target(table),
            placeholder=any(dynamic[-2:]),
        )


def _piece_spans(parts: Sequence[exp.Identifier], text: str) -> list[Span]:
    """Offsets of each dotted piece of a name, left to right (a backticked `a.b.c` token holds three)."""
    out: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for part in parts:
        start, end = part.meta.get("start"), part.meta.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or (start, end) in seen:
            continue
        seen.add((start, end))
        raw = text[start : end + 1]
        if raw.startswith("`") and raw.endswith("`") and "." in raw:
            at = start + 1
            for piece in raw[1:-1].split("."):
                out.append((at, at + len(piece)))
                at += len(piece) + 1
        else:
            out.append((start, end + 1))
    return out


def _overlaps(span: Span, masked: Sequence[Span]) -> bool:
    return any(s < span[1] and span[0] < e for s, e in masked)


def _is_ddl_target(table: exp.Table) -> bool:
    node: exp.Expression = table
    parent = table.parent
    if isinstance(parent, exp.Schema):
        node, parent = parent, parent.parent
    return isinstance(parent, exp.Create | exp.Drop | exp.Alter) and node.arg_key == "this"


def _name_at(part: exp.Identifier, name: str, text: str, pos: Positions) -> Location | None:
    """Where the table name starts: its own token, or the tail of a backticked `a.b.c` token."""
    start, end = part.meta.get("start"), part.meta.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    raw = text[start : end + 1]
    if raw == name:
        return pos.at(start)
    if raw.startswith("`") and raw.endswith("`") and raw[1:-1].endswith(name):
        inner = raw[1:-1]
        head = inner[: len(inner) - len(name)]
        if head == "" or head.endswith("."):
            return pos.at(end - len(name))
    return None


def _comments(text: str, tokens: Sequence[Token], pos: Positions) -> Iterator[Comment]:
    """Scan the text between tokens (only whitespace and comments live there)."""
    edges = [-1] + [x for t in tokens for x in (t.start, t.end)] + [len(text)]
    for i in range(0, len(edges), 2):
        yield from _scan_gap(text, edges[i] + 1, edges[i + 1], pos)


def _scan_gap(text: str, start: int, stop: int, pos: Positions) -> Iterator[Comment]:
    i = start
    while i < stop:
        if text.startswith("--", i) or text[i] == "#":
            body = i + (2 if text[i] == "-" else 1)
            end = text.find("\n", body, stop)
            end = stop if end == -1 else end
            yield Comment(text[body:end].rstrip("\r"), pos.at(i), pos.at(body), block=False)
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2, stop)
            close = stop if end == -1 else end
            yield Comment(text[i + 2 : close], pos.at(i), pos.at(i + 2), block=True)
            i = close + 2
        else:
            i += 1
