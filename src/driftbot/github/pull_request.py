"""`pull_request`: audit the PR head, then the check run, the living comment and the summary.

`pull_request` runs check out the PR head (the example workflow asks for it), so the workspace is
audited. `pull_request_target` runs check out the BASE branch, so the head is fetched as
`refs/pull/N/head` (present for fork PRs too) and audited in a worktree of its own.

API calls on a same-repository PR: list check runs, create the run (+1 per further 50
annotations), list comments, and at most one comment write. A fork PR's `pull_request` run has a
read-only token, so it makes no call at all and uses workflow annotations instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from driftbot.errors import EXIT_DRIFT, EXIT_OK
from driftbot.ftypes import Report
from driftbot.github import dashboard, pipeline, prscope, suggestions, trust
from driftbot.github.client import ApiError, GitHubApi
from driftbot.github.context import Result, RunContext
from driftbot.github.env import emit, workflow_command
from driftbot.github.events import PullRequestEvent
from driftbot.github.review import review
from driftbot.report.scope import ChangedLines

if TYPE_CHECKING:  # driftbot.fix imports libcst: only a run that suggests loads it
    from driftbot.fix.suggest import Suggestion

SKIPPED_CLOSED = "driftbot: pull request #{number} is closed; nothing to audit"
FORK_READ_ONLY = "the pull request comes from a fork, and its GITHUB_TOKEN is read-only"
DRY_RUN = "dry-run"
SUGGESTED = "driftbot: suggestions review {operation} ({count} suggestion(s))"
NOT_SUGGESTED = "driftbot did not post its suggested changes: {error}"


def handle(event: PullRequestEvent, gh: GitHubApi, ctx: RunContext) -> Result:
    pull = event.pull_request
    if event.action == "closed":
        print(SKIPPED_CLOSED.format(number=pull.number))
        return Result(pull_request_number=pull.number)
    note = None
    if ctx.env.event_name == "pull_request_target":
        sha, report, note = audit_head(ctx, pull.number)
    else:
        sha, report = pull.head.sha, pipeline.audit(ctx.workspace, ctx.options)
    reason = None
    if ctx.dry_run:
        reason = DRY_RUN
    elif ctx.env.event_name == "pull_request" and event.is_fork():
        reason = FORK_READ_ONLY  # pull_request_target runs with a write token and may publish
    notes = [note] if note else []
    scoped, known = judge(gh, ctx, pull.number, report, lambda: pull.base.sha)
    outcome = review(
        gh,
        ctx,
        number=pull.number,
        sha=sha,
        report=scoped.report,
        read_only_reason=reason,
        notes=notes,
        scope=scoped.note,
    )
    if ctx.env.inputs.suggestions and reason is None and outcome.read_only_reason is None:
        suggest(gh, ctx, number=pull.number, sha=sha, report=report, changed=scoped.changed)
    return Result(
        report=report,
        scoped=scoped.report,
        sections=notes + ([scoped.note] if scoped.note else []) + ([outcome.note] if outcome.note else []),
        pull_request_number=pull.number,
        exit_code=EXIT_DRIFT if outcome.conclusion == "failure" else EXIT_OK,
        sha=sha,
        known=known,
    )


def judge(
    gh: GitHubApi, ctx: RunContext, number: int, report: Report, base_sha: Callable[[], str]
) -> tuple[prscope.Scope, frozenset[str] | None]:
    """PR `number`'s scope of `report`, and the dashboard's known fingerprints (None: `dashboard` is off).

    With `dashboard: true` the dashboard is read once: its link for the drift elsewhere, its
    first-seen state for `new-findings`.
    """
    board = dashboard.read_dashboard(gh, ctx.instance) if ctx.env.inputs.dashboard else None
    scoped = prscope.judge(gh, ctx, number=number, base_sha=base_sha, report=report, dashboard=board)
    return scoped, dashboard.known(board) if ctx.env.inputs.dashboard else None


def audit_head(ctx: RunContext, number: int) -> tuple[str, Report, str | None]:
    """Fetch PR `number`'s head as `refs/pull/N/head` and audit it with the trusted settings.

    Returns the audited sha, its report, and the note saying the PR's own settings were not used
    (None when it changes none). That ref exists for fork PRs too, and saves reading the PR
    through the API.
    """
    sha = ctx.git.fetch(f"refs/pull/{number}/head")
    with ctx.git.worktree(sha) as tree, trust.trusted_settings(ctx, tree) as note:
        return sha, pipeline.audit(tree, ctx.options), note


def suggest(
    gh: GitHubApi, ctx: RunContext, *, number: int, sha: str, report: Report, changed: ChangedLines | None
) -> None:
    """The suggested-changes review (input `suggestions`). It is extra: a failure to post it is a warning."""
    found: list[Suggestion] = []
    if any(f.fixable and f.confidence == "certain" for f in report.findings):  # else no plan: it would be empty
        if ctx.env.event_name == "pull_request_target":  # the head again, in a worktree, with trusted settings
            with ctx.git.worktree(sha) as tree, trust.trusted_settings(ctx, tree):
                found = pipeline.suggest(tree, ctx.options)
        else:
            found = pipeline.suggest(ctx.workspace, ctx.options)
    try:
        lines = changed if changed is not None else prscope.changed_lines(gh, number)
        outcome = suggestions.publish(
            gh,
            number=number,
            sha=sha,
            found=found,
            changed=lines or {},
            marker=ctx.instance.marker("suggestions"),
            name=ctx.instance.name,
        )
    except ApiError as exc:
        emit(workflow_command("warning", NOT_SUGGESTED.format(error=exc.message)))
        return
    print(SUGGESTED.format(operation=outcome.operation, count=outcome.comments))
