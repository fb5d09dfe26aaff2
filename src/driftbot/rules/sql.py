"""SQL rules on monitoring queries: unknown-table, stale-comment-name, unparsable-sql.

`stale-comment-name` (documented in the README) fires on a word W of a SQL comment when all hold:
  1. W looks like an identifier with an underscore (`[A-Za-z_][A-Za-z0-9_]*`, at least 5 characters):
     ordinary prose never fires;
  2. W is not an SSOT processor name, target table or dataset, and the file's SQL code does not use
     W as an identifier (a column or alias is not stale);
  3. exactly one SSOT name/table C is a near-miss of W: W is a strict prefix of C
     (`nbac_gamebook` -> `nbac_gamebook_player_stats`), or failing that their difflib ratio is at
     least 0.9 (a typo or plural);
  4. the comment (consecutive `--` lines count as one comment) names another SSOT name or dataset as
     a whole word, and does not name C itself (a comment telling the history "X replaced W" is fine).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from driftbot.context import AuditContext
from driftbot.extract.sql import Comment, SqlFile, extract
from driftbot.ftypes import Finding, Location
from driftbot.paths import matches
from driftbot.rules.catalog import finding
from driftbot.rules.hints import suggest
from driftbot.ssot.models import Ssot, SsotList

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MIN_WORD = 5
HINT_CUTOFF = 0.6  # unknown-table: a table name is a real reference, any close match helps
NEAR_MISS = 0.9  # stale-comment-name: a comment word must be very close to fire at all
META_TABLES = ("INFORMATION_SCHEMA", "__")


def check(ctx: AuditContext) -> Iterator[Finding]:
    # Only a file that mentions an SSOT dataset or name can hold a finding: the others are not parsed.
    needles = [n.encode() for n in sorted(ctx.ssot.datasets | ctx.ssot.all_names())]
    for path in monitoring_files(ctx):
        try:
            data = ctx.read(path)
            if not any(n in data for n in needles):
                continue
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            yield finding("unparsable-sql", Location(path, 1, 1), f"could not read SQL: {exc}")
            continue
        yield from check_file(extract(path, text), ctx.ssot)


def monitoring_files(ctx: AuditContext) -> list[str]:
    globs = ctx.config.sql.monitoring
    return [f for f in ctx.files if f.endswith(".sql") and any(matches(f, g) for g in globs)]


def check_file(sql: SqlFile, ssot: Ssot) -> Iterator[Finding]:
    for p in sql.problems:
        yield finding("unparsable-sql", p.location, p.message)
    yield from unknown_tables(sql, ssot)
    yield from stale_comment_names(sql, ssot)


def unknown_tables(sql: SqlFile, ssot: Ssot) -> Iterator[Finding]:
    by_dataset = _lists_by_dataset(ssot)
    for ref in sql.tables:
        lists = by_dataset.get(ref.dataset or "")
        if not lists or ref.defined or _is_meta(ref.table):
            continue
        known = [t for s in lists for t in s.tables]
        if ref.table in known:
            continue
        hints = suggest(ref.table, known, HINT_CUTOFF)
        fixable = len(hints) == 1 and ref.name_at is not None
        message = f"'{ref.dataset}.{ref.table}' is not a target table of {ref.dataset} in the SSOT"
        if hints:
            message += "; did you mean " + " or ".join(f"'{h}'" for h in hints) + "?"
        yield finding(
            "unknown-table",
            ref.name_at or ref.location,
            message,
            ssot=lists[0].path,
            actual=ref.table,
            expected=hints[0] if fixable else None,
            fixable=fixable,
        )


@dataclass(frozen=True)
class Paragraph:
    """One comment, or a run of `--` comments on consecutive lines at the same column."""

    parts: tuple[Comment, ...]

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w for c in self.parts for w in WORD.findall(c.text))


def stale_comment_names(sql: SqlFile, ssot: Ssot) -> Iterator[Finding]:
    known = ssot.all_names() | ssot.datasets
    candidates = ssot.all_names()
    sources = {v: s.path for s in ssot.lists for p in s.processors for v in (p.name, p.target_table)}
    in_code = sql.identifiers - {t.table for t in sql.tables if t.dataset in ssot.datasets}
    for para in paragraphs(sql.comments):
        mentioned = para.words & known
        if not mentioned:
            continue
        for comment in para.parts:
            for m in WORD.finditer(comment.text):
                word = m.group()
                if "_" not in word or len(word) < MIN_WORD or word in known or word in in_code:
                    continue
                target = near_miss(word, candidates)
                if target is None or target in para.words:
                    continue
                yield finding(
                    "stale-comment-name",
                    offset_location(comment.text_at, comment.text, m.start()),
                    f"comment names '{word}', which is not in the SSOT; did you mean '{target}'?",
                    ssot=sources.get(target),
                    actual=word,
                    expected=target,
                )


def near_miss(word: str, candidates: Iterable[str]) -> str | None:
    """The one name `word` stands for, or None when there is none or more than one."""
    hits = suggest(word, candidates, NEAR_MISS)
    return hits[0] if len(hits) == 1 else None


def paragraphs(comments: Sequence[Comment]) -> Iterator[Paragraph]:
    run: list[Comment] = []
    for c in comments:
        if run and not c.block and not run[-1].block and _continues(run[-1], c):
            run.append(c)
            continue
        if run:
            yield Paragraph(tuple(run))
        run = [c]
    if run:
        yield Paragraph(tuple(run))


def offset_location(start: Location, text: str, offset: int) -> Location:
    """Location of `text[offset]` when `text` begins at `start`."""
    newlines = text.count("\n", 0, offset)
    if newlines == 0:
        return Location(start.path, start.line, start.column + offset)
    return Location(start.path, start.line + newlines, offset - text.rfind("\n", 0, offset))


def _continues(prev: Comment, nxt: Comment) -> bool:
    return nxt.location.line == prev.location.line + 1 and nxt.location.column == prev.location.column


def _lists_by_dataset(ssot: Ssot) -> dict[str, list[SsotList]]:
    out: dict[str, list[SsotList]] = {}
    for s in ssot.lists:
        out.setdefault(s.dataset, []).append(s)
    return out


def _is_meta(table: str) -> bool:
    return table.upper().startswith(META_TABLES) or table.endswith("*") or "$" in table
