"""SQL rules on monitoring queries: unknown-table, stale-comment-name, unparsable-sql.

`unknown-table` also reads SQL written inside other files (extract/embedded_sql.py): Python string
literals and f-strings, YAML string values, shell heredocs and quoted arguments. The same rule, the
same question to `ctx.known_tables`; a table the same file's SQL creates is known there. Those files
give only `unknown-table` (a Python string that does not parse is not SQL: it says nothing).

`unknown-table` asks `ctx.known_tables` (inventory/known.py) whether a table exists: the SSOT, the
inventories and the repository's own DDL answer, the SSOT alone never does. It checks references to
the SSOT's datasets and to datasets an authoritative inventory lists; a `{placeholder}` dataset or
table is not a static name and is skipped. Confidence (of the finding and of its rename): `certain`
when an authoritative inventory says the table does not exist (and, for a rename, that the one
candidate does), `likely` when the SSOT declares the dataset complete or one close name is known,
`possible` otherwise (nothing declares the table, but nothing authoritative says it is absent).

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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from driftbot.config import Config
from driftbot.context import AuditContext
from driftbot.extract.embedded_sql import EmbeddedReader, EmbeddedTables
from driftbot.extract.plan import line_column, quoted_use, quoted_words
from driftbot.extract.sqltypes import Comment, SqlFile, TableRef
from driftbot.ftypes import Confidence, Finding, Location
from driftbot.inventory.base import Inventory
from driftbot.inventory.known import KnownTables
from driftbot.paths import matches
from driftbot.rules.catalog import finding
from driftbot.rules.hints import Rename, decide_rename
from driftbot.ssot.models import Processor, Ssot, SsotList
from driftbot.textpos import LineIndex

WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MIN_WORD = 5
# unknown-table: table names of one source share long prefixes (`odds_api_`, `nbac_`), so a candidate
# must match most of the name (`odds_game_lines` -> `odds_api_game_lines` is 0.88).
HINT_CUTOFF = 0.8
NEAR_MISS = 0.9  # stale-comment-name: a comment word must be very close to fire at all
META_TABLES = ("INFORMATION_SCHEMA", "__")
Source = Callable[[], "str | None"]  # a file's text, read when asked (None: unreadable)


def check(ctx: AuditContext) -> Iterator[Finding]:
    # Only a file that mentions an SSOT dataset or name can hold a finding: the others are not parsed.
    reader = monitoring_reader(ctx.ssot, ctx.config)
    parsed = ctx.reads.get(MONITORING, {})
    terms = SsotTerms.of(ctx.ssot)
    comments: list[Finding] = []
    for path in monitoring_files(ctx):
        if ctx.budget.spent():
            ctx.budget.skip(path)
            continue
        query = parsed.get(path)
        if not isinstance(query, SqlFile | str):  # the scan could not read it, or ran out of time: read it here
            try:
                query = reader.read(path, ctx.read(path))
            except OSError as exc:
                query = f"could not read SQL: {exc}"
        if isinstance(query, str):
            yield finding("unparsable-sql", Location(path, 1, 1), query, confidence="certain")
            continue
        for f in check_file(query, ctx.ssot, ctx.known_tables, _reader(ctx, path), terms):
            if f.rule == "stale-comment-name":
                comments.append(f)
            else:
                yield f
    yield from embedded(ctx, terms)
    used = values_in_repo(ctx, {f.actual for f in comments if f.actual}, {f.location.path for f in comments})
    yield from (f for f in comments if f.actual not in used)


MONITORING = "monitoring-sql"  # the scan's reader of the monitoring queries `check` reads (`ctx.reads`)
EMBEDDED = "embedded-sql"  # the scan's reader of `embedded` (`ctx.reads`)


@dataclass(frozen=True)
class MonitoringReader:
    """The scan's reader (`extract.scan.FileReader`) of monitoring queries: sqlglot runs in its workers.

    Only a query that mentions an SSOT dataset or name can drift: the others are not parsed and read
    as an empty `SqlFile`. A query that is not UTF-8 reads as the message `unparsable-sql` gives.
    """

    globs: tuple[str, ...]  # sql.monitoring
    needles: tuple[bytes, ...]  # the SSOT's datasets and names
    suffixes: tuple[str, ...] = (".sql",)
    weight: int = 1

    def wants(self, path: str, data: bytes) -> bool:
        return any(matches(path, g) for g in self.globs)

    def read(self, path: str, data: bytes) -> SqlFile | str:
        if not any(n in data for n in self.needles):
            return SqlFile(path, (), (), frozenset(), ())
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            return f"could not read SQL: {exc}"
        from driftbot.extract import sql  # sqlglot: only a repository with monitoring queries pays its import

        return sql.extract(path, text)

    def prepare(self) -> None:
        from driftbot.extract import sql  # noqa: F401  (sqlglot)


def monitoring_reader(ssot: Ssot, config: Config) -> MonitoringReader:
    needles = tuple(n.encode() for n in sorted(ssot.datasets | ssot.all_names()))
    return MonitoringReader(tuple(config.sql.monitoring), needles)


def embedded_reader(ssot: Ssot, config: Config, inventories: Iterable[Inventory]) -> EmbeddedReader:
    """What the scan reads for `embedded`: files naming a dataset whose references `unknown-table` checks
    (the SSOT's, and those an authoritative inventory lists)."""
    authorities = KnownTables.build(ssot, inventories).authorities
    datasets = frozenset(ssot.datasets) | {t.dataset for inv in authorities for t in inv.tables}
    return EmbeddedReader(tuple(d.encode() for d in sorted(datasets)), tuple(config.sql.placeholders.items()))


def embedded(ctx: AuditContext, terms: SsotTerms | None = None) -> Iterator[Finding]:
    """unknown-table over SQL inside Python, YAML and shell files, as the scan read it (`ctx.reads`)."""
    known = ctx.known_tables
    terms = terms or SsotTerms.of(ctx.ssot)
    read = ctx.reads.get(EMBEDDED, {})
    copies = {(e.location.path, e.location.line, e.value) for b in ctx.bindings for e in b.collection.elements}
    for path in ctx.files:
        found = read.get(path)
        if not isinstance(found, EmbeddedTables):
            continue
        if found.unparsable is not None:  # skipped, and said so: never silence
            line, column, reason = found.unparsable
            yield finding("unparsable-file", Location(path, line, column), f"could not parse: {reason}")
            continue
        looped = [r for r in found.looped if (path, r.location.line, r.table) not in copies]  # the name rules' own
        refs = tuple(r for r in (*found.tables, *looped) if ((r.dataset or ""), r.table) not in found.defined)
        yield from unknown_tables(SqlFile(path, refs, (), frozenset(), ()), ctx.ssot, known, _reader(ctx, path), terms)


def _reader(ctx: AuditContext, path: str) -> Source:
    def read() -> str | None:
        try:
            return ctx.read(path).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return read


def values_in_repo(ctx: AuditContext, words: set[str], skip: set[str]) -> set[str]:
    """Which `words` some scanned file (other than `skip`) holds as a quoted string value.

    An element of a bound copy of an SSOT list does not count: a stale name there is drift itself
    (`'br_roster'` in seven copies does not make `br_roster` a value in use). One read of the files,
    only when there are words to clear (a handful per repository at most): on 20,000 files that is
    the cost of the Python scan's prefilter (~2 s on a loaded 2-core machine), not of a parse.
    """
    if not words:
        return set()
    copies = {
        (e.location.path, e.location.line, e.location.column) for b in ctx.bindings for e in b.collection.elements
    }
    # All this takes of a file, for the memo's delta entry: its quoted words (the positions only tell a
    # bound copy's elements, which lie in files the scan parses, never in a file the entry calls irrelevant).
    use = quoted_use(words)
    found: set[str] = set()
    for path in ctx.files:
        if path in skip:
            continue
        if ctx.budget.spent():
            break  # the comments stay reported: the budget finding says the audit is incomplete
        try:
            data = ctx.read(path, use=use)
        except OSError:
            continue
        for word, at in quoted_words(data, words):
            if (path, *line_column(data, at)) not in copies:
                found.add(word)
        if found >= words:
            break
    return found


def monitoring_files(ctx: AuditContext) -> list[str]:
    globs = ctx.config.sql.monitoring
    return [f for f in ctx.files if f.endswith(".sql") and any(matches(f, g) for g in globs)]


def check_file(
    sql: SqlFile, ssot: Ssot, known: KnownTables, text: Source | None = None, terms: SsotTerms | None = None
) -> Iterator[Finding]:
    """The file's findings; stale-comment-name is not yet cleared against values elsewhere in the repo.

    `terms`: `SsotTerms.of(ssot)`, when the caller checks many files (None: derived here).
    """
    terms = terms or SsotTerms.of(ssot)
    for p in sql.problems:
        yield finding(
            "unparsable-sql", p.location, p.message, confidence="certain", evidence=("sqlglot, BigQuery dialect",)
        )
    yield from unknown_tables(sql, ssot, known, text, terms)
    yield from stale_comment_names(sql, ssot, known, terms)


@dataclass(frozen=True)
class SsotTerms:
    """What every table reference and comment is checked against, derived from the SSOT once per audit:
    per file, these lookups cost more than the file's own check (368 queries asked ~900 times)."""

    paths: Mapping[str, str]  # dataset -> the SSOT file that lists it (the first phase that does)
    datasets: frozenset[str]
    names: frozenset[str]  # every processor name and target table
    words: frozenset[str]  # `names` and `datasets`: a comment word that is one of them is no stale name
    renamed_tables: Mapping[str, str]  # declared renames of target tables, old -> current
    renamed: Mapping[str, str]  # declared renames of names and target tables, old -> current
    deprecated: Mapping[tuple[str, str], tuple[SsotList, Processor]]  # (dataset, table) -> its phase, processor
    sources: Mapping[str, SsotList]  # processor name or target table -> its phase
    homes: Mapping[str, str]  # processor name or target table -> its phase's dataset

    @classmethod
    def of(cls, ssot: Ssot) -> SsotTerms:
        sources = {v: s for s in ssot.lists for p in s.processors for v in (p.name, p.target_table)}
        return cls(
            paths={d: s.path for s in reversed(ssot.lists) for d in reversed(s.datasets)},
            datasets=ssot.datasets,
            names=ssot.all_names(),
            words=ssot.all_names() | ssot.datasets,
            renamed_tables=ssot.renamed("target_table"),
            renamed={**ssot.renamed("name"), **ssot.renamed("target_table")},
            deprecated={key: (s, p) for s in ssot.lists for key, p in s.deprecated().items()},
            sources=sources,
            homes={v: s.dataset for v, s in sources.items()},
        )


def unknown_tables(
    sql: SqlFile, ssot: Ssot, known: KnownTables, text: Source | None = None, terms: SsotTerms | None = None
) -> Iterator[Finding]:
    """`text`: the file's text, read only when a reference names a table of another dataset (to place the fix)."""
    terms = terms or SsotTerms.of(ssot)
    ssot_paths, declared, deprecated = terms.paths, terms.renamed_tables, terms.deprecated
    for ref in sql.tables:
        dataset = ref.dataset or ""
        if not ref.defined and (dataset, ref.table) in deprecated:
            yield _deprecated(ref, *deprecated[(dataset, ref.table)])
            continue
        if not _checked(ref, dataset, ssot_paths, known) or known.knows(ref.table, dataset) is not None:
            continue
        absent = known.absence(ref.table, dataset)
        listed = known.listed(dataset)
        created = None if listed is not None else known.declared(ref.table, dataset)  # complete dataset
        rename = decide_rename(
            ref.table,
            known.names(dataset),
            declared=declared,
            listed=listed,
            exists={ref.table} if created else (),
            cutoff=HINT_CUTOFF,
        )
        if rename is None and created is None:
            moved = _wrong_dataset(ref, dataset, known, ssot_paths, absent, text)
            if moved is not None:
                yield moved
                continue
        hints = rename.candidates[:3] if rename else ()
        fixable = rename is not None and not rename.others and ref.name_at is not None
        message = f"'{dataset}.{ref.table}' is not a known table: {absent}"
        if hints:
            message += "; did you mean " + " or ".join(f"'{h}'" for h in hints) + "?"
        yield finding(
            "unknown-table",
            ref.name_at or ref.location,
            message,
            ssot=ssot_paths.get(dataset),
            actual=ref.table,
            expected=rename.target if fixable and rename else None,
            fixable=fixable,
            confidence=_table_confidence(known, dataset, rename if fixable else None),
            evidence=(absent, *([created] if created else []), *(rename.evidence if rename else ())),
        )


def _wrong_dataset(
    ref: TableRef, dataset: str, known: KnownTables, ssot_paths: Mapping[str, str], absent: str, text: Source | None
) -> Finding | None:
    """A table written under the wrong dataset: exactly one other dataset holds a table of that name.

    The move is `certain` when an authority says the table is absent here and lists it there, else
    `likely` (as a rename to the one close name: the SSOT or DDL say where it lives). `fix` applies
    it only where `dataset.table` is written literally (not a resolved `{placeholder}`); several datasets
    holding the name are no suggestion: the finding stays as it was.
    """
    homes = [d for d in known.homes(ref.table) if d != dataset]
    if len(homes) != 1:
        return None
    home = homes[0]
    there = known.confirmed(ref.table, home) or known.knows(ref.table, home) or f"in {home}"
    # Like a rename to the one close name: `likely`, and `certain` only when an authority says both.
    certain = _table_confidence(known, dataset, None) == "certain" and known.confirmed(ref.table, home)
    sure: Confidence = "certain" if certain else "likely"
    at = _literal_at(ref, dataset, text)
    written, moved = f"{dataset}.{ref.table}", f"{home}.{ref.table}"
    return finding(
        "unknown-table",
        at or ref.name_at or ref.location,
        f"'{written}' is not a known table: {absent}; it lives in {home}",
        ssot=ssot_paths.get(dataset),
        actual=written,
        expected=moved if at is not None else None,
        fixable=at is not None,
        confidence=sure,
        evidence=(absent, f"{moved}: {there}", f"no other dataset holds a table {ref.table}"),
    )


def _literal_at(ref: TableRef, dataset: str, text: Source | None) -> Location | None:
    """Where `dataset.table` is written as such, right before the table part; None when it is not."""
    at = ref.name_at
    if at is None or text is None or at.column <= len(dataset) + 1:
        return None
    source = text()
    if source is None:
        return None
    column = at.column - len(dataset) - 1
    offset = LineIndex(source).offset(at.line, column)
    written = f"{dataset}.{ref.table}"
    if offset is None or source[offset : offset + len(written)] != written:
        return None
    if offset > 0 and (source[offset - 1].isalnum() or source[offset - 1] in "_-"):
        return None  # `my_nba_raw.t`: the dataset is part of a longer name
    return Location(at.path, at.line, column)


def _deprecated(ref: TableRef, s: SsotList, p: Processor) -> Finding:
    message = f"'{s.dataset_of(p)}.{ref.table}' is deprecated in the SSOT"
    target = None
    if p.replaced_by:
        target = next(
            (q.target_table for q in s.processors if p.replaced_by in (q.name, q.target_table)), p.replaced_by
        )
        message += f", use '{target}'"
    return finding(
        "deprecated-table",
        ref.name_at or ref.location,
        message,
        ssot=s.path,
        actual=ref.table,
        expected=target,
        fixable=target is not None and ref.name_at is not None,
        confidence="certain",
        evidence=(f"deprecated: true on {p.name} in {s.path}",),
    )


def _checked(ref: TableRef, dataset: str, ssot_paths: Mapping[str, str], known: KnownTables) -> bool:
    """References to SSOT datasets and to datasets an authoritative inventory lists; never DDL targets."""
    if ref.defined or ref.placeholder or _is_meta(ref.table) or not dataset:
        return False
    return dataset in ssot_paths or bool(known.listed(dataset))


def _table_confidence(known: KnownTables, dataset: str, rename: Rename | None) -> Confidence:
    """How sure the finding is, and its rename when it has one: a rename is never surer than its decision."""
    if rename is not None and (known.authoritative(dataset) or rename.confidence == "certain"):
        return rename.confidence
    if known.authoritative(dataset):
        return "certain"
    if known.complete(dataset) or rename is not None:
        return "likely"
    return "possible"


@dataclass(frozen=True)
class Paragraph:
    """One comment, or a run of `--` comments on consecutive lines at the same column."""

    parts: tuple[Comment, ...]

    @cached_property
    def words(self) -> frozenset[str]:
        """Computed once: asked for each word of the paragraph, it would make a long comment quadratic."""
        return frozenset(w for c in self.parts for w in WORD.findall(c.text))


def stale_comment_names(
    sql: SqlFile, ssot: Ssot, tables: KnownTables, terms: SsotTerms | None = None
) -> Iterator[Finding]:
    terms = terms or SsotTerms.of(ssot)
    if not sql.comments:
        return
    known = terms.words
    candidates, declared, sources, homes = terms.names, terms.renamed, terms.sources, terms.homes
    in_code = sql.identifiers - {t.table for t in sql.tables if t.dataset in terms.datasets}
    in_code |= sql.strings
    misses: dict[str, Rename | None] = {}  # a word repeated in many comments is compared with the SSOT once
    for para in paragraphs(sql.comments):
        mentioned = para.words & known
        if not mentioned:
            continue
        for comment in para.parts:
            for m in WORD.finditer(comment.text):
                word = m.group()
                if "_" not in word or len(word) < MIN_WORD or word in known or word in in_code:
                    continue
                if word not in misses:
                    misses[word] = near_miss(word, candidates, declared, tables, homes)
                rename = misses[word]
                if rename is None or rename.target in para.words:
                    continue
                home = sources[rename.target]
                yield finding(
                    "stale-comment-name",
                    offset_location(comment.text_at, comment.text, m.start()),
                    f"comment names '{word}', which is not in the SSOT; did you mean '{rename.target}'?",
                    ssot=home.path,
                    actual=word,
                    expected=rename.target,
                    confidence=rename.confidence,
                    evidence=rename.evidence,
                )


def near_miss(
    word: str, candidates: Iterable[str], declared: Mapping[str, str], tables: KnownTables, home: Mapping[str, str]
) -> Rename | None:
    """The one SSOT name `word` stands for (None: none, several, or `word` is a known table).

    `certain` when the SSOT declares the rename, or an authoritative inventory lists the target's
    table but not `word`; `likely` otherwise.
    """
    if tables.knows(word) is not None and word not in declared:
        return None
    rename = decide_rename(word, candidates, declared=declared, cutoff=NEAR_MISS)
    if rename is None or rename.others:
        return None
    dataset = home.get(rename.target)
    listed = tables.listed(dataset) if dataset else None
    if rename.confidence == "likely" and listed is not None:
        rename = decide_rename(word, candidates, declared=declared, listed=listed, cutoff=NEAR_MISS)
    return rename


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


def _is_meta(table: str) -> bool:
    return table.upper().startswith(META_TABLES) or table.endswith("*") or "$" in table
