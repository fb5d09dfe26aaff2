"""`fix_repo`: plan -> (diff | write atomically -> verify -> roll back everything on any surprise)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot.audit import check
from driftbot.errors import DriftbotError
from driftbot.extract.python import extract
from driftbot.extract.python_tree import ParseFailure
from driftbot.fix.plan import FixPlan, Progress, PyExpectation, Skip, audit_context, make_plan
from driftbot.fix.writer import Change, Transaction, recover
from driftbot.ftypes import Confidence, Finding, Report

# Findings whose appearance after a fix is a legitimate consequence, not a wrong edit: a copy left
# unfixed (skipped) now differs from its fixed siblings; a list given a missing name while keeping
# an unknown one (no --prune) now has one name too many.
DERIVED_RULES = frozenset({"copy-divergence", "count-mismatch"})
Span = tuple[int, int]  # first and last line of a collection that was meant to change


@dataclass(frozen=True)
class FixResult:
    changed: tuple[str, ...]  # repo-relative POSIX paths that changed (or would, with dry_run)
    diff: str  # unified diff, a/ and b/ repo-relative paths
    fixed: tuple[Finding, ...]
    skipped: tuple[Skip, ...]  # fixable findings (or files) left alone, and why
    written: bool


def fix_repo(
    repo: Path,
    *,
    ssot_dir: Path | None = None,
    config_path: Path | None = None,
    rules: Sequence[str] | None = None,
    dry_run: bool = False,
    prune: bool = False,
    confidence: Confidence = "certain",
    progress: Progress | None = None,
) -> FixResult:
    """Apply every fixable finding of `repo` at least as sure as `confidence` (or, with dry_run,
    only say what would change). Less sure ones are returned in `skipped`, as suggestions.
    `progress`: told how the reading goes, for the plan's audit and then for the verifying one."""
    recover(repo)  # a run killed while writing is rolled back before anything is planned
    plan = make_plan(
        repo,
        ssot_dir=ssot_dir,
        config_path=config_path,
        rules=rules,
        prune=prune,
        confidence=confidence,
        progress=progress,
    )
    return apply_plan(plan, dry_run=dry_run)


def apply_plan(plan: FixPlan, *, dry_run: bool = False) -> FixResult:
    changes = [plan.changes[p] for p in sorted(plan.changes)]
    result = FixResult(
        changed=tuple(c.shown for c in changes),
        diff="".join(unified_diff(c.shown, c.before, c.after) for c in changes),
        fixed=tuple(plan.fixed),
        skipped=tuple(plan.skipped),
        written=False,
    )
    if dry_run or not changes:
        return result
    problem = Transaction(changes, plan.repo).commit_verified(lambda: verify(plan, changes))
    if problem is not None:
        raise DriftbotError(f"the fix did not give the intended result ({problem}); every file was rolled back")
    return FixResult(result.changed, result.diff, result.fixed, result.skipped, written=True)


def unified_diff(shown: str, before: bytes | None, after: bytes) -> str:
    old = _lines(before or b"")
    new = _lines(after)
    fromfile = "/dev/null" if before is None else f"a/{shown}"
    out: list[str] = []
    for line in difflib.unified_diff(old, new, fromfile=fromfile, tofile=f"b/{shown}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True)


def verify(plan: FixPlan, changes: Sequence[Change]) -> str | None:
    """None when the written files are exactly the intended change, else what is wrong."""
    for c in changes:
        if c.path.read_bytes() != c.after:
            return f"{c.shown} does not hold what was written"
        expectation = plan.python.get(c.shown)
        if expectation is not None:
            problem = _check_python(c, expectation)
            if problem is not None:
                return problem
    ctx, extra = audit_context(plan.repo, plan.ssot_dir, plan.config_path, plan.progress)
    return _check_report(plan.report, check(ctx, extra), plan.fixed, plan.mirrored)


def _key(f: Finding, path: str | None = None) -> tuple[str, str, str | None, str | None, str | None]:
    return (f.rule, path or f.location.path, f.symbol, f.actual, f.expected)


def _check_report(before: Report, after: Report, fixed: Iterable[Finding], mirrored: dict[str, str]) -> str | None:
    left = {_key(f): f for f in after.findings}
    for f in fixed:
        if _key(f) in left:
            return f"{left[_key(f)].location}: {f.rule} is still reported"
    known = {_key(f) for f in before.findings}
    for key, f in left.items():
        if key in known or f.rule in DERIVED_RULES:
            continue
        source = mirrored.get(f.location.path)
        if source is not None and _key(f, source) in left:
            continue  # a restored copy has what its source has
        return f"{f.location}: new {f.rule}: {f.message}"
    return None


def _check_python(c: Change, want: PyExpectation) -> str | None:
    try:
        after = extract(c.shown, c.after)
    except ParseFailure as exc:
        return f"{exc.location}: no longer parses: {exc.message}"
    if [(x.symbol, x.kind) for x in after] != [(x.symbol, x.kind) for x in want.collections]:
        return f"{c.shown}: its collections changed shape"
    touched: list[Span] = []
    for old, new in zip(want.collections, after, strict=True):
        expected = want.values_after(old)
        if new.values != expected:
            return f"{new.location}: {new.symbol} holds {list(new.values)}, expected {list(expected)}"
        if expected != old.values:
            touched.append((old.location.line, old.end_line))
    return _outside(c, touched)


def _outside(c: Change, spans: Sequence[Span]) -> str | None:
    """A changed line outside every changed collection means the codemod touched something else."""
    old, new = _lines(c.before or b""), _lines(c.after)
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 == i1:  # an insertion sits between two lines, both of one collection
            if not any(lo <= i1 and i1 + 1 <= hi for lo, hi in spans):
                return f"{c.shown}:{i1}: changed outside the collections being fixed"
            continue
        # One block may run over adjacent collections (`A = [...]` and `B = [...]` on consecutive
        # lines): each of its lines must lie in one of them.
        for line in range(i1 + 1, i2 + 1):
            if not any(lo <= line <= hi for lo, hi in spans):
                return f"{c.shown}:{line}: changed outside the collections being fixed"
    return None
