"""`driftbot audit`: report drift between the SSOT and the repository."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from driftbot.commands import options
from driftbot.errors import EXIT_DRIFT, EXIT_OK, EXIT_UNREACHABLE, DriftbotError
from driftbot.extract import memo
from driftbot.extract.limits import DEFAULT_TIME_BUDGET
from driftbot.ftypes import Severity

if TYPE_CHECKING:
    from driftbot import gitfiles
    from driftbot.extract.memo_delta import Trace
    from driftbot.ftypes import Report
    from driftbot.report.scope import ChangedLines

# Imported on use, so that a memo hit (extract/memo.py) imports none of the pipeline. Kept equal to
# `report.RENDERERS`, `report.scope.FILTERS` and `inventory.base.ENDPOINT_ENV` by tests.
FORMATS = ("concise", "json", "markdown", "sarif", "text")
FILTERS = ("changed-lines", "changed-files", "all")
ENDPOINT_ENV = "DRIFTBOT_BIGQUERY_ENDPOINT"

NOTIFY_ENV = "DRIFTBOT_NOTIFY_URL"
NO_STATE = "--notify needs --notify-state PATH: the file that remembers which drift was already announced"


def changes_since(repo: Path, base: str) -> ChangedLines:
    """What changed in `repo` since its merge base with `base`: tracked files' added lines, untracked files whole.

    The working tree, not HEAD: what `driftbot audit` reads is what it compares. git runs with the
    bot's locked-down config (no hooks, no external diff or textconv programs).
    """
    from driftbot.github.gitrepo import Git, GitError  # lazy: only --base needs git
    from driftbot.report.scope import diff_lines

    git = Git(repo)
    try:
        git.run("rev-parse", "--is-inside-work-tree")
    except GitError:
        raise DriftbotError(f"--base {base}: {repo} is not in a git work tree") from None
    try:
        diff = git.run("diff", "--no-ext-diff", "--no-textconv", "--unified=0", "--relative", "--merge-base", base)
        untracked = git.run("ls-files", "--others", "--exclude-standard")
    except GitError as exc:
        lines = exc.output.strip().splitlines() or ["git failed"]
        why = next((line.removeprefix("fatal: ") for line in lines if line.startswith("fatal: ")), lines[-1])
        raise DriftbotError(f"--base {base}: {why}") from None
    changed: dict[str, frozenset[int] | None] = dict(diff_lines(diff))
    changed |= dict.fromkeys(untracked.splitlines())
    return changed


def severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class Audit:
    help: str = "Report drift between the SSOT and the code. Exit 1 when a finding reaches --fail-on."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser)
        parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
        parser.add_argument("--output", type=Path, help="write the report to this file instead of stdout")
        parser.add_argument(
            "--only-files",
            type=Path,
            nargs="+",
            metavar="FILE",
            help="show only findings in these files (or checked against these SSOT files); still reads the whole repo",
        )
        parser.add_argument("--baseline", type=Path, help="report only findings not in this earlier JSON report")
        parser.add_argument(
            "--filter",
            choices=FILTERS,
            default="all",
            help="with --base: show only findings on the lines (or in the files) changed since REF (default: all)",
        )
        parser.add_argument(
            "--base",
            metavar="REF",
            help="the branch or commit a change is compared to: its merge base with HEAD against the working tree",
        )
        parser.add_argument(
            "--fail-on",
            type=severity,
            default=Severity.LOW,
            metavar="SEVERITY",
            help="lowest severity that makes the exit code 1 (default: low)",
        )
        options.add_inventory(parser)
        parser.add_argument(
            "--bigquery-endpoint",
            metavar="URL",
            default=os.environ.get(ENDPOINT_ENV) or None,
            help=f"BigQuery API endpoint, e.g. an emulator; anonymous credentials (default: ${ENDPOINT_ENV})",
        )
        parser.add_argument(
            "--offline",
            action="store_true",
            help="read only local inventories (snapshot:, ddl:), never bigquery:// (for pre-commit hooks)",
        )
        options.add_probe(parser)
        parser.add_argument(
            "--time-budget",
            type=float,
            default=DEFAULT_TIME_BUDGET,
            metavar="SECONDS",
            help=f"stop reading files after this long, list the rest and exit 3 (default: {DEFAULT_TIME_BUDGET:.0f}; "
            "0: no limit)",
        )

        parser.add_argument(
            "--cache-dir",
            type=Path,
            metavar="DIR",
            help="cache per-file results and whole reports here (default: .git/driftbot/cache, outside git "
            "$XDG_CACHE_HOME/driftbot)",
        )
        parser.add_argument(
            "--no-cache", action="store_true", help="read every file afresh; neither read nor write a cache or memo"
        )
        parser.add_argument(
            "--notify",
            metavar="URL",
            default=os.environ.get(NOTIFY_ENV) or None,
            help="post one Slack-compatible JSON message to this http(s) URL when new drift appears (a secret: "
            f"never printed; default: ${NOTIFY_ENV}); needs --notify-state",
        )
        parser.add_argument(
            "--notify-on",
            type=severity,
            default=Severity.HIGH,
            metavar="SEVERITY",
            help="lowest severity of new drift that posts (default: high)",
        )
        parser.add_argument(
            "--notify-state",
            type=Path,
            metavar="PATH",
            help="JSON file keeping each finding's first-seen date between runs (created when missing)",
        )

    def run(self, args: argparse.Namespace) -> int:
        webhook = None
        if args.notify:
            from driftbot.notify.webhook import Webhook  # on use: urllib is not needed otherwise

            webhook = Webhook.parse(args.notify)
            if args.notify_state is None:
                raise DriftbotError(NO_STATE)
        if (args.filter == "all") != (args.base is None):
            raise DriftbotError("--filter changed-lines/changed-files and --base REF go together")
        changed = changes_since(args.path, args.base) if args.base is not None else {}
        for path in args.only_files or ():
            if not (path.exists() or (args.path / path).exists()):
                raise DriftbotError(f"--only-files: {path}: no such file")
        cache_dir = None if args.no_cache else args.cache_dir or memo.default_dir(args.path)
        color = args.format in ("text", "concise") and args.output is None and options.color_wanted(sys.stdout)
        remembered = None
        # An unchanged repository is answered from the last run; not with --base (the REF may move) or
        # --notify (its post and state file are this run's).
        if cache_dir is not None and webhook is None and args.base is None:
            asked = [(k, v) for k, v in vars(args).items() if k != "run"]
            remembered = memo.Memo(cache_dir, args.path, [*asked, ("color", color)])
        answer = remembered.lookup() if remembered is not None else None
        if answer is None:
            index = remembered.index if remembered is not None else None  # git is asked once a run
            from driftbot.extract.memo_delta import Trace  # a miss: what the delta entry needs

            trace = Trace() if remembered is not None else None
            report, incomplete, answer = audit(args, cache_dir, color, changed, index, trace)
            if remembered is not None and trace is not None and answer.exit_code in (EXIT_OK, EXIT_DRIFT):
                deps = memo_deps(args)
                if deps is not None:
                    remembered.store(answer, deps.paths, scoped=deps.scoped)
                    if deps.scoped:  # with `mirrors:` a report depends on any file's content
                        remembered.store_delta(answer, deps.paths, trace)
        text = answer.text
        if args.output is not None:
            try:
                args.output.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise DriftbotError(f"{args.output}: cannot write report: {exc.strerror}") from None
        else:
            sys.stdout.write(text)
        if webhook is not None:  # never memoised: `report` and `incomplete` are this run's
            from driftbot.notify import notify

            outcome = notify(
                report,
                webhook=webhook,
                state_path=args.notify_state,
                level=args.notify_on,
                where=args.path.name,
                today=dt.date.today(),
                incomplete=incomplete,
            )
            print(outcome.line, file=sys.stderr)
        return answer.exit_code


def audit(
    args: argparse.Namespace,
    cache_dir: Path | None,
    color: bool,
    changed: ChangedLines,
    index: gitfiles.Listing | None = None,
    trace: Trace | None = None,
) -> tuple[Report, bool, memo.Answer]:
    """The report (filtered as asked), whether it is incomplete, and its rendered text and exit code.

    `trace`: filled for the memo's delta entry (`audit.run_audit`)."""
    from driftbot.audit import run_audit
    from driftbot.commands.progress import ProgressBar
    from driftbot.report import RENDERERS
    from driftbot.report.scope import only_files, scoped
    from driftbot.rules.catalog import INCOMPLETE_RULES

    # What is alive now (the imported pipeline) lives for the whole audit: the collector need not walk it
    # again and again while a warm audit makes its many small objects (~4% of its CPU). Thawed after:
    # a process that audits again (tests, the pytest plugin) gets its garbage collected as before.
    gc.freeze()
    bar = ProgressBar()
    try:
        report = run_audit(
            args.path,
            ssot_dir=args.ssot,
            config_path=args.config,
            progress=bar,
            inventories=args.inventory,
            bigquery_endpoint=args.bigquery_endpoint,
            probe_urls=dict(args.service_url) if args.probe_http else None,
            offline=args.offline,
            time_budget=args.time_budget,
            cache_dir=cache_dir,
            index=index,
            trace=trace,
        )
    finally:
        bar.close()
        gc.unfreeze()
    incomplete = any(f.rule in INCOMPLETE_RULES for f in report.findings)  # before any filtering
    if args.baseline is not None:
        from driftbot.baseline import filter_new  # on use: its pydantic model is built at import

        report = filter_new(report, args.baseline)
    if args.only_files:
        report = only_files(report, args.only_files, args.path)
    report = scoped(report, args.filter, changed)
    text = RENDERERS[args.format](report, color=color)
    code = EXIT_UNREACHABLE if incomplete else EXIT_DRIFT if report.at_or_above(args.fail_on) else EXIT_OK
    return report, incomplete, memo.Answer(text, code)


class MemoDeps(NamedTuple):
    paths: list[Path]  # the files the report depends on that the git tree may not show
    scoped: bool  # no `mirrors:`: the audit read no repository file but scanned ones (`extract.scanned`) and these


def memo_deps(args: argparse.Namespace) -> MemoDeps | None:
    """What a memoised report depends on besides the scanned files; None: do not memoise."""
    from driftbot import config
    from driftbot.audit import LIVE_SCHEMES

    cfg = config.load(args.path, args.config)
    urls = cfg.inventory if args.inventory is None else args.inventory
    if args.offline:
        urls = [u for u in urls if not u.startswith(LIVE_SCHEMES)]
    if not memo.memoisable(urls, probe_http=args.probe_http):
        return None
    repo: Path = args.path
    snapshots = [repo / u.partition(":")[2].strip() for u in urls if u.startswith("snapshot:")]
    named = [args.config or repo / config.CONFIG_NAME, args.ssot or repo / cfg.ssot, repo / cfg.ignore_file, *snapshots]
    return MemoDeps([*named, *([args.baseline] if args.baseline is not None else [])], not cfg.mirrors)


COMMAND = Audit()
