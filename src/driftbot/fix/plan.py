"""From an audit's findings to the exact bytes each file should hold (no writes here)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from driftbot.audit import build_context, check
from driftbot.context import AuditContext
from driftbot.errors import DriftbotError
from driftbot.extract.python import extract
from driftbot.extract.python_tree import ParseFailure
from driftbot.fix import codemod, source, textedit
from driftbot.fix.writer import Change
from driftbot.ftypes import CONFIDENCES, Binding, Collection, Confidence, Finding, Report
from driftbot.rules.catalog import RULES

PY_RULES = ("unknown-name", "missing-name", "duplicate-name")
TEXT_RULES = ("unknown-table", "deprecated-table", "stale-comment-name", "topic-missing")
FIXABLE = (*PY_RULES, *TEXT_RULES, "mirror-divergence")

Position = tuple[int, int]
Progress = Callable[[int, int], None]  # (files done, total): the audit's reading, for a progress bar


@dataclass(frozen=True)
class Skip:
    path: str
    reason: str
    finding: Finding | None = None


@dataclass(frozen=True)
class PyExpectation:
    """What the re-parsed file must show: its collections before, with these edits applied."""

    collections: tuple[Collection, ...]
    renamed: dict[Position, str]
    rebuilt: dict[Position, tuple[str, ...]]

    def values_after(self, c: Collection) -> tuple[str, ...]:
        rebuilt = self.rebuilt.get((c.location.line, c.location.column))
        if rebuilt is not None:
            return rebuilt
        return tuple(self.renamed.get((e.location.line, e.location.column), e.value) for e in c.elements)


@dataclass
class FixPlan:
    repo: Path
    ssot_dir: Path | None
    config_path: Path | None
    report: Report
    changes: dict[str, Change] = field(default_factory=dict)  # by repo-relative path
    fixed: list[Finding] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    python: dict[str, PyExpectation] = field(default_factory=dict)
    mirrored: dict[str, str] = field(default_factory=dict)  # copy -> its mirror source
    progress: Progress | None = None  # told about the reading of the plan's audit, then the verifying one


def selected_rules(rules: Sequence[str] | None) -> tuple[str, ...]:
    if not rules:
        return FIXABLE
    for r in rules:
        if r not in RULES:
            raise DriftbotError(f"unknown rule {r!r} (see the rules table in the README)")
        if r not in FIXABLE:
            raise DriftbotError(f"rule {r!r} has no automatic fix (fixable: {', '.join(FIXABLE)})")
    return tuple(dict.fromkeys(rules))


def make_plan(
    repo: Path,
    *,
    ssot_dir: Path | None = None,
    config_path: Path | None = None,
    rules: Sequence[str] | None = None,
    prune: bool = False,
    confidence: Confidence = "certain",
    progress: Progress | None = None,
) -> FixPlan:
    """`confidence`: the least sure finding `fix` applies; the others are left as suggestions (skipped)."""
    wanted = selected_rules(rules)
    ctx, extra = audit_context(repo, ssot_dir, config_path, progress)
    report = check(ctx, extra)
    plan = FixPlan(repo, ssot_dir, config_path, report, progress=progress)
    plan.skipped.extend(Skip(f.location.path, f.message) for f in report.findings if f.rule == "unparsable-file")
    candidates = [
        f
        for f in report.findings
        if f.rule in wanted and (f.fixable or (prune and f.rule == "unknown-name" and f.expected is None))
    ]
    chosen = [f for f in candidates if sure_enough(f, confidence)]
    plan.skipped.extend(
        Skip(f.location.path, f"only {f.confidence}: a suggestion (--confidence {f.confidence} applies it)", f)
        for f in candidates
        if not sure_enough(f, confidence)
    )
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for f in chosen:
        by_path[f.location.path].append(f)
    index = _BindingIndex(ctx.bindings, ctx.collections)
    for path, found in sorted(by_path.items()):
        py = [f for f in found if f.rule in PY_RULES]
        text = [f for f in found if f.rule in TEXT_RULES]
        if py:
            _plan_python(plan, ctx, path, py, index)
        if text:
            _plan_text(plan, ctx, path, text)
    mirrors = [f for f in chosen if f.rule == "mirror-divergence"]
    for f in mirrors:
        _plan_mirror(plan, ctx, f)
    return plan


def sure_enough(f: Finding, threshold: Confidence) -> bool:
    return CONFIDENCES.index(f.confidence) <= CONFIDENCES.index(threshold)


def audit_context(
    repo: Path, ssot_dir: Path | None, config_path: Path | None, progress: Progress | None = None
) -> tuple[AuditContext, list[Finding]]:
    """The audit `fix` plans from and verifies against: local inventories only (a rename's confidence
    depends on what exists), never a live one (`fix` must not wait on the network)."""
    return build_context(repo, ssot_dir=ssot_dir, config_path=config_path, offline=True, progress=progress)


class _BindingIndex:
    def __init__(self, bindings: Sequence[Binding], collections: Sequence[Collection]) -> None:
        self.by_collection: dict[tuple[str, Position], Binding] = {}
        self.by_element: dict[tuple[str, Position], Binding] = {}
        self.members = {(c.path, _pos(e.location)) for c in collections for e in c.elements}  # any collection's
        for b in bindings:
            c = b.collection
            self.by_collection[(c.path, _pos(c.location))] = b
            for e in c.elements:
                self.by_element[(c.path, _pos(e.location))] = b


def _pos(loc: object) -> Position:
    return (loc.line, loc.column)  # type: ignore[attr-defined]


def _read(ctx: AuditContext, path: str) -> bytes | None:
    target = ctx.repo / path
    if target.is_symlink():
        return None
    try:
        return target.read_bytes()
    except OSError:
        return None


def _plan_python(plan: FixPlan, ctx: AuditContext, path: str, found: list[Finding], index: _BindingIndex) -> None:
    edits: list[codemod.Edit] = []
    for f in found:
        at = _pos(f.location)
        b = index.by_collection.get((path, at)) if f.rule == "missing-name" else index.by_element.get((path, at))
        if b is None and f.rule == "unknown-name" and f.actual and f.expected and (path, at) in index.members:
            edits.append(codemod.Rename(at, f.actual, f.expected, f))  # a name list that is not a copy
            continue
        if b is None:
            plan.skipped.append(Skip(path, "not in a bound collection; left unchanged", f))
            continue
        where = _pos(b.collection.location)
        if f.rule == "missing-name" and f.expected:
            target = ctx.ssot.by_key(b.ssot_list)
            order = target.values(b.field) if target else ()
            members = frozenset(_pos(e.location) for e in b.collection.elements)
            edits.append(codemod.Insert(where, f.expected, tuple(order), members, f))
        elif f.rule == "unknown-name" and f.actual is not None and f.expected:
            edits.append(codemod.Rename(at, f.actual, f.expected, f))
        elif f.actual is not None:  # a duplicate, or an unknown name pruned
            edits.append(codemod.Remove(at, f.actual, where, f))
    if not edits:
        return
    data = _read(ctx, path)
    if data is None:
        plan.skipped.extend(Skip(path, "cannot read it (or a symlink); left unchanged", e.finding) for e in edits)
        return
    try:
        src = source.load(path, data)
        before = tuple(extract(path, data))
    except (source.NotParsable, ParseFailure) as exc:
        reason = exc.message if isinstance(exc, source.NotParsable) else f"{exc.location}: {exc.message}"
        reason = reason if reason.endswith("left unchanged") else f"{reason}; left unchanged"
        plan.skipped.extend(Skip(path, reason, e.finding) for e in edits)
        return
    outcome = codemod.apply(src, edits)
    if _record(plan, ctx, path, data, outcome):
        plan.python[path] = PyExpectation(before, outcome.renamed, outcome.rebuilt)


def _plan_text(plan: FixPlan, ctx: AuditContext, path: str, found: list[Finding]) -> None:
    edits = [textedit.Replace(_pos(f.location), f.actual, f.expected, f) for f in found if f.actual and f.expected]
    data = _read(ctx, path)
    if data is None:
        plan.skipped.extend(Skip(path, "cannot read it (or a symlink); left unchanged", e.finding) for e in edits)
        return
    pending = plan.changes.get(path)  # a Python file whose collections were fixed: its SQL strings on top
    if pending is None or pending.before != data:
        _record(plan, ctx, path, data, textedit.apply(data, edits))
        return
    outcome = textedit.apply(pending.after, edits)
    plan.skipped.extend(Skip(path, why, f) for f, why in outcome.skipped)
    plan.changes[path] = Change(ctx.repo / path, path, data, outcome.data)
    plan.fixed.extend(outcome.applied)


def _record(
    plan: FixPlan, ctx: AuditContext, path: str, data: bytes, outcome: codemod.Outcome | textedit.TextOutcome
) -> bool:
    """Note what an edit pass skipped and, when it changed the file, the change; True when it did."""
    plan.skipped.extend(Skip(path, why, f) for f, why in outcome.skipped)
    if outcome.data == data:
        return False
    plan.changes[path] = Change(ctx.repo / path, path, data, outcome.data)
    plan.fixed.extend(outcome.applied)
    return True


def _plan_mirror(plan: FixPlan, ctx: AuditContext, f: Finding) -> None:
    """The copy becomes the source's bytes, as they will be after this fix."""
    src_path = dict(f.extra).get("source")
    copy = f.location.path
    if src_path is None or (ctx.repo / copy).is_symlink():
        plan.skipped.append(Skip(copy, "cannot tell the mirror source (or the copy is a symlink); left unchanged", f))
        return
    pending = plan.changes.get(src_path)
    content = pending.after if pending is not None else _read(ctx, src_path)
    if content is None:
        plan.skipped.append(Skip(copy, f"cannot read the mirror source {src_path}; left unchanged", f))
        return
    earlier = plan.changes.get(copy)
    before = earlier.before if earlier is not None else _read(ctx, copy)
    if before == content:
        return
    mode = (ctx.repo / src_path).stat().st_mode & 0o7777
    plan.changes[copy] = Change(ctx.repo / copy, copy, before, content, mode)
    plan.python.pop(copy, None)  # a copy's bytes are checked as such, not as collections
    plan.mirrored[copy] = src_path
    plan.fixed.append(f)
