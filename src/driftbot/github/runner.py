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
from driftbot.github import autofix, commands, dashboard, events, pipeline, pull_request
from driftbot.github.client import ApiSettings, GitHubApi
from driftbot.github.context import Result, RunContext
from driftbot.github.env import REPORT_NAME, ActionsEnv, Mode, append_summary, write_outputs
from driftbot.github.gitrepo import Git
from driftbot.github.review import annotate

AUTO_MODES: dict[str, Mode] = {
    "pull_request": "pull-request",
    "pull_request_target": "pull-request",
    "issue_comment": "comment",
    "schedule": "autofix",
    "workflow_dispatch": "autofix",
}
SUMMARY_LIMIT = 1024 * 1024  # GitHub's cap on one step's job summary, in bytes
SUMMARY_TITLE = "## driftbot\n\n"
WRONG_EVENT = "mode {mode} needs a {needed} event, but this run was triggered by {event}"
INCOMPLETE = "driftbot: an inventory could not be read, so the audit is incomplete (exit 3)"
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
    options = pipeline.AuditOptions(env.inputs.ssot, env.inputs.config, env.inputs.inventories)
    ctx = RunContext(env, options, Git(env.workspace, token=env.inputs.token, server=env.server_url))
    result = dispatch(mode, event, gh, ctx)
    if result.report is not None and pipeline.incomplete(result.report):
        # Like `driftbot audit`: an audit that could not read an inventory is never a pass.
        print(INCOMPLETE, file=sys.stderr)
        result.exit_code = EXIT_UNREACHABLE
    finish(ctx, result)
    return result.exit_code


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
    annotate(report, ctx.fail_on)
    return Result(report=report, exit_code=EXIT_DRIFT if report.at_or_above(ctx.fail_on) else EXIT_OK)


def with_dashboard(result: Result, gh: GitHubApi, ctx: RunContext) -> Result:
    """After the scheduled auto-fix: refresh the "driftbot dashboard" issue from the same audit."""
    if not ctx.env.inputs.dashboard or ctx.dry_run or result.report is None:
        return result
    pull = result.pull_request_number if result.pull_request_operation != "closed" else None
    number, operation = dashboard.update_dashboard(gh, result.report, pull, dt.date.today())
    result.sections.append(f"driftbot dashboard: #{number} ({operation})\n")
    return result


def report_path(workspace: Path) -> str:
    """Where the JSON report goes, relative to the workspace (the path later steps see too).

    Inside `.git/` when there is one: never audited by a later run, never committed, never in
    `git status`. (A Docker action cannot use RUNNER_TEMP: it is not mounted in the container.)
    """
    return f".git/{REPORT_NAME}" if (workspace / ".git").is_dir() else REPORT_NAME


def finish(ctx: RunContext, result: Result) -> None:
    """Write the JSON report, the step outputs and the job summary."""
    env, report = ctx.env, result.report
    outputs = {
        "findings": str(len(report.findings)) if report else "0",
        "drift": "true" if report and report.findings else "false",
        "report": "",
        "pull-request-number": str(result.pull_request_number or ""),
        "pull-request-operation": result.pull_request_operation,
    }
    if report is not None:
        outputs["report"] = report_path(env.workspace)
        (env.workspace / outputs["report"]).write_text(pipeline.json_text(report), encoding="utf-8")
    write_outputs(env.output_file, outputs)
    if result.pull_request_operation != "none":
        print(f"driftbot: pull request #{result.pull_request_number} {result.pull_request_operation}")
    if env.summary_file is None or (report is None and not result.sections):
        return
    head = SUMMARY_TITLE + "".join(s if s.endswith("\n") else s + "\n" for s in result.sections)
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
