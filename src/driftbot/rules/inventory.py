"""The SSOT and bound configs against what exists: table-missing, unmanaged-table, inventory-unreachable.

Each inventory is its own side of the diff: a table declared in DDL but not deployed is missing from the
`bigquery://` inventory even though `ddl:` lists it. A source only speaks for the datasets it covers
(`bigquery://P?datasets=a` says nothing about dataset b). Findings about SSOT tables sit at the SSOT line
that states the truth; findings about a config's table name sit on that name.

Confidence: what an authoritative source (`bigquery://`, `snapshot:`) lists or lacks is `certain`; a
declared one (`ddl:`) only says what the repository's DDL holds, so its findings are `likely`. A rename
hint of table-missing comes from the SSOT's `renamed_from` (the old name is still deployed) or, else,
from the one unclaimed table with a close name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from driftbot import yamlpos
from driftbot.config import CONFIG_NAME
from driftbot.context import AuditContext
from driftbot.ftypes import CONFIDENCES, Binding, Confidence, Finding, Location
from driftbot.inventory.base import VIEW_TYPES, Inventory
from driftbot.inventory.known import AUTHORITATIVE_SCHEMES
from driftbot.rules import lists, names
from driftbot.rules.catalog import finding
from driftbot.rules.hints import close_matches
from driftbot.yamlpos import YamlProblems

UNREACHABLE_PATH = "<inventory>"  # location of an unreachable source not named in .driftbot.yml


@dataclass(frozen=True)
class Target:
    """A table the SSOT says a processor writes, and where the SSOT says so."""

    dataset: str
    table: str
    processor: str
    ssot_path: str
    location: Location
    renamed_from: tuple[str, ...] = ()


def check(ctx: AuditContext) -> Iterator[Finding]:
    yield from _unreachable(ctx)
    if not ctx.inventories:
        return
    targets = _targets(ctx)
    managed = {(t.dataset, t.table) for t in targets}
    named = _Named(ctx)
    for inv in ctx.inventories:
        for target in targets:
            if inv.covers(target.dataset) and not inv.has(target.dataset, target.table):
                yield _missing_target(inv, target, managed)
        for b in ctx.bindings:
            if b.field == "target_table":
                yield from _missing_bound(ctx, inv, b, managed, named)
        yield from _unmanaged(ctx, inv, managed)


class _Named:
    """Elements of bound tables the name rules report as `unknown-name`: one drift, one row, and theirs
    carries the rename `fix` applies. Only a finding at least as sure as the inventory's stands in for it
    (a `possible` rename never hides a `certain` absence). Computed once, on the first bound name an
    inventory lacks: most audits never pay for it."""

    def __init__(self, ctx: AuditContext) -> None:
        self._ctx = ctx

    def covers(self, location: Location, value: str, confidence: Confidence) -> bool:
        theirs = self._found.get((location, value))
        return theirs is not None and CONFIDENCES.index(theirs) <= CONFIDENCES.index(confidence)

    @cached_property
    def _found(self) -> dict[tuple[Location, str | None], Confidence]:
        ctx = self._ctx
        bound = [b for b in ctx.bindings if b.field == "target_table"]
        known = names.Known.of(ctx.known_tables)
        found = [
            f
            for b in bound
            if (target := ctx.ssot.by_key(b.ssot_list)) is not None
            for f in names.check_binding(b, target, ctx.ssot, known)
        ]
        found += lists.check_lists(ctx, [b.collection for b in bound if not b.complete])
        return {(f.location, f.actual): f.confidence for f in found if f.rule == "unknown-name"}


def _missing_target(inv: Inventory, t: Target, managed: set[tuple[str, str]]) -> Finding:
    ref = f"{t.dataset}.{t.table}"
    why, hint, evidence = _absence(inv, t.dataset, t.table, managed, t.renamed_from)
    return finding(
        "table-missing",
        t.location,
        f"table {ref} (processor {t.processor!r}) is not in {inv.source}{why}",
        ssot=t.ssot_path,
        expected=ref,
        actual=hint,
        extra=(("inventory", inv.source),),
        confidence=_confidence(inv),
        evidence=evidence,
    )


def _confidence(inv: Inventory) -> Confidence:
    return "certain" if inv.source.startswith(AUTHORITATIVE_SCHEMES) else "likely"


def _missing_bound(
    ctx: AuditContext, inv: Inventory, b: Binding, managed: set[tuple[str, str]], named: _Named
) -> Iterator[Finding]:
    """Table names of a bound config. Names the SSOT itself lists are reported once, at the SSOT; a name
    the name rules report (a stale name, with its rename) is theirs."""
    ssot_list = ctx.ssot.by_key(b.ssot_list)
    if ssot_list is None:
        return
    for element in b.collection.elements:
        parts = element.value.split(".")
        dataset, table = (parts[-2], parts[-1]) if len(parts) > 1 else (ssot_list.dataset, parts[0])
        if (dataset, table) in managed or not inv.covers(dataset) or inv.has(dataset, table):
            continue
        if named.covers(element.location, element.value, _confidence(inv)):
            continue
        why, hint, evidence = _absence(inv, dataset, table, managed)
        yield finding(
            "table-missing",
            element.location,
            f"table {dataset}.{table} named in {b.collection.symbol} is not in {inv.source}{why}",
            symbol=b.collection.symbol,
            ssot=ssot_list.path,
            actual=element.value,
            expected=hint,
            extra=(("inventory", inv.source),),
            confidence=_confidence(inv),
            evidence=evidence,
        )


def _absence(
    inv: Inventory, dataset: str, table: str, managed: set[tuple[str, str]], renamed_from: tuple[str, ...] = ()
) -> tuple[str, str | None, tuple[str, ...]]:
    """Why the table is missing (message suffix), the name it is deployed under, and the evidence.

    The deployed name is a former name the SSOT declares (`renamed_from`), else the one table no SSOT
    entry claims whose name is close; several close ones are no hint.
    """
    absent = f"not in {inv.source}"
    if dataset not in inv.datasets:
        return f": dataset {dataset} does not exist there", None, (absent, f"no dataset {dataset} there")
    unclaimed = sorted({t.table for t in inv.tables_in(dataset) if (dataset, t.table) not in managed})
    old = next((o for o in renamed_from if o in unclaimed), None)
    if old is not None:
        why = f"{dataset}.{old} is there, declared renamed_from in the SSOT"
        return f"; renamed to {dataset}.{old}?", f"{dataset}.{old}", (absent, why)
    close = close_matches(table, unclaimed)
    if len(close) != 1:
        return "", None, (absent,)
    return f"; renamed to {dataset}.{close[0]}?", f"{dataset}.{close[0]}", (absent, f"{dataset}.{close[0]} is there")


def _unmanaged(ctx: AuditContext, inv: Inventory, managed: set[tuple[str, str]]) -> Iterator[Finding]:
    for dataset in sorted({s.dataset for s in ctx.ssot.lists}):  # a phase's own; a processor's `dataset` is shared
        if not inv.covers(dataset) or dataset not in inv.datasets:
            continue
        first = next(s for s in ctx.ssot.lists if s.dataset == dataset)
        at_dataset = _ssot_location(ctx, first.path, ("dataset",))
        seen: set[str] = set()
        for t in inv.tables_in(dataset):
            if t.type in VIEW_TYPES or (dataset, t.table) in managed or t.table in seen:
                continue
            seen.add(t.table)
            yield finding(
                "unmanaged-table",
                t.declared_at or at_dataset,
                f"table {t.ref} exists in {inv.source} but no SSOT processor writes it",
                ssot=first.path,
                actual=t.ref,
                extra=(("inventory", inv.source),),
                confidence=_confidence(inv),
                evidence=(f"in {inv.source}", f"no SSOT processor of {dataset} writes it"),
            )


def _unreachable(ctx: AuditContext) -> Iterator[Finding]:
    for problem in ctx.unreachable:
        yield finding(
            "inventory-unreachable",
            _config_location(ctx, problem.source),
            f"inventory {problem.source} could not be read, so the audit is incomplete: {problem.message}",
            extra=(("inventory", problem.source),),
            confidence="certain",
            evidence=(problem.message,),
        )


def _targets(ctx: AuditContext) -> list[Target]:
    out: list[Target] = []
    for s in ctx.ssot.lists:
        doc = _positions(ctx, s.path)
        for i, p in enumerate(s.processors):
            key: yamlpos.Key = ("critical_processors", i, "target_table")
            if doc and key not in doc.positions:
                key = ("critical_processors", i, "name")  # the table is named after the processor
            line, col = doc.where(key) if doc else (1, 1)
            where = Location(s.path, line, col)
            out.append(Target(s.dataset_of(p), p.target_table, p.name, s.path, where, tuple(p.renamed_from)))
    return out


def _ssot_location(ctx: AuditContext, path: str, key: yamlpos.Key) -> Location:
    doc = _positions(ctx, path)
    line, col = doc.where(key) if doc else (1, 1)
    return Location(path, line, col)


def _config_location(ctx: AuditContext, source: str) -> Location:
    """The `inventory:` entry of .driftbot.yml that names `source`; `<inventory>:1:1` when it came from the CLI."""
    doc = _positions(ctx, CONFIG_NAME)
    listed = doc.data.get("inventory") if doc and isinstance(doc.data, dict) else None
    if isinstance(listed, list) and source in listed:
        line, col = doc.where(("inventory", listed.index(source))) if doc else (1, 1)
        return Location(CONFIG_NAME, line, col)
    return Location(UNREACHABLE_PATH, 1, 1)


def _positions(ctx: AuditContext, rel: str) -> yamlpos.Positioned | None:
    path = ctx.repo / rel
    if not path.is_file():
        return None
    try:
        return yamlpos.load(path, rel)
    except YamlProblems:
        return None
