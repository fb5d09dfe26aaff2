"""The audit pipeline: walk -> extract -> bind -> check -> suppress -> Report. No rendering, no writes."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from driftbot import binding, config, gitfiles, paths, project, repofs, suppress
from driftbot.context import AuditContext
from driftbot.extract import cache as result_cache
from driftbot.extract.budget import Budget
from driftbot.extract.limits import DEFAULT_TIME_BUDGET
from driftbot.extract.memo import skipped_prefix
from driftbot.extract.memo_delta import Trace
from driftbot.extract.plan import MIN_HITS, encoded_names
from driftbot.extract.scan import FileReader, scan_python
from driftbot.extract.scanned import SCANNED_SUFFIXES
from driftbot.ftypes import Finding, Location, Report
from driftbot.inventory import known
from driftbot.inventory.base import load_inventories
from driftbot.rules import CHECKERS
from driftbot.rules import infra as rules_infra
from driftbot.rules import registry as rules_registry
from driftbot.rules import sql as rules_sql
from driftbot.rules.catalog import finding
from driftbot.rules.infra import is_deploy_script

LIVE_SCHEMES = ("bigquery://",)
MAX_LISTED = 5  # unchecked files named in the time-budget finding
Progress = Callable[[int, int], None]


def build_context(
    repo: Path,
    *,
    ssot_dir: Path | None = None,
    config_path: Path | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    inventories: Sequence[str] | None = None,
    bigquery_endpoint: str | None = None,
    offline: bool = False,
    time_budget: float | None = None,
    cache_dir: Path | None = None,
    index: gitfiles.Listing | None = None,
    trace: Trace | None = None,
) -> tuple[AuditContext, list[Finding]]:
    """Everything the checkers need, plus the findings extraction itself produced (unparsable files).

    `inventories`: inventory URLs (None: `inventory:` of the config); unreadable ones land in `ctx.unreachable`.
    `time_budget`: seconds from now until files are skipped (and listed in `ctx.budget`); None: no limit.
    `cache_dir`: where per-file extraction results are cached (`extract.cache`); None: no cache.
    `index`: what git said of `repo` earlier in this run (the memo's `gitfiles.Listing`); None: ask git now,
    once: the `ddl:` inventories, the walk and the scan share the answer.
    `trace`: filled with how the scan judged each file, for the memo's delta entry (`extract.memo_delta`).
    """
    budget = Budget.start(time_budget)
    cfg, ssot = project.load(repo, ssot_dir=ssot_dir, config_path=config_path)
    ignores, ignore_doc = config.load_ignores(repo, cfg)  # before the scan: a bad file fails fast
    urls = cfg.inventory if inventories is None else inventories
    if offline:  # local files only: a pre-commit hook must not reach BigQuery
        urls = [u for u in urls if not u.startswith(LIVE_SCHEMES)]
    listing = index if index is not None else gitfiles.read(repo)  # also the `ddl:` inventories' listing
    listed, unreachable = load_inventories(urls, repo, bigquery_endpoint=bigquery_endpoint, listing=listing)
    walked = paths.walk(repo, cfg.exclude, SCANNED_SUFFIXES, listing)
    own = os.fsdecode(skipped_prefix(repo, cache_dir, listing))  # the cache (and memo) in the work tree, as the memo
    files, refused = repofs.screen(repo, [f for f in walked if not f.startswith(own)])
    # Only the cache reads the listing again: without one it goes before the workers fork (~20 MiB at 100k files).
    index = listing if cache_dir is not None else None
    del listing
    py_files = [f for f in files if f.endswith(".py")]
    forced = frozenset(f for f in py_files if any(paths.matches(f, b.files) for b in cfg.bindings))
    cache = result_cache.Cache(cache_dir) if cache_dir is not None else None
    readers: dict[str, FileReader] = {
        rules_sql.EMBEDDED: rules_sql.embedded_reader(ssot, cfg, listed),
        rules_sql.MONITORING: rules_sql.monitoring_reader(ssot, cfg),
    }
    if cfg.sql.repo_ddl:
        readers[known.REPO_DDL_READER] = known.DdlReader()
    written = rules_infra.written_reader(ssot.infrastructure, ssot.root)
    if written is not None:
        readers[rules_infra.WRITTEN] = written
    registries = rules_registry.reader(ssot)
    if registries is not None:
        readers[rules_registry.READER] = registries
    suffixes = tuple({".py", *(s for r in readers.values() for s in r.suffixes)})
    names = ssot.all_names() | ssot.all_classes()
    if trace is not None:
        _judged_by(trace, names, readers)
    scan = scan_python(
        repo,
        [f for f in files if f.endswith(suffixes)],
        names,
        forced=forced,
        min_hits=MIN_HITS,
        progress=progress,
        deadline=budget.deadline,
        cache=cache,
        readers=readers,
        index=index,
        irrelevant=None if trace is None else trace.irrelevant,
    )
    if cache is not None:
        cache.save()
    budget.unchecked.extend(scan.unchecked)
    bindings = binding.bind(scan.collections, ssot, cfg.bindings, auto=cfg.auto_bind)
    ctx = AuditContext(
        repo=repo,
        ssot=ssot,
        config=cfg,
        files=tuple(files),
        collections=scan.collections,
        bindings=bindings,
        today=today or dt.date.today(),
        inventories=listed,
        unreachable=unreachable,
        ignores=tuple(ignores),
        ignore_doc=ignore_doc,
        budget=budget,
        reads=scan.read,
    )
    unparsable = [finding("unparsable-file", loc, f"could not parse: {why}") for loc, why in scan.unparsable]
    skipped = [  # only files some rule reads: a huge package-lock.json is nobody's concern
        finding("unparsable-file", Location(r.shown, 1, 1), f"skipped: {r.reason}") for r in refused if is_read(r.shown)
    ]
    return ctx, skipped + unparsable


def _judged_by(trace: Trace, names: frozenset[str], readers: Mapping[str, FileReader]) -> None:
    """Note in `trace` what the scan judges each file with: the names and the readers' choices as data."""
    trace.names = encoded_names(names)
    trace.min_hits = MIN_HITS
    for name, reader in sorted(readers.items()):
        screen = getattr(reader, "screen", None)  # a reader without one: the files it applies to always count
        if screen is None:
            trace.unscreened += tuple(reader.suffixes)
        else:
            trace.screens.append((name, screen()))


def is_read(path: str) -> bool:
    """Whether some rule reads this file (Python, SQL, deploy scripts)."""
    return path.endswith((".py", ".sql")) or is_deploy_script(path)


def check(ctx: AuditContext, extra: Sequence[Finding] = ()) -> Report:
    """Run every checker, apply suppressions, and sort."""
    found: list[Finding] = list(extra)
    for checker in CHECKERS.values():
        found.extend(checker(ctx))
    inline = suppress.InlineIndex(ctx.repo, ctx.collections)
    kept = suppress.apply(found, inline, ctx.ignores, ctx.ignore_doc, ctx.today)
    if ctx.budget.unchecked:  # after suppression: an ignore file cannot hide that the audit is incomplete
        kept.append(_budget_finding(ctx.budget))
    kept.sort(key=lambda f: f.sort_key)
    return Report(
        findings=tuple(kept),
        files_scanned=len(ctx.files),
        bindings=ctx.bindings,
        phases=tuple(s.key for s in ctx.ssot.lists),
    )


def _budget_finding(budget: Budget) -> Finding:
    files = sorted(set(budget.unchecked))
    shown = ", ".join(files[:MAX_LISTED]) + (", ..." if len(files) > MAX_LISTED else "")
    return finding(
        "time-budget-exceeded",
        Location(files[0], 1, 1),
        f"the {budget.seconds or 0:g} s time budget ran out: {len(files)} files were not checked ({shown})",
        confidence="certain",
    )


def run_audit(
    repo: Path,
    *,
    ssot_dir: Path | None = None,
    config_path: Path | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    inventories: Sequence[str] | None = None,
    bigquery_endpoint: str | None = None,
    probe_urls: Mapping[str, str] | None = None,
    offline: bool = False,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    cache_dir: Path | None = None,
    index: gitfiles.Listing | None = None,
    trace: Trace | None = None,
) -> Report:
    """`probe_urls` not None: also GET each service's health endpoint (--probe-http; NAME -> base URL).

    `offline`: read only local inventories (snapshot:, ddl:), never a live one such as bigquery://.
    `time_budget`: seconds (None or 0: no limit); past it the rest is listed in `time-budget-exceeded`.
    `index`: what git said of `repo` earlier in this run (`build_context`).
    `trace`: filled for the memo's delta entry (`extract.memo_delta`): how the scan judged each file,
    and every repository file read besides the scan (`repofs.logged`).
    """
    with repofs.logged() as read:
        ctx, extra = build_context(
            repo,
            ssot_dir=ssot_dir,
            config_path=config_path,
            today=today,
            progress=progress,
            inventories=inventories,
            bigquery_endpoint=bigquery_endpoint,
            offline=offline,
            time_budget=time_budget,
            cache_dir=cache_dir,
            index=index,
            trace=trace,
        )
        if probe_urls is not None:
            from driftbot import probe  # urllib.request, http, ssl: only --probe-http pays their import

            extra = [*extra, *probe.check(ctx, probe_urls)]
        report = check(ctx, extra)
    if trace is not None:
        trace.read = read
    return report
