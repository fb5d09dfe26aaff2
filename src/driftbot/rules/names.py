"""Rules on bound collections: unknown-name, missing-name, duplicate-name, count-mismatch, copy-divergence.

A complete copy (see `binding`) must hold every required name of its SSOT list and nothing else:
all five rules apply. A reference must only name things that exist: a value that is neither an SSOT
name or table nor a table an inventory lists, and that is a near-miss of a name of its list, is an
`unknown-name` (a stale name); nothing else is reported on it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from driftbot.binding import symbol_hint
from driftbot.context import AuditContext
from driftbot.ftypes import Binding, Collection, Confidence, Finding, Location
from driftbot.inventory.known import KnownTables
from driftbot.rules.catalog import finding
from driftbot.rules.hints import Rename, decide_rename
from driftbot.ssot.models import Ssot, SsotList

NEAR_MISS = 0.8  # a reference's value counts as a stale name only this close to an SSOT name (or a prefix of one)


@dataclass(frozen=True)
class Known:
    """What exists (`AuditContext.known_tables`), with its name set computed once per audit."""

    tables: KnownTables
    names: frozenset[str]  # every table or SSOT name known to exist, in any dataset

    @classmethod
    def of(cls, tables: KnownTables) -> Known:
        return cls(tables, tables.names())


def check(ctx: AuditContext) -> Iterator[Finding]:
    known = Known.of(ctx.known_tables)
    for b in ctx.bindings:
        target = ctx.ssot.by_key(b.ssot_list)
        if target is not None:
            yield from check_binding(b, target, ctx.ssot, known)
    yield from copy_divergence((b for b in ctx.bindings if b.complete), ctx.ssot)


def noun(target: SsotList, field: str) -> str:
    return f"{target.label} processor" if field == "name" else f"{target.label} target table"


def insertable(c: Collection) -> bool:
    """`fix` can add a name to a plain list/tuple/set, not to dict keys (a value is needed) or a tuple column."""
    return c.kind != "dict" and "[*]" not in c.symbol


def check_binding(
    b: Binding, target: SsotList, ssot: Ssot | None = None, known: Known | None = None
) -> Iterator[Finding]:
    ssot = ssot if ssot is not None else Ssot("", (target,))
    known = known if known is not None else Known.of(KnownTables.build(ssot, ()))
    if b.complete:
        yield from _check_copy(b, target, ssot, known)
    else:
        yield from _check_reference(b, target, ssot, known)


def _check_copy(b: Binding, target: SsotList, ssot: Ssot, known: Known) -> Iterator[Finding]:
    c = b.collection
    expected = target.values(b.field)
    wanted = set(expected)
    present = set(c.values)
    # A table that exists (outside the SSOT) is real: a list of tables may hold more than the SSOT's
    # (a list of processors may not).
    exempt = (
        {v for v in present if v not in ssot.all_names() and known.tables.knows(v, target.dataset)}
        if symbol_hint(c.symbol) != "name"
        else set()
    )
    unknown = list(dict.fromkeys(v for v in c.values if v not in wanted and v not in exempt))
    missing = [v for v in expected if v not in present]
    own = _other_field(target, b.field)  # a processor's name in a list of tables (or the reverse)
    elsewhere = known.names - wanted - set(own)
    paired = len(unknown) == 1 and len(missing) == 1
    declared = ssot.renamed(b.field)
    listed = known.tables.listed(target.dataset)
    decided = {
        u: own[u]
        if u in own and own[u].target in missing
        else decide_rename(u, missing, declared=declared, paired=paired, listed=listed, exists=elsewhere)
        for u in unknown
    }
    renames = _unclaimed(decided)
    what = noun(target, b.field)
    common = {"symbol": c.symbol, "ssot": target.path}
    seen: dict[str, int] = {}
    for e in c.elements:
        if e.value in seen:
            yield finding(
                "duplicate-name",
                e.location,
                f"'{e.value}' appears more than once in {c.symbol}",
                actual=e.value,
                confidence="certain",
                evidence=(f"'{e.value}' also at line {seen[e.value]}",),
                **common,
            )
            continue
        seen[e.value] = e.location.line
        if e.value in wanted or e.value in exempt:
            continue
        rename = renames.get(e.value)
        message = f"'{e.value}' is not a {what} in the SSOT" + _where_else(e.value, ssot, target)
        yield _unknown(e.value, e.location, message, rename, b, common)
    optional = {v for p in target.processors if not p.required for v in (p.name, p.target_table)}
    targets = {r.target for r in renames.values() if r.confidence != "possible"}
    for m in missing:
        if m in targets or m in optional:
            continue  # reported as the rename above; an optional processor may be left out
        yield finding(
            "missing-name",
            c.location,
            f"'{m}' ({what}) is missing from {c.symbol}",
            expected=m,
            fixable=insertable(c),
            confidence=b.confidence,
            evidence=b.evidence,
            **common,
        )
    omitted = sum(1 for m in missing if m in optional and m not in targets)
    if b.field == "name" and target.expected_count is not None:
        count = target.expected_count - omitted
        if len(c.elements) != count:
            without = f" ({omitted} optional left out)" if omitted else ""
            yield finding(
                "count-mismatch",
                c.location,
                f"{c.symbol} lists {len(c.elements)} processors; the SSOT expects {count}{without}",
                actual=str(len(c.elements)),
                expected=str(count),
                confidence=b.confidence,
                evidence=b.evidence,
                **common,
            )


def _check_reference(b: Binding, target: SsotList, ssot: Ssot, known: Known) -> Iterator[Finding]:
    """Each name must exist; only a near-miss of a name of its list is reported (a stale name)."""
    c = b.collection
    exists = known.names
    candidates = (set(target.names) | set(target.tables)) - set(c.values)  # a rename never makes a duplicate
    declared = {**ssot.renamed("target_table"), **ssot.renamed("name")}
    listed = known.tables.listed(target.dataset)
    common = {"symbol": c.symbol, "ssot": target.path}
    seen: set[str] = set()
    for e in c.elements:
        if e.value in exists or e.value in seen:
            continue
        seen.add(e.value)
        rename = decide_rename(e.value, candidates, declared=declared, listed=listed, exists=exists, cutoff=NEAR_MISS)
        if rename is None or rename.confidence == "possible":
            continue  # not a near-miss of an SSOT name: some other value (a counter key, a label)
        message = f"'{e.value}' is neither a {target.label} name in the SSOT nor a table an inventory lists"
        yield _unknown(e.value, e.location, message, rename, b, common)


def _unknown(
    value: str, location: Location, message: str, rename: Rename | None, b: Binding, common: dict[str, str]
) -> Finding:
    confidence: Confidence = b.confidence
    evidence = b.evidence
    expected = None
    if rename is not None:
        evidence = (*evidence, *rename.evidence)
        if rename.confidence == "possible":
            message += "; did you mean " + " or ".join(f"'{t}'" for t in rename.candidates) + "?"
        else:
            message += f"; did you mean '{rename.target}'?"
            expected = rename.target
            confidence = rename.confidence
    return finding(
        "unknown-name",
        location,
        message,
        actual=value,
        expected=expected,
        fixable=expected is not None,
        confidence=confidence,
        evidence=evidence,
        **common,
    )


def _unclaimed(decided: dict[str, Rename | None]) -> dict[str, Rename]:
    """Renames by stale name; two stale names pointing at one target are both only `possible`."""
    claims = Counter(r.target for r in decided.values() if r is not None)
    out: dict[str, Rename] = {}
    for u, r in decided.items():
        if r is None:
            continue
        if claims[r.target] > 1 and r.confidence != "possible":
            r = Rename(r.target, "possible", (*r.evidence, f"'{r.target}' is also the closest name to another"))
        out[u] = r
    return out


def _other_field(target: SsotList, field: str) -> dict[str, Rename]:
    """For a list of tables, each processor's name -> its table (a certain rename); the reverse for names."""
    out: dict[str, Rename] = {}
    for p in target.processors:
        if p.name != p.target_table:
            old, new = (p.name, p.target_table) if field == "target_table" else (p.target_table, p.name)
            out[old] = Rename(new, "certain", (f"the SSOT's processor {p.name} writes the table {p.target_table}",))
    return out


def _where_else(value: str, ssot: Ssot, target: SsotList) -> str:
    other = next((s for s in ssot.lists if s is not target and value in (*s.names, *s.tables)), None)
    return f" (it belongs to {other.label})" if other is not None else ""


def copy_divergence(bindings: Iterable[Binding], ssot: Ssot) -> Iterator[Finding]:
    """Copies of one symbol (same name, same SSOT list) in several files should hold the same values.

    The reference is the most common variant; on a tie, the one that matches the SSOT.
    """
    groups: dict[tuple[str, str, Literal["name", "target_table"]], list[Binding]] = defaultdict(list)
    for b in bindings:
        groups[(b.collection.symbol, b.ssot_list, b.field)].append(b)
    for (symbol, key, field_), members in sorted(groups.items()):
        if len({m.collection.path for m in members}) < 2:
            continue
        variants = Counter(m.collection.values for m in members)
        if len(variants) < 2:
            continue
        target = ssot.by_key(key)
        truth = target.values(field_) if target is not None else ()
        majority, _ = max(variants.items(), key=lambda kv: (kv[1], kv[0] == truth, kv[0]))
        reference = next(m for m in members if m.collection.values == majority)
        for m in members:
            if m.collection.values == majority:
                continue
            extra = sorted(set(m.collection.values) - set(majority))
            lacking = sorted(set(majority) - set(m.collection.values))
            delta = ", ".join([f"+{v}" for v in extra] + [f"-{v}" for v in lacking]) or "order differs"
            yield finding(
                "copy-divergence",
                m.collection.location,
                f"{symbol} differs from {variants[majority]} other copies (e.g. {reference.collection.path}): {delta}",
                symbol=symbol,
                confidence="certain",
                evidence=(f"{len(members)} copies of {symbol}; {variants[majority]} agree",),
            )
