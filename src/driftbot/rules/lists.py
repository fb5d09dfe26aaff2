"""unknown-name on name lists that are not copies: each member of a list that names known things must exist.

A collection that is not bound as a copy of an SSOT list (see `binding`) but names at least
MIN_KNOWN known names is a *name list*: a cleanup job's 23 tables, a trigger dict keyed by
tables, `(dataset, table, date_column)` rows, a registry keyed by processor classes. Known names
are the SSOT's processor names, target tables and classes (`class:` / `classes:`), every table an
inventory knows (`ctx.known_tables`, any dataset) and `dataset.table` strings of a checked dataset.

Each member is checked (documented in the README, "Name lists"): a member is reported when all hold
  1. it looks like a name: a table (`[a-z][a-z0-9_]*` with `_`), a class (`[A-Z]` then word
     characters, accents included) or `dataset.table`; at least MIN_LENGTH characters;
  2. nothing knows it: not an SSOT name, table or class, not a table of any inventory (of its
     dataset when the row or the string says which), not a class the scanned Python defines;
  3. it is a near-miss of a known name of its kind (`rules.hints.decide_rename`, a prefix or a
     difflib ratio of at least NEAR_MISS; several close names make it `possible`).
A list of column names, options or labels names no two known things and is never looked at; a value
that resembles a table but exists is another table. The rename is applied by `fix` only when
`decide_rename` says `certain` (declared `renamed_from`, or an authoritative inventory lists the
candidate and not the value).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from driftbot.context import AuditContext
from driftbot.extract.embedded_sql import EmbeddedTables
from driftbot.ftypes import Collection, Confidence, Element, Finding
from driftbot.inventory.known import KnownTables
from driftbot.rules import names, sql
from driftbot.rules.catalog import finding
from driftbot.rules.hints import Rename, close_matches, decide_rename
from driftbot.ssot.models import Processor, Ssot

MIN_KNOWN = 2  # known names a collection must hold to be a name list
MIN_LENGTH = 5
NEAR_MISS = 0.8  # as for references (rules.names): names of one source share long prefixes
TABLE_LIKE = re.compile(r"[a-z][a-z0-9_]*_[a-z0-9_]*")
CLASS_LIKE = re.compile(r"[A-Z][^\W_]\w*")
QUALIFIED = re.compile(r"(?:[a-z][a-z0-9-]*\.)?([A-Za-z_]\w*)\.([A-Za-z_]\w*)")
Kind = Literal["table", "class"]


@dataclass(frozen=True)
class Vocabulary:
    """What exists, as name lists are checked against it (built once per audit)."""

    ssot: Ssot
    tables: KnownTables
    names: frozenset[str]  # SSOT names and tables, every inventory table in any dataset
    classes: frozenset[str]  # SSOT class names
    code_classes: frozenset[str]  # classes the scanned Python defines (read only when a list may need them)
    datasets: frozenset[str]  # datasets whose `dataset.table` strings are checked
    ssot_names: frozenset[str]  # `ssot.all_names()`, once: `knows` asks for every member of every list

    @classmethod
    def of(cls, ctx: AuditContext, lists: Sequence[Collection]) -> Vocabulary:
        known = ctx.known_tables
        datasets = set(ctx.ssot.datasets) | {t.dataset for inv in known.authorities for t in inv.tables}
        classes = ctx.ssot.all_classes()
        needed = any(
            set(c.values) & classes and any(CLASS_LIKE.fullmatch(v) for v in set(c.values) - classes) for c in lists
        )
        code = frozenset(ctx.defined_classes) if needed else frozenset()
        ssot = ctx.ssot
        return cls(ssot, known, known.names(), classes, code, frozenset(datasets), ssot.all_names())

    def qualified(self, value: str) -> tuple[str, str] | None:
        m = QUALIFIED.fullmatch(value)
        if m is None or m.group(1) not in self.datasets:
            return None
        return m.group(1), m.group(2)

    def knows(self, value: str, dataset: str | None) -> bool:
        q = self.qualified(value)
        if q is not None:
            return self.tables.knows(q[1], q[0]) is not None
        if value in self.classes or value in self.code_classes:
            return True
        if dataset is not None and TABLE_LIKE.fullmatch(value):
            return self.tables.knows(value, dataset) is not None or value in self.ssot_names
        return value in self.names


@dataclass(frozen=True)
class Suspect:
    """A member nothing knows that is a near-miss of a known name."""

    collection: Collection
    element: Element
    kind: Kind
    rename: Rename
    dataset: str | None
    evidence: tuple[str, ...]


def check(ctx: AuditContext) -> Iterator[Finding]:
    copies = {id(b.collection) for b in ctx.bindings if b.complete}
    yield from check_lists(ctx, [c for c in ctx.collections if id(c) not in copies])


def check_lists(ctx: AuditContext, lists: Sequence[Collection]) -> Iterator[Finding]:
    """unknown-name on `lists` (collections that are not complete copies)."""
    if not lists:
        return
    vocab = Vocabulary.of(ctx, lists)
    datasets = row_datasets(ctx.collections, vocab.datasets)
    reported = _by_references(ctx)
    looped: dict[str, set[tuple[int, str]]] = {}
    for c in lists:
        for s in suspects_in(c, vocab, datasets.get(id(c))):
            at = s.element.location
            if (at.path, at.line, at.column) in reported:
                continue
            if at.path not in looped:
                looped[at.path] = _looped(ctx, at.path, vocab.datasets)
            if (at.line, s.element.value) not in looped[at.path]:
                yield _finding(s, vocab)


def _looped(ctx: AuditContext, path: str, datasets: frozenset[str]) -> set[tuple[int, str]]:
    """Loop members put into `dataset.{name}` (the scan's embedded-SQL read): `unknown-table` checks them."""
    found = ctx.reads.get(sql.EMBEDDED, {}).get(path)
    if not isinstance(found, EmbeddedTables):
        return set()
    return {(r.location.line, r.table) for r in found.looped if r.dataset in datasets}


def _by_references(ctx: AuditContext) -> set[tuple[str, int, int]]:
    """Members the reference rule (rules.names) already reports as a near-miss of its own list's names."""
    known = names.Known.of(ctx.known_tables)
    out: set[tuple[str, int, int]] = set()
    for b in ctx.bindings:
        target = ctx.ssot.by_key(b.ssot_list)
        if b.complete or target is None:
            continue
        for f in names.check_binding(b, target, ctx.ssot, known):
            out.add((f.location.path, f.location.line, f.location.column))
    return out


def suspects_in(c: Collection, vocab: Vocabulary, dataset: str | None) -> Iterator[Suspect]:
    """The members of `c` to report, when `c` names at least MIN_KNOWN known names."""
    values = set(c.values)
    known = {v for v in values if vocab.knows(v, dataset)}
    if len(known) < MIN_KNOWN:
        return
    why = f"{c.symbol} names {len(known)} known names"
    seen: set[str] = set()
    for e in c.elements:
        if e.value in known or e.value in seen or len(e.value) < MIN_LENGTH:
            continue
        seen.add(e.value)
        suspect = _near_miss(e, vocab, dataset, values)
        if suspect is not None:
            yield Suspect(c, e, suspect[0], suspect[1], suspect[2], (why, *suspect[3]))


def _near_miss(
    e: Element, vocab: Vocabulary, dataset: str | None, values: set[str]
) -> tuple[Kind, Rename, str | None, tuple[str, ...]] | None:
    value = e.value
    q = vocab.qualified(value)
    if q is not None:
        ds, table = q
        rename = _table_rename(table, vocab, ds, {v.split(".")[-1] for v in values})
        if rename is None:
            return None
        prefix = value[: len(value) - len(table)]
        rename = Rename(prefix + rename.target, rename.confidence, rename.evidence, rename.others)
        return "table", rename, ds, (vocab.tables.absence(table, ds),)
    if TABLE_LIKE.fullmatch(value):
        rename = _table_rename(value, vocab, dataset, values)
        if rename is None:
            return None
        home = dataset or _home(rename.target, vocab)
        return "table", rename, home, (vocab.tables.absence(value, home),)
    if CLASS_LIKE.fullmatch(value):
        every = vocab.classes | vocab.code_classes
        rename = decide_rename(value, every - values, declared={}, exists=every, cutoff=NEAR_MISS)
        if rename is None:
            return None
        if rename.confidence == "likely" and rename.target in vocab.code_classes:
            # The scanned code is the authority on its own classes: it defines the candidate, not the value.
            why = f"the code defines class {rename.target}, and no class {value}"
            rename = Rename(rename.target, "certain", (why, *rename.evidence))
        return "class", rename, None, ("not a class in the SSOT, and no scanned Python file defines it",)
    return None


def _table_rename(value: str, vocab: Vocabulary, dataset: str | None, values: set[str]) -> Rename | None:
    declared = {**vocab.ssot.renamed("target_table"), **vocab.ssot.renamed("name")}
    pool = (vocab.tables.names(dataset) | _ssot_in(vocab.ssot, dataset)) if dataset else vocab.names
    candidates = pool - values  # a rename never makes a duplicate
    hits = close_matches(value, candidates, NEAR_MISS)
    home = dataset or (_home(hits[0], vocab) if len(hits) == 1 else None)
    listed = vocab.tables.listed(home) if home else None
    # A table that exists in any dataset is another table, even in a row naming a different dataset.
    return decide_rename(value, candidates, declared=declared, listed=listed, exists=vocab.names, cutoff=NEAR_MISS)


def _ssot_in(ssot: Ssot, dataset: str) -> frozenset[str]:
    return frozenset(p.name for s in ssot.lists for p in s.processors if s.dataset_of(p) == dataset)


def _home(name: str, vocab: Vocabulary) -> str | None:
    """The one dataset that knows `name` (an SSOT processor's, else an inventory's), None when not one."""
    for s in vocab.ssot.lists:
        for p in s.processors:
            if name in (p.name, p.target_table):
                return s.dataset_of(p)
    homes = [d for d in sorted(vocab.datasets) if vocab.tables.knows(name, d) is not None]
    return homes[0] if len(homes) == 1 else None


def row_datasets(collections: Sequence[Collection], datasets: frozenset[str]) -> dict[int, str]:
    """For a tuple column `X[*][i]`: the one dataset a sibling column `X[*][j]` holds in every row."""
    columns: dict[tuple[str, str], list[Collection]] = {}
    for c in collections:
        if "[*][" in c.symbol:
            columns.setdefault((c.path, c.symbol.rsplit("[*]", 1)[0]), []).append(c)
    out: dict[int, str] = {}
    for siblings in columns.values():
        one = [c for c in siblings if len(set(c.values)) == 1 and c.values[0] in datasets]
        if len(one) != 1:
            continue
        for c in siblings:
            if c is not one[0] and len(c.values) == len(one[0].values):
                out[id(c)] = one[0].values[0]
    return out


def _finding(s: Suspect, vocab: Vocabulary) -> Finding:
    value = s.element.value
    r = s.rename
    what = "a processor class in the SSOT or the code" if s.kind == "class" else "a known table or processor"
    message = f"'{value}' is not {what}"
    if r.confidence == "possible":
        message += "; did you mean " + " or ".join(f"'{t}'" for t in r.candidates[:3]) + "?"
    else:
        message += f"; did you mean '{r.target}'?"
    confidence: Confidence = r.confidence
    target = r.target.rsplit(".", 1)[-1]
    home = next((lst.path for lst in vocab.ssot.lists for p in lst.processors if target in _names(p)), None)
    return finding(
        "unknown-name",
        s.element.location,
        message,
        symbol=s.collection.symbol,
        ssot=home,
        actual=value,
        expected=r.target if r.confidence != "possible" else None,
        fixable=r.confidence != "possible",
        confidence=confidence,
        evidence=(*s.evidence, *r.evidence),
    )


def _names(p: Processor) -> tuple[str, ...]:
    return (p.name, p.target_table, *p.class_names)
