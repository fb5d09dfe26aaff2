"""Decide which collections copy which SSOT list, and whether as a complete copy or a reference.

The rule (documented in the README, "How copies are found"):

Which list. A collection with distinct values S *qualifies* as a copy of an SSOT list T (its
processor names, or its target tables) when it holds at least 2 names of T and at least 60% of T,
and at most max(2, |T| // 4) of its values are not in T. Among the lists that qualify the one with
the most shared values wins; on a tie the symbol decides (`table` -> target tables, `processor` ->
names), or a sibling tuple column holding SSOT datasets (`(dataset, table, col)` rows: tables); then
processor names win over target tables, then the lower phase. A collection that does not qualify
but holds at least 2 names of a list, and no more other values than SSOT ones, is a *reference*.

Complete copy or reference. A qualifying collection is a *complete copy* only with evidence:
  - an explicit or generated binding in `.driftbot.yml`;
  - vendored copies: the same symbol (or the same value set) in 2 or more files, lacking at most
    one name of T;
  - its size: |S| equals |T|, the `expected_count`, or the number of required processors (a stale
    name stands in for the one it replaced), or S holds all of T and one more;
  - its name says so: `expected`, `all` or `phase<N>` (N = T's phase) as a word of its last part.
Two kinds of evidence (or an explicit, generated or vendored one) make the completeness `certain`,
one `likely`. Without evidence it is a reference. So is a *partition*: sibling collections (same
file, same enclosing symbol) that are disjoint and whose union is exactly T
(`return (5, {a, b}, {c, d, e})`), and a list whose names and target tables of T tie with nothing
to decide the field (it cannot say which one it lacks).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from driftbot.config import BindingSpec
from driftbot.ftypes import Binding, Collection, Confidence
from driftbot.paths import matches
from driftbot.ssot.models import Ssot, SsotList

Field = Literal["name", "target_table"]
FIELDS: tuple[Field, ...] = ("name", "target_table")
MIN_SHARED = 2
MIN_COVERAGE = 0.6
MAX_PARTS = 4  # a partition has at most this many parts
MAX_PART_CANDIDATES = 12  # subsets looked at per enclosing symbol (combinations stay cheap)
CERTAIN_KINDS = frozenset({"explicit", "vendored"})
Scorer = Callable[[Iterable[str], Sequence[str]], "int | None"]


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


def reference_score(values: Iterable[str], target: Sequence[str]) -> int | None:
    """Shared-value count when `values` names `target` as a reference (2+ names, mostly SSOT ones)."""
    distinct = set(values)
    shared = len(distinct & set(target))
    if shared < MIN_SHARED or len(distinct) - shared > shared:
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


@dataclass(frozen=True)
class Match:
    ssot: SsotList
    field: Field
    tied: bool = False  # names and tables share as many values and nothing decided between them


def best_match(collection: Collection, lists: Sequence[SsotList]) -> tuple[SsotList, Field] | None:
    """The list and field `collection` qualifies as a copy of (the symbol breaks ties), or None."""
    found = _match(collection, lists, symbol_hint(collection.symbol), score)
    return (found.ssot, found.field) if found else None


def _match(collection: Collection, lists: Sequence[SsotList], hint: Field | None, scorer: Scorer) -> Match | None:
    best: tuple[tuple[int, int, int, int], SsotList, Field] | None = None
    for s in lists:
        for rank, f in enumerate(FIELDS):
            shared = scorer(collection.values, s.values(f))
            if shared is None:
                continue
            key = (shared, int(f == hint), -rank, -s.phase)
            if best is None or key > best[0]:
                best = (key, s, f)
    if best is None:
        return None
    (shared, hinted, _, _), s, f = best
    other: Field = "target_table" if f == "name" else "name"
    tied = not hinted and s.names != s.tables and scorer(collection.values, s.values(other)) == shared
    return Match(s, f, tied)


def explicit_spec(path: str, symbol: str, specs: Sequence[BindingSpec]) -> BindingSpec | None:
    """The `.driftbot.yml` binding of the collection `symbol` in `path`, if one names it."""
    return next((b for b in specs if b.symbol == symbol and matches(path, b.files)), None)


def bind(
    collections: Sequence[Collection], ssot: Ssot, specs: Sequence[BindingSpec], *, auto: bool = True
) -> tuple[Binding, ...]:
    out: dict[int, Binding] = {}
    copies: list[tuple[Collection, Match]] = []
    refs: list[tuple[Collection, Match]] = []
    columns = _dataset_columns(collections, ssot)
    specs = [s for s in specs if s.field != "class"]  # a registry's binding: rules.registry reads it
    for c in collections:
        spec = explicit_spec(c.path, c.symbol, specs)
        if spec is not None:
            target = ssot.by_key(spec.ssot)
            if target is None:
                continue  # reported by the config check in audit
            field: Field = spec.field if spec.field in FIELDS else _better_field(c, target)
            how: Literal["explicit", "generated"] = "generated" if spec.generated else "explicit"
            why = "generated from the SSOT (.driftbot.yml)" if spec.generated else "bound in .driftbot.yml"
            out[id(c)] = Binding(c, target.key, field, how, True, (why,), "certain")
        elif auto:
            hint = symbol_hint(c.symbol) or ("target_table" if _table_column(c, columns) else None)
            found = _match(c, ssot.lists, hint, score)
            if found is not None:
                copies.append((c, found))
                continue
            found = _match(c, ssot.lists, hint, reference_score)
            if found is not None:
                refs.append((c, found))
    parts = _partitions([c for c in collections if id(c) not in out], ssot)
    vendored = _vendored(copies)
    for c, m in copies:
        out[id(c)] = _classify(c, m, parts.get(id(c)), vendored)
    for c, m in refs:
        share = len(set(c.values) & set(m.ssot.values(m.field)))
        why = parts.get(id(c)) or f"{share} of {len(m.ssot.processors)} {m.ssot.label} names: a reference"
        out[id(c)] = Binding(c, m.ssot.key, m.field, "auto", False, (why,), "likely")
    return tuple(out[id(c)] for c in collections if id(c) in out)


def _classify(c: Collection, m: Match, partition: str | None, vendored: dict[int, str]) -> Binding:
    s, f = m.ssot, m.field
    if partition is not None:
        return Binding(c, s.key, f, "auto", False, (partition,), "likely")
    if m.tied:
        why = f"its names and target tables of {s.label} tie: cannot tell which it lacks"
        return Binding(c, s.key, f, "auto", False, (why,), "likely")
    found: list[tuple[str, str]] = []
    if id(c) in vendored:
        found.append(("vendored", vendored[id(c)]))
    size = _size_evidence(c, s, f)
    if size is not None:
        found.append(("size", size))
    name = _name_evidence(c.symbol, s)
    if name is not None:
        found.append(("name", name))
    if not found:
        share = len(set(c.values) & set(s.values(f)))
        why = f"{share} of {len(s.processors)} {s.label} names, no evidence of a complete copy: a reference"
        return Binding(c, s.key, f, "auto", False, (why,), "likely")
    certain = len(found) > 1 or any(kind in CERTAIN_KINDS for kind, _ in found)
    confidence: Confidence = "certain" if certain else "likely"
    return Binding(c, s.key, f, "auto", True, tuple(why for _, why in found), confidence)


def _size_evidence(c: Collection, s: SsotList, f: Field) -> str | None:
    distinct = set(c.values)
    wanted = set(s.values(f))
    n = len(distinct)
    if n == len(wanted):
        return f"size {n} = SSOT {s.label} ({len(wanted)})"
    if s.expected_count is not None and n == s.expected_count:
        return f"size {n} = expected_count of {s.label} ({s.expected_count})"
    required = sum(p.required for p in s.processors)
    optional = {v for p in s.processors if not p.required for v in (p.name, p.target_table)}
    if required < len(wanted) and n == required and not distinct & optional:
        return f"size {n} = required processors of {s.label} ({required})"
    if n == len(wanted) + 1 and wanted <= distinct:
        return f"all {len(wanted)} of SSOT {s.label} and 1 more"
    return None


def _name_evidence(symbol: str, s: SsotList) -> str | None:
    last = re.sub(r"(\(\)|\[[^\]]*\])+$", "", symbol).rsplit(".", 1)[-1]
    words = last.lower()
    said = re.search(r"(?:^|_)(expected|all)(?:_|$)", words)
    if said:
        return f"its name {last} says '{said.group(1)}'"
    if re.search(rf"(?:^|_)phase_?{s.phase}(?:_|$)", words):
        return f"its name {last} says phase {s.phase}"
    return None


def _vendored(copies: Sequence[tuple[Collection, Match]]) -> dict[int, str]:
    """Copies in 2+ files of one symbol (or of one value set) that lack at most one name: evidence by id."""
    by_symbol: dict[tuple[str, str, str], list[Collection]] = defaultdict(list)
    by_values: dict[tuple[frozenset[str], str, str], list[Collection]] = defaultdict(list)
    for c, m in copies:
        if len(set(c.values)) >= len(set(m.ssot.values(m.field))) - 1:
            by_symbol[(c.symbol, m.ssot.key, m.field)].append(c)
            by_values[(frozenset(c.values), m.ssot.key, m.field)].append(c)
    out: dict[int, str] = {}
    for (_, _, _), group in by_values.items():
        files = {c.path for c in group}
        if len(files) > 1:
            for c in group:
                out[id(c)] = f"the same {len(set(c.values))} values in {len(files)} files"
    for (symbol, _, _), group in by_symbol.items():
        files = {c.path for c in group}
        if len(files) > 1:
            for c in group:
                out[id(c)] = f"{len(files)} copies of {symbol}"
    return out


def _scope(symbol: str) -> str:
    """The enclosing symbol: `f()[2]` -> `f()`, `Cfg.optional` -> `Cfg`, `CRITICAL` -> ``."""
    if symbol.endswith("]"):
        return symbol[: symbol.rindex("[")]
    return symbol.rpartition(".")[0]


def _partitions(collections: Sequence[Collection], ssot: Ssot) -> dict[int, str]:
    """Sibling collections, disjoint, whose union is exactly an SSOT list: evidence by id."""
    groups: dict[tuple[str, str], list[Collection]] = defaultdict(list)
    for c in collections:
        if "[*]" not in c.symbol:
            groups[(c.path, _scope(c.symbol))].append(c)
    out: dict[int, str] = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        for s in ssot.lists:
            for f in FIELDS:
                wanted = frozenset(s.values(f))
                subsets = [c for c in members if set(c.values) < wanted and id(c) not in out]
                for combo in _covers(subsets[:MAX_PART_CANDIDATES], wanted):
                    for c in combo:
                        others = ", ".join(o.symbol for o in combo if o is not c)
                        out[id(c)] = f"a partition of {s.label} with {others}"
    return out


def _covers(subsets: Sequence[Collection], wanted: frozenset[str]) -> Iterable[tuple[Collection, ...]]:
    used: set[int] = set()
    for k in range(2, min(MAX_PARTS, len(subsets)) + 1):
        for combo in itertools.combinations(subsets, k):
            if any(id(c) in used for c in combo):
                continue
            counts = Counter(v for c in combo for v in set(c.values))
            if set(counts) == wanted and all(n == 1 for n in counts.values()):
                used.update(id(c) for c in combo)
                yield combo


def _dataset_columns(collections: Sequence[Collection], ssot: Ssot) -> set[tuple[str, str]]:
    """(path, row symbol) of tuple rows whose some column holds only SSOT datasets."""
    out: set[tuple[str, str]] = set()
    for c in collections:
        if "[*][" in c.symbol and c.values and set(c.values) <= ssot.datasets:
            out.add((c.path, c.symbol.rsplit("[*]", 1)[0]))
    return out


def _table_column(c: Collection, columns: set[tuple[str, str]]) -> bool:
    return "[*][" in c.symbol and (c.path, c.symbol.rsplit("[*]", 1)[0]) in columns


def _better_field(collection: Collection, target: SsotList) -> Field:
    values = set(collection.values)
    names = len(values & set(target.names))
    tables = len(values & set(target.tables))
    return "target_table" if tables > names else "name"
