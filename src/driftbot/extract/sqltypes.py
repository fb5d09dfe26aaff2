"""What reading SQL yields (table references, comments, problems), without sqlglot: the rules and the
DDL inventory use these types and the placeholder mask, and only the reader (`extract.sql`) needs sqlglot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from driftbot.ftypes import Location

PLACEHOLDER = re.compile(r"\$?\{\{?\s*+[A-Za-z0-9_.]*+\s*+\}\}?")  # possessive: `{` + spaces is not quadratic
Span = tuple[int, int]  # [start, end) character offsets


@dataclass(frozen=True)
class TableRef:
    """`project.dataset.table` as written; `name_at` is where the table part itself starts."""

    project: str | None
    dataset: str | None
    table: str
    location: Location  # first character of the whole reference (a backtick included)
    name_at: Location | None  # None when the table part's exact position is unknown (not fixable)
    defined: bool = False  # the table a CREATE/DROP/ALTER statement defines, not one it reads
    placeholder: bool = False  # the dataset or table part is a `{placeholder}`: not a static name


@dataclass(frozen=True)
class Comment:
    """A `--`, `#` or `/* */` comment; `text` without its markers, `text_at` where `text` starts."""

    text: str
    location: Location  # the comment marker
    text_at: Location
    block: bool


@dataclass(frozen=True)
class SqlProblem:
    location: Location
    message: str


@dataclass(frozen=True)
class SqlFile:
    path: str
    tables: tuple[TableRef, ...]
    comments: tuple[Comment, ...]
    identifiers: frozenset[str]  # every unquoted/quoted identifier part used in the code (not comments)
    problems: tuple[SqlProblem, ...]
    strings: frozenset[str] = frozenset()  # values of the string literals in the code (not comments)


def mask_placeholders(text: str) -> tuple[str, tuple[Span, ...]]:
    """`text` with each placeholder replaced by as many underscores, and the placeholders' spans."""
    spans = tuple(m.span() for m in PLACEHOLDER.finditer(text))
    if not spans:
        return text, ()
    return PLACEHOLDER.sub(lambda m: "_" * len(m.group()), text), spans
