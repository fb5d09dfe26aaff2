"""Decide which collections are copies of which SSOT list.

Auto-discovery rule (documented in the README): a collection with distinct values S is a copy of an
SSOT list T (its processor names, or its target tables) when
  1. it holds at least 2 names of T, and
  2. it holds at least 60% of T (so one or two stale or missing names still bind), and
  3. at most max(2, |T| // 4) of its values are not in T (so a larger list that merely contains
     T among many other names, a superset for another purpose, is not a copy).
Among the lists that qualify the one with the most shared values wins. On a tie (a list that copies
tables after one table was renamed shares as many values with the names as with the tables) the
symbol decides: one that says `table` binds to target tables, one that says `processor` to names;
then processor names win over target tables, then the lower phase. Explicit bindings in
`.driftbot.yml` win over discovery.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from driftbot.config import BindingSpec
from driftbot.ftypes import Binding, Collection
from driftbot.paths import matches
from driftbot.ssot.models import Ssot, SsotList

Field = Literal["name", "target_table"]
FIELDS: tuple[Field, ...] = ("name", "target_table")
MIN_SHARED = 2
MIN_COVERAGE = 0.6


def max_foreign(list_size: int) -> int:
    return max(2, list_size // 4)


def score(values: Iterable[str], target: Sequence[str]) -> int | None:
    """Shared-value count when `values` qualifies as a copy of `target`, else None."""
    distinct = set(values)
    wanted = set(target)
    shared = len(distinct & wanted)
    if shared < MIN_SHARED or shared < MIN_COVERAGE * len(wanted):
        return None
    if len(distinct - wanted) > max_foreign(len(wanted)):
        return None
    return shared


def symbol_hint(symbol: str) -> Field | None:
    """The field a symbol's own name points at, e.g. `PRECOMPUTE_TABLES` -> target_table."""
    lowered = symbol.lower()
    if "table" in lowered:
        return "target_table"
    if "processor" in lowered:
        return "name"
    return None


def best_match(collection: Collection, lists: Sequence[SsotList]) -> tuple[SsotList, Field] | None:
    hint = symbol_hint(collection.symbol)
    best: tuple[tuple[int, int, int, int], SsotList, Field] | None = None
    for s in lists:
        for rank, f in enumerate(FIELDS):
            shared = score(collection.values, s.values(f))
            if shared is None:
                continue
            key = (shared, int(f == hint), -rank, -s.phase)
            if best is None or key > best[0]:
                best = (key, s, f)
    return (best[1], best[2]) if best else None


def explicit_spec(collection: Collection, specs: Sequence[BindingSpec]) -> BindingSpec | None:
    return next((b for b in specs if b.symbol == collection.symbol and matches(collection.path, b.files)), None)


def bind(
    collections: Sequence[Collection], ssot: Ssot, specs: Sequence[BindingSpec], *, auto: bool = True
) -> tuple[Binding, ...]:
    out: list[Binding] = []
    for c in collections:
        spec = explicit_spec(c, specs)
        if spec is not None:
            target = ssot.by_key(spec.ssot)
            if target is None:
                continue  # reported by the config check in audit
            field = spec.field or _better_field(c, target)
            out.append(Binding(c, target.key, field, "generated" if spec.generated else "explicit"))
        elif auto:
            found = best_match(c, ssot.lists)
            if found is not None:
                out.append(Binding(c, found[0].key, found[1], "auto"))
    return tuple(out)


def _better_field(collection: Collection, target: SsotList) -> Field:
    values = set(collection.values)
    names = len(values & set(target.names))
    tables = len(values & set(target.tables))
    return "target_table" if tables > names else "name"
