"""Rules on bound collections: unknown-name, missing-name, duplicate-name, count-mismatch, copy-divergence."""

from __future__ import annotations

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Literal

from driftbot.context import AuditContext
from driftbot.ftypes import Binding, Collection, Finding
from driftbot.rules.catalog import finding
from driftbot.ssot.models import Ssot, SsotList

RENAME_CUTOFF = 0.6


def check(ctx: AuditContext) -> Iterator[Finding]:
    for b in ctx.bindings:
        target = ctx.ssot.by_key(b.ssot_list)
        if target is not None:
            yield from check_binding(b, target)
    yield from copy_divergence(ctx.bindings, ctx.ssot)


def noun(target: SsotList, field: str) -> str:
    return f"{target.label} processor" if field == "name" else f"{target.label} target table"


def renames(unknown: Sequence[str], missing: Sequence[str]) -> dict[str, str]:
    """Pair stale names with the missing SSOT names they most likely meant, each used once."""
    scored = []
    for u in unknown:
        for m in missing:
            ratio = difflib.SequenceMatcher(None, u, m).ratio()
            if ratio >= RENAME_CUTOFF or m.startswith(u) or u.startswith(m):
                scored.append((-ratio, u, m))
    pairs: dict[str, str] = {}
    for _, u, m in sorted(scored):
        if u not in pairs and m not in pairs.values():
            pairs[u] = m
    return pairs


def insertable(c: Collection) -> bool:
    """`fix` can add a name to a plain list/tuple/set, not to dict keys (a value is needed) or a tuple column."""
    return c.kind != "dict" and "[*]" not in c.symbol


def check_binding(b: Binding, target: SsotList) -> Iterator[Finding]:
    c = b.collection
    expected = target.values(b.field)
    wanted = set(expected)
    present = set(c.values)
    unknown = list(dict.fromkeys(v for v in c.values if v not in wanted))
    missing = [v for v in expected if v not in present]
    pairs = renames(unknown, missing)
    what = noun(target, b.field)
    common = {"symbol": c.symbol, "ssot": target.path}
    seen: set[str] = set()
    for e in c.elements:
        if e.value in seen:
            yield finding(
                "duplicate-name",
                e.location,
                f"'{e.value}' appears more than once in {c.symbol}",
                actual=e.value,
                **common,
            )
            continue
        seen.add(e.value)
        if e.value in wanted:
            continue
        hint = pairs.get(e.value)
        message = f"'{e.value}' is not a {what} in the SSOT"
        message += f"; did you mean '{hint}'?" if hint else ""
        yield finding(
            "unknown-name", e.location, message, actual=e.value, expected=hint, fixable=hint is not None, **common
        )
    for m in missing:
        if m in pairs.values():
            continue  # reported as the rename above
        yield finding(
            "missing-name",
            c.location,
            f"'{m}' ({what}) is missing from {c.symbol}",
            expected=m,
            fixable=insertable(c),
            **common,
        )
    if b.field == "name" and target.expected_count is not None and len(c.elements) != target.expected_count:
        yield finding(
            "count-mismatch",
            c.location,
            f"{c.symbol} lists {len(c.elements)} processors; the SSOT expects {target.expected_count}",
            actual=str(len(c.elements)),
            expected=str(target.expected_count),
            **common,
        )


def copy_divergence(bindings: Iterable[Binding], ssot: Ssot) -> Iterator[Finding]:
    """Copies of one symbol (same name, same SSOT list) in several files should hold the same values.

    The reference is the most common variant; on a tie, the one that matches the SSOT.
    """
    groups: dict[tuple[str, str, Literal["name", "target_table"]], list[Binding]] = defaultdict(list)
    for b in bindings:
        groups[(b.collection.symbol, b.ssot_list, b.field)].append(b)
    for (symbol, key, field), members in sorted(groups.items()):
        if len({m.collection.path for m in members}) < 2:
            continue
        variants = Counter(m.collection.values for m in members)
        if len(variants) < 2:
            continue
        target = ssot.by_key(key)
        truth = target.values(field) if target is not None else ()
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
            )
