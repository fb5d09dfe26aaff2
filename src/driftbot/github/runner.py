"""`driftbot action`: read the Actions environment, pick the feature for the event, write results.

Modes: `pull-request` (check run + comment), `comment` (`/driftbot` commands), `autofix`
(schedule / workflow_dispatch), `audit` (any other event: annotations and summary only, no API
call). `auto` picks one from GITHUB_EVENT_NAME. Exit codes are `driftbot audit`'s: 1 when a finding
reaches `fail-on`, and 3 in every mode when an inventory could not be read.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path

from driftbot.errors import EXIT_DRIFT, EXIT_OK, EXIT_UNREACHABLE, DriftbotError
from driftbot.ftypes import Report
from driftbot.github import autofix, commands, dashboard, events, pipeline, pull_request
from driftbot.github.client import ApiSettings, GitHubApi
from driftbot.github.context import Result, RunContext
from driftbot.github.env import ActionsEnv, Instance, Mode, append_summary, write_outputs
from driftbot.github.gitrepo import Git, GitError
from driftbot.github.review import annotate

AUTO_MODES: dict[str, Mode] = {
    "pull_request": "pull-request",
    "pull_request_target": "pull-request",
    "issue_comment": "comment",
    "schedule": "autofix",
    "workflow_dispatch": "autofix",
}
SUMMARY_LIMIT = 1024 * 1024  # GitHub's cap on one step's job summary, in bytes
SUMMARY_TITLE = "## {name}\n\n"
REPORT_STEM = "driftbot-report"
DEFAULT_INSTANCE = Instance()
WRONG_EVENT = "mode {mode} needs a {needed} event, but this run was triggered by {event}"
INCOMPLETE = "driftbot: an inventory could not be read, so the audit is incomplete (exit 3)"
TRACKED_CACHE = "driftbot: input cache-dir {rel!r} holds files of the repository; not used as a cache"
NO_TOKEN = "input github-token is empty (mode {mode} writes to GitHub)"


def resolve_mode(mode: Mode, event_name: str) -> Mode:
    return AUTO_MODES.get(event_name, "audit") if mode == "auto" else mode


def run(environ: Mapping[str, str]) -> int:
    env = ActionsEnv.from_environ(environ)
    event = events.load(env.event_name, env.event_path)
    mode = resolve_mode(env.inputs.mode, env.event_name)
    if mode != "audit" and not env.inputs.dry_run and not env.inputs.token.get_secret_value():
        raise DriftbotError(NO_TOKEN.format(mode=mode))
    gh = GitHubApi(ApiSettings(env.api_url, env.inputs.token, env.tuning), env.repository)
    git = Git(env.workspace, token=env.inputs.token, server=env.server_url)
    cache_dir = cache_folder(git, env.workspace, env.inputs.cache_dir)
    options = pipeline.AuditOptions(
        env.inputs.ssot, env.inputs.config, env.inputs.inventories, env.inputs.working_directory, cache_dir
    )
    ctx = RunContext(env, options, git)
    result = dispatch(mode, event, gh, ctx)
    if result.report is not None and pipeline.incomplete(result.report):
        # Like `driftbot audit`: an audit that could not read an inventory is never a pass.
        print(INCOMPLETE, file=sys.stderr)
        result.exit_code = EXIT_UNREACHABLE
    finish(ctx, result)
    return result.exit_code


def cache_folder(git: Git, workspace: Path, rel: str | None) -> Path | None:
    """The `cache-dir` input in the workspace, unless the checkout itself holds files there.

    The folder must come from `actions/cache` (scoped to the base branch), never from the pull
    request: cached results a PR commits could hide its own drift.
    """
    if rel is None:
        return None
    try:
        tracked = git.run("ls-files", "-z", "--", rel)
    except GitError:
        tracked = ""  # not a git checkout: nothing can be committed there
    if tracked:
        print(TRACKED_CACHE.format(rel=rel), file=sys.stderr)
        return None
    return workspace / rel


def dispatch(mode: Mode, event: events.Event, gh: GitHubApi, ctx: RunContext) -> Result:
    if mode == "pull-request":
        if not isinstance(event, events.PullRequestEvent):
            raise DriftbotError(WRONG_EVENT.format(mode=mode, needed="pull_request", event=ctx.env.event_name))
        return pull_request.handle(event, gh, ctx)
    if mode == "comment":
        if not isinstance(event, events.IssueCommentEvent):
            raise DriftbotError(WRONG_EVENT.format(mode=mode, needed="issue_comment", event=ctx.env.event_name))
        return commands.handle(event, gh, ctx)
    if mode == "autofix":
        if not isinstance(event, events.ScheduleEvent | events.WorkflowDispatchEvent):
            raise DriftbotError(
                WRONG_EVENT.format(mode=mode, needed="schedule or workflow_dispatch", event=ctx.env.event_name)
            )
        return with_dashboard(autofix.handle(event, gh, ctx), gh, ctx)
    report = pipeline.audit(ctx.workspace, ctx.options)
    annotate(report, ctx.fail_on, ctx.instance.name)
    # With `dashboard: true` the dashboard is read (one call) for `new-findings`; else no API call.
    known = dashboard.known(dashboard.read_dashboard(gh, ctx.instance)) if ctx.env.inputs.dashboard else None
    return Result(report=report, exit_code=EXIT_DRIFT if report.at_or_above(ctx.fail_on) else EXIT_OK, known=known)


def with_dashboard(result: Result, gh: GitHubApi, ctx: RunContext) -> Result:
    """After the scheduled auto-fix: refresh the dashboard issue from the same audit."""
    if not ctx.env.inputs.dashboard or result.report is None:
        return result
    if ctx.dry_run:  # read it for `new-findings`, write nothing
        result.known = dashboard.known(dashboard.read_dashboard(gh, ctx.instance))
        return result
    issue, labelled = dashboard.find_dashboard(gh, ctx.instance)
    result.known = dashboard.known(issue)
    pull = result.pull_request_number if result.pull_request_operation != "closed" else None
    number, operation = dashboard.refresh(gh, issue, labelled, result.report, pull, dt.date.today(), ctx.instance)
    result.sections.append(f"{ctx.instance.dashboard_title}: #{number} ({operation})\n")
    return result


def output_path(workspace: Path, name: str) -> str:
    """Where a file for later steps goes (the JSON report, SARIF), relative to the workspace.

    Inside `.git/` when there is one: never audited by a later run, never committed, never in
    `git status`. (A Docker action cannot use RUNNER_TEMP: it is not mounted in the container.)
    """
    return f".git/{name}" if (workspace / ".git").is_dir() else name


def report_path(workspace: Path, instance: Instance = DEFAULT_INSTANCE) -> str:
    return output_path(workspace, instance.file_name(REPORT_STEM, ".json"))


def max_severity(report: Report | None) -> str:
    """The highest severity that counts (a `possible` finding counts as info), or `none`."""
    if report is None or not report.findings:
        return "none"
    return max(f.effective_severity for f in report.findings).label


def new_findings(report: Report | None, known: frozenset[str] | None) -> int:
    """Findings whose fingerprint the dashboard's first-seen state lacks (every one without a dashboard)."""
    if report is None:
        return 0
    return sum(1 for f in report.findings if pipeline.fingerprint(f) not in (known or frozenset()))


def finish(ctx: RunContext, result: Result) -> None:
    """Write the JSON report, the SARIF file, the step outputs and the job summary.

    The counts and the JSON report are what the run judged (a PR's scope); the SARIF file holds the
    whole audit, since code scanning closes any alert a later upload leaves out.
    """
    env, report, instance = ctx.env, result.judged, ctx.instance
    outputs = {
        "findings": str(len(report.findings)) if report else "0",
        "drift": "true" if report and report.findings else "false",
        "report": "",
        "pull-request-number": str(result.pull_request_number or ""),
        "pull-request-operation": result.pull_request_operation,
        "max-severity": max_severity(report),
        "new-findings": str(new_findings(report, result.known)),
        "sarif-file": "",
    }
    if report is not None:
        outputs["report"] = report_path(env.workspace, instance)
        (env.workspace / outputs["report"]).write_text(pipeline.json_text(report), encoding="utf-8")
    if result.report is not None:
        outputs["sarif-file"] = output_path(env.workspace, instance.file_name("driftbot", ".sarif"))
        (env.workspace / outputs["sarif-file"]).write_text(pipeline.sarif_text(result.report), encoding="utf-8")
    write_outputs(env.output_file, outputs)
    if result.pull_request_operation != "none":
        print(f"driftbot: pull request #{result.pull_request_number} {result.pull_request_operation}")
    if env.summary_file is None or (report is None and not result.sections):
        return
    sections = "".join(s if s.endswith("\n") else s + "\n" for s in result.sections)
    head = SUMMARY_TITLE.format(name=instance.name) + sections
    head = head.encode()[: SUMMARY_LIMIT // 2].decode(errors="ignore")  # a huge diff must leave room for the report
    body = ""
    if report is not None:
        room = SUMMARY_LIMIT - len(head.encode()) - 1
        links = pipeline.source_links(env.server_url, env.repository, result.sha or env.sha)
        see = f"see the JSON report (`{outputs['report']}`)"
        body = "\n" + pipeline.markdown(
            report, limit=room, see=see, links=links, pull_request=result.pull_request_number is not None
        )
    append_summary(env.summary_file, head + body)
