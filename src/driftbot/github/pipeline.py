"""The one place the bot calls the rest of driftbot: audit, renderers and fix.

Handlers audit different trees (the workspace, a PR head, the default branch), so the action's
`ssot`/`config` inputs stay repo-relative here and are resolved against whichever tree is audited.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from driftbot import config
from driftbot.audit import run_audit
from driftbot.baseline import read_baseline
from driftbot.errors import DriftbotError
from driftbot.ftypes import Finding, Report
from driftbot.report import RENDERERS, scope
from driftbot.report.fingerprint import fingerprint as finding_fingerprint
from driftbot.report.markdown import SourceLinks, render_markdown
from driftbot.rules.catalog import INCOMPLETE_RULES

if TYPE_CHECKING:  # fix (libcst) is imported on use: an audit-only run never pays for it
    from driftbot.fix.suggest import Suggestion


@dataclass(frozen=True)
class AuditOptions:
    ssot: str | None = None  # relative to working_directory
    config: str | None = None  # relative to working_directory
    inventories: tuple[str, ...] = ()
    working_directory: str = ""  # the audited sub-directory, repo-relative ("": the repository root)
    cache_dir: Path | None = None  # per-file extraction cache (extract/cache.py), shared by every audited tree


UNREACHABLE_RULE = "inventory-unreachable"
CONFIG_NAME = config.CONFIG_NAME


def _in_root(options: AuditOptions, rel: str) -> str:
    return f"{options.working_directory}/{rel}" if options.working_directory else rel


def root(tree: Path, options: AuditOptions) -> Path:
    """The directory of `tree` that is audited and fixed: the repository, or the `working-directory`.

    The input is checked to be relative without `..`; here it must also be a directory that stays
    inside `tree` with its symlinks resolved (a pull request could make it a symlink elsewhere).
    """
    if not options.working_directory:
        return tree
    base = tree / options.working_directory
    if not base.is_dir():
        raise DriftbotError(f"input working-directory: {options.working_directory}: no such directory")
    if not inside(base, tree):
        raise DriftbotError(f"input working-directory: {options.working_directory}: leads outside the repository")
    return base


def inside(path: Path, tree: Path) -> bool:
    """Whether `path`, symlinks resolved, is `tree` or lies under it."""
    return path.resolve().is_relative_to(tree.resolve())


def config_file(options: AuditOptions) -> str:
    """The config file's repo-relative path: the `config` input, else `.driftbot.yml` (in the working directory)."""
    return _in_root(options, options.config or CONFIG_NAME)


def ignore_file(tree: Path, options: AuditOptions) -> str:
    """The repo-relative ignore file that `tree`'s config names."""
    base = root(tree, options)
    return _in_root(options, config.load(base, base / options.config if options.config else None).ignore_file)


def audit(tree: Path, options: AuditOptions) -> Report:
    """Audit `tree` (its working directory); locations are repository-relative whatever the directory."""
    base = root(tree, options)
    report = run_audit(
        base,
        ssot_dir=base / options.ssot if options.ssot else None,
        config_path=base / options.config if options.config else None,
        inventories=list(options.inventories) or None,  # None: the inventories in .driftbot.yml
        cache_dir=options.cache_dir,
    )
    return scope.reroot(report, options.working_directory)


def markdown(
    report: Report, *, limit: int, see: str, links: SourceLinks | None = None, pull_request: bool = False
) -> str:
    """The report as markdown (with its mermaid diagram) in at most `limit` UTF-8 bytes.

    `links`: locations link to the audited commit; `pull_request`: next steps offer `/driftbot fix`.
    """
    return render_markdown(report, limit=limit, see=see, links=links, pull_request=pull_request)


def source_links(server_url: str, repository: str, sha: str | None) -> SourceLinks | None:
    """Blob links at `sha`, or None (plain locations) when the audited commit is unknown."""
    return SourceLinks(server_url, repository, sha) if sha and repository else None


def json_text(report: Report) -> str:
    return RENDERERS["json"](report)


def sarif_text(report: Report) -> str:
    return RENDERERS["sarif"](report)


def baseline_fingerprints(tree: Path, rel: str) -> list[str]:
    """The fingerprints the baseline file `rel` of `tree` (or a saved JSON report) holds, once per finding."""
    path = tree / rel
    if path.exists() and not inside(path, tree):
        raise DriftbotError(f"input baseline: {rel}: leads outside the repository")
    return [entry.fingerprint for entry in read_baseline(path).findings]


def fingerprint(finding: Finding) -> str:
    """Identity of a finding that survives line moves: how the bot tells which findings a fix removed."""
    return finding_fingerprint(finding)


def fixed_findings(before: Report, after: Report) -> list[Finding]:
    """The findings of `before` that `after` no longer has (a multiset: two equal findings count twice)."""
    left = Counter(fingerprint(f) for f in after.findings)
    fixed: list[Finding] = []
    for finding in before.findings:
        key = fingerprint(finding)
        if left[key]:
            left[key] -= 1
        else:
            fixed.append(finding)
    return fixed


def incomplete(report: Report) -> bool:
    """An inventory could not be read: the audit is incomplete, so the run exits 3 whatever `fail-on` says."""
    return any(f.rule in INCOMPLETE_RULES for f in report.findings)


def fix(tree: Path, options: AuditOptions) -> None:
    """Apply every fixable finding in `tree` (the caller commits whatever changed)."""
    from driftbot.fix import fix_repo

    base = root(tree, options)
    fix_repo(
        base,
        ssot_dir=base / options.ssot if options.ssot else None,
        config_path=base / options.config if options.config else None,
    )


def suggest(tree: Path, options: AuditOptions) -> list[Suggestion]:
    """The edits `fix` would make in `tree` (certain findings only), as repository-relative line replacements."""
    from driftbot.fix.plan import make_plan
    from driftbot.fix.suggest import suggestions

    base = root(tree, options)
    plan = make_plan(
        base,
        ssot_dir=base / options.ssot if options.ssot else None,
        config_path=base / options.config if options.config else None,
    )
    return [dataclasses.replace(s, path=_in_root(options, s.path)) for s in suggestions(plan)]
