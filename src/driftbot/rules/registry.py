"""unregistered-processor: a processor registry (a router) lacks the class of one of its phase's processors.

A router that maps scraper paths, names or tables to processor classes drops, silently, the output of a
processor it does not list. The SSOT says which classes a phase's processors have (`class:`/`classes:`).

A collection of class names (documented in the README, "Processor registries") is one of the string
collections (`{'NbacScheduleProcessor': ...}` keys, a list of class-name strings) or a collection of
class objects (`extract.class_refs`: `{'nba-com/schedule': NbacScheduleProcessor}`, `[p.X, p.Y]`); the
keys and the values of one dict count together. It is the *registry* of phase N when
  - a `.driftbot.yml` binding says so: `symbol: ..., ssot: phase2, field: class` (`certain`); or
  - all of:
    1. coverage: it holds a class of at least MIN_HELD of the phase's required processors, and lacks at
       most max(1, n // 4) of the n required processors that have a class (a near-miss of a lacking
       class counts as held: `unknown-name` reports the typo);
    2. a router's shape or name: its values (or keys) are class objects, which the code instantiates;
       or a word of its symbol says registry (`REGISTRY_WORDS`);
    3. not partial by design: not in a test file, no word of its symbol says a part (`PART_WORDS`:
       backfill, skip, legacy, ...), not `__all__`, not exactly the classes of a named SSOT subset.
A required processor none of whose classes the registry holds is reported when the binding is explicit,
or (auto) when the scanned code defines one of its classes outside tests: the processor is implemented
and never routed. A class defined nowhere in the repository belongs to code driftbot cannot see: silent.
A dict whose keys are a complete copy of the list (rules.names reports `missing-name` there) is not
reported twice. `fix` never edits a registry: registering a class needs an import and a key.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from driftbot.binding import explicit_spec
from driftbot.context import AuditContext
from driftbot.extract.class_refs import ClassRefReader
from driftbot.extract.plan import is_test_file
from driftbot.ftypes import Collection, Confidence, Finding, Location
from driftbot.rules.catalog import finding
from driftbot.rules.hints import close_matches
from driftbot.ssot.models import Processor, Ssot, SsotList

READER = "class-refs"  # the scan's reader of class-object collections (`ctx.reads`)
MIN_HELD = 3
NEAR_MISS = 0.8  # as for class names in name lists (rules.lists)
REGISTRY_WORDS = frozenset(
    {"registry", "registries", "router", "routes", "routing", "dispatch", "dispatcher", "handlers", "processors"}
    | {"classes", "modules", "map", "mapping", "lookup"}
)
PART_WORDS = frozenset(
    {"backfill", "skip", "skipped", "exclude", "excluded", "disabled", "legacy", "deprecated", "optional", "retry"}
    | {"manual", "test", "tests", "sample", "subset", "only", "ignore", "ignored", "experimental", "fallback"}
    | {"paused", "blocked", "pending", "old", "extra", "partial"}
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def reader(ssot: Ssot) -> ClassRefReader | None:
    """What the scan reads for `check`: class objects in files naming SSOT classes (None: the SSOT names none)."""
    classes = ssot.all_classes()
    return ClassRefReader(tuple(c.encode() for c in sorted(classes))) if classes else None


@dataclass(frozen=True)
class Candidate:
    """One literal's class names: a dict's keys and values together, a list's items."""

    path: str
    symbol: str
    location: Location
    values: frozenset[str]
    objects: bool  # holds class objects (a router's shape)


def check(ctx: AuditContext) -> Iterator[Finding]:
    classes = ctx.ssot.all_classes()
    if not classes:
        return
    specs = [s for s in ctx.config.bindings if s.field == "class"]
    copies = {(b.collection.path, b.collection.location) for b in ctx.bindings if b.complete}
    for cand in candidates(ctx, classes):
        if (cand.path, cand.location) in copies:
            continue  # its keys are a complete copy: missing-name speaks for it
        spec = explicit_spec(cand.path, cand.symbol, specs)
        if spec is not None:
            target = ctx.ssot.by_key(spec.ssot)
            if target is not None:
                yield from _explicit(cand, target, classes)
            continue
        for target in ctx.ssot.lists:
            yield from _auto(ctx, cand, target, classes)


def candidates(ctx: AuditContext, classes: frozenset[str]) -> list[Candidate]:
    """Collections naming at least two SSOT classes, merged per literal (a dict's keys and values)."""
    by_literal: dict[tuple[str, Location], list[tuple[Collection, bool]]] = defaultdict(list)
    for c in ctx.collections:
        if len(set(c.values) & classes) >= 2:
            by_literal[(c.path, c.location)].append((c, False))
    read = ctx.reads.get(READER, {})
    for path in ctx.files:
        found = read.get(path)
        if isinstance(found, tuple):
            for c in found:
                if isinstance(c, Collection):
                    by_literal[(c.path, c.location)].append((c, True))
    out = []
    for (path, location), group in sorted(by_literal.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        values = frozenset(v for c, _ in group for v in c.values)
        out.append(Candidate(path, group[0][0].symbol, location, values, any(obj for _, obj in group)))
    return out


def _explicit(cand: Candidate, target: SsotList, classes: frozenset[str]) -> Iterator[Finding]:
    evidence = (f"bound as the registry of {target.label} in .driftbot.yml",)
    for p in _lacking(cand, target, classes):
        yield _finding(cand, target, p, "certain", evidence)


def _auto(ctx: AuditContext, cand: Candidate, target: SsotList, classes: frozenset[str]) -> Iterator[Finding]:
    wanted = _wanted(target)
    held = [p for p in wanted if set(p.class_names) & cand.values]
    lacking = _lacking(cand, target, classes)
    if len(held) < MIN_HELD or not lacking or len(lacking) > max(1, len(wanted) // 4):
        return
    router = _router_evidence(cand)
    if not router or _partial(cand, target, held):
        return
    coverage = f"{cand.symbol} holds the classes of {len(wanted) - len(lacking)} of the {len(wanted)} required"
    coverage += f" {target.label} processors"
    confidence: Confidence = "certain" if len(router) > 1 else "likely"
    for p in lacking:
        defined = _defined(ctx, p)
        if defined is None:
            continue  # a class the repository does not define: code driftbot cannot see
        yield _finding(cand, target, p, confidence, (coverage, *router, defined))


def _wanted(target: SsotList) -> list[Processor]:
    return [p for p in target.processors if p.required and not p.deprecated and p.class_names]


def _lacking(cand: Candidate, target: SsotList, classes: frozenset[str]) -> list[Processor]:
    """Required processors none of whose classes `cand` holds, nor a near-miss of one (a typo)."""
    strangers = cand.values - classes
    return [
        p
        for p in _wanted(target)
        if not set(p.class_names) & cand.values
        and not any(close_matches(s, p.class_names, NEAR_MISS) for s in strangers)
    ]


def _words(symbol: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(symbol)}


def _router_evidence(cand: Candidate) -> tuple[str, ...]:
    found: list[str] = []
    if cand.objects:
        found.append(f"{cand.symbol} holds class objects (a router instantiates from it)")
    said = sorted(_words(cand.symbol) & REGISTRY_WORDS)
    if said:
        found.append(f"its name {cand.symbol} says '{said[0]}'")
    return tuple(found)


def _partial(cand: Candidate, target: SsotList, held: Sequence[Processor]) -> bool:
    """A part by design: a test's, a named part (`BACKFILL_PROCESSORS`), `__all__`, or an SSOT subset's classes."""
    if is_test_file(cand.path) or cand.symbol.rsplit(".", 1)[-1] == "__all__" or _words(cand.symbol) & PART_WORDS:
        return True
    names = {p.name for p in held}
    for sub, _, _ in target.subsets:
        part = target.subset(sub)
        if part is not None and names == {p.name for p in _wanted(part)}:
            return True
    return False


def _defined(ctx: AuditContext, p: Processor) -> str | None:
    for name in p.class_names:
        where = [loc for loc in ctx.defined_classes.get(name, ()) if not is_test_file(loc.path)]
        if where:
            return f"class {name} is defined at {where[0]}"
    return None


def _finding(
    cand: Candidate, target: SsotList, p: Processor, confidence: Confidence, evidence: tuple[str, ...]
) -> Finding:
    name = p.class_names[0]
    also = f" (or {', '.join(p.class_names[1:])})" if len(p.class_names) > 1 else ""
    return finding(
        "unregistered-processor",
        cand.location,
        f"{cand.symbol} does not register {name}{also} ({target.label} processor {p.name}): its output is dropped",
        symbol=cand.symbol,
        ssot=target.path,
        expected=name,
        confidence=confidence,
        evidence=evidence,
    )
