"""The one place the bot calls the rest of driftbot: audit, renderers and fix.

Handlers audit different trees (the workspace, a PR head, the default branch), so the action's
`ssot`/`config` inputs stay repo-relative here and are resolved against whichever tree is audited.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftbot.audit import run_audit
from driftbot.errors import DriftbotError
from driftbot.ftypes import Finding, Report
from driftbot.report import RENDERERS
from driftbot.report.fingerprint import fingerprint as finding_fingerprint
from driftbot.report.markdown import render_markdown


@dataclass(frozen=True)
class AuditOptions:
    ssot: str | None = None  # repo-relative
    config: str | None = None  # repo-relative
    inventories: tuple[str, ...] = ()


@dataclass(frozen=True)
class FixOutcome:
    changed: tuple[str, ...]  # repo-relative POSIX paths the fixer wrote


def audit(tree: Path, options: AuditOptions) -> Report:
    kwargs: dict[str, Any] = {}
    if options.inventories:  # only once the audit accepts inventories (the live-inventory issue)
        kwargs["inventories"] = list(options.inventories)
    return run_audit(
        tree,
        ssot_dir=tree / options.ssot if options.ssot else None,
        config_path=tree / options.config if options.config else None,
        **kwargs,
    )


def markdown(report: Report, *, limit: int, see: str) -> str:
    """The report as markdown (with its mermaid diagram) in at most `limit` UTF-8 bytes."""
    return render_markdown(report, limit=limit, see=see)


def json_text(report: Report) -> str:
    return RENDERERS["json"](report)


def fingerprint(finding: Finding) -> str:
    """Identity of a finding that survives line moves: how the bot tells which findings a fix removed."""
    return finding_fingerprint(finding)


def fix(tree: Path, options: AuditOptions, *, rules: Sequence[str] | None = None) -> FixOutcome:
    """Apply every fixable finding in `tree` and say which files changed."""
    try:
        module = importlib.import_module("driftbot.fix")
    except ImportError:
        raise DriftbotError("`driftbot fix` is not available in this build") from None
    result = module.fix_repo(
        tree,
        ssot_dir=tree / options.ssot if options.ssot else None,
        config_path=tree / options.config if options.config else None,
        rules=list(rules) if rules else None,
        dry_run=False,
    )
    changed = getattr(result, "changed", None) or getattr(result, "changed_files", ())
    return FixOutcome(tuple(sorted(_relative(tree, Path(p)) for p in changed)))


def _relative(tree: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(tree.resolve()).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()
