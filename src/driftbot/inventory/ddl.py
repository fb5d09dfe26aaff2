"""Declared inventory: `ddl:GLOB`, the tables and views the repository's own SQL files create.

Reads `CREATE [OR REPLACE] [MATERIALIZED|EXTERNAL|SNAPSHOT] TABLE|VIEW [IF NOT EXISTS] name` with
sqlglot's BigQuery tokenizer. Only the statement head is read, so bodies sqlglot cannot parse
(scripting, new syntax) never lose a declaration: one regular-expression pass finds each `CREATE`
outside comments and string literals (BigQuery's `--`, `#`, `/* */`; quoted, triple-quoted and
backticked literals), and sqlglot tokenizes only the head from there to the first `(`, `;` or quote
(its tokenizer is pure Python: a whole schema file costs it far more than the heads do). Temporary
tables and names without a dataset are not part of the platform and are skipped; so is a name whose
dataset or table part is a `{placeholder}` (a placeholder project is fine).

`declared_in` is the same reader for one text, tolerant callers (the repository's default DDL inventory,
`known.py`) catch its `DdlError` and skip the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlglot import Token, TokenType
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import TokenError

from driftbot import paths
from driftbot.errors import DriftbotError
from driftbot.extract.limits import MAX_DDL_BYTES
from driftbot.extract.sqltypes import mask_placeholders
from driftbot.ftypes import Location
from driftbot.inventory import files
from driftbot.inventory.base import Inventory, TableInfo
from driftbot.textpos import line_col

if TYPE_CHECKING:
    from driftbot.gitfiles import Listing

_MODIFIERS = {"OR", "REPLACE", "TEMP", "TEMPORARY", "MATERIALIZED", "EXTERNAL", "SNAPSHOT"}
_NAME_TOKENS = frozenset({TokenType.VAR, TokenType.IDENTIFIER, TokenType.DOT, TokenType.DASH, TokenType.NUMBER})
Spans = tuple[tuple[int, int], ...]
HEAD_MAX = 1_000  # characters of a statement head read after its CREATE
# Comments and literals are consumed whole, so only a CREATE in code captures group 1; an unclosed one
# runs to the end of the file (as in SQL), which keeps the scan linear: `/*` repeated never rescans.
_LEX = re.compile(
    r"'''.*?(?:'''|\Z)" + r'|""".*?(?:"""|\Z)' + r"""|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`[^`\n]*`"""
    r"|--[^\n]*|\#[^\n]*|/\*.*?(?:\*/|\Z)|\b(create)\b",
    re.S | re.I,
)
_HEAD_END = re.compile(r"""[(;'"]""")


@dataclass(frozen=True)
class DdlBackend:
    url: str
    pattern: str
    repo: Path
    listing: Listing | None = None  # what git said of `repo` earlier in this run; None: ask git now

    def read(self) -> Inventory:
        files = [f for f in paths.walk(self.repo, [], (".sql",), self.listing) if paths.matches(f, self.pattern)]
        if not files:
            raise DriftbotError(f"inventory {self.url}: no .sql file matches {self.pattern!r}")
        tables: dict[tuple[str, str], TableInfo] = {}
        for rel in files:
            for info in declared_tables(self.repo, rel):
                tables.setdefault((info.dataset, info.table), info)  # the first declaration wins
        ordered = tuple(sorted(tables.values(), key=lambda t: (t.dataset, t.table)))
        return Inventory(self.url, ordered, tuple(sorted({t.dataset for t in ordered})))


class DdlError(ValueError):
    """A file whose declarations cannot be read; `where` is `line:col`."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        super().__init__(message)


def declared_tables(repo: Path, rel: str) -> list[TableInfo]:
    text = files.read_text(repo / rel, rel, repo=repo, max_bytes=MAX_DDL_BYTES)
    try:
        return declared_in(text, rel)
    except DdlError as exc:
        raise DriftbotError(f"{rel}:{exc.where}: {exc}") from None


def declared_in(text: str, rel: str) -> list[TableInfo]:
    """The tables and views `text` (the file `rel`) creates, in order; DdlError when it cannot be read."""
    masked, spans = mask_placeholders(text)
    dialect = Dialect.get_or_raise("bigquery")
    out: list[TableInfo] = []
    for m in _LEX.finditer(masked):
        if m.group(1) is None:
            continue
        at = m.start()
        stop = _HEAD_END.search(masked, at, at + HEAD_MAX)
        head = masked[at : stop.start() if stop else at + HEAD_MAX]
        try:
            tokens = dialect.tokenize(head)
        except TokenError:
            raise DdlError(_where(masked, at), "cannot tokenize SQL (unterminated identifier or comment?)") from None
        out.extend(_create(tokens, masked, at, rel, spans))
    return out


def _create(tokens: list[Token], text: str, base: int, rel: str, spans: Spans) -> list[TableInfo]:
    """The table the `CREATE` at tokens[0] (offset `base` of `text`) declares ([] for anything else)."""
    start = 0
    i = start + 1
    words: list[str] = []
    while i < len(tokens) and tokens[i].text.upper() in _MODIFIERS:
        words.append(tokens[i].text.upper())
        i += 1
    if i >= len(tokens) or tokens[i].token_type not in (TokenType.TABLE, TokenType.VIEW):
        return []  # FUNCTION, PROCEDURE, SCHEMA, ROW ACCESS POLICY, ...
    noun = tokens[i].token_type
    i += 1
    if i + 2 < len(tokens) and [t.text.upper() for t in tokens[i : i + 3]] == ["IF", "NOT", "EXISTS"]:
        i += 3
    if "TEMP" in words or "TEMPORARY" in words or i >= len(tokens) or tokens[i].text.upper() == "FUNCTION":
        return []
    first = last = i
    while last + 1 < len(tokens) and _continues_name(tokens[last], tokens[last + 1]):
        last += 1
    if tokens[first].token_type not in _NAME_TOKENS:
        raise DdlError(_where(text, base + tokens[start].start), f"CREATE {tokens[i - 1].text} without a name")
    begin, end = base + tokens[first].start, base + tokens[last].end + 1
    parts = text[begin:end].replace("`", "").split(".")
    if len(parts) < 2 or len(parts) > 3 or not all(parts):
        return []  # no dataset: a script-local name
    raw = text[begin:end]
    dataset_at = begin + raw.rfind(".", 0, raw.rfind(".")) + 1 if len(parts) == 3 else begin
    if any(s < end and dataset_at < e for s, e in spans):
        return []  # `{dataset}.t` or `ds.{table}`: not a static name
    static_project = not any(s < dataset_at and begin < e for s, e in spans)
    project = parts[0] if len(parts) == 3 and static_project else ""
    kind = "VIEW" if noun == TokenType.VIEW else "TABLE"
    if "MATERIALIZED" in words:
        kind = "MATERIALIZED_VIEW"
    elif "EXTERNAL" in words:
        kind = "EXTERNAL"
    elif "SNAPSHOT" in words:
        kind = "SNAPSHOT"
    line, col = line_col(text, begin)
    return [TableInfo(project, parts[-2], parts[-1], kind, declared_at=Location(rel, line, col))]


def _continues_name(before: Token, token: Token) -> bool:
    """Name parts touch: `a.b.c`, `my-project.ds.t`, or backquoted pieces like `p`.d.`t`."""
    return token.token_type in _NAME_TOKENS and token.start == before.end + 1


def _where(text: str, offset: int) -> str:
    line, col = line_col(text, offset)
    return f"{line}:{col}"


def from_url(url: str, repo: Path, listing: Listing | None = None) -> DdlBackend:
    pattern = url.partition(":")[2].strip()
    if not files.is_repo_relative(pattern):
        raise DriftbotError(f"invalid inventory URL {url!r}: expected ddl:GLOB relative to the repository")
    return DdlBackend(url, pattern, repo, listing)
