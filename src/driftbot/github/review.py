"""Show an audit of a PR commit where reviewers look: the check run and the living comment.

When the token cannot write (fork PRs get a read-only GITHUB_TOKEN), the same findings go out as
workflow annotations and the job summary instead, and the run does not fail for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from driftbot.ftypes import Finding, Report, Severity
from driftbot.github import checks, comment, pipeline
from driftbot.github.client import ApiError, GitHubApi
from driftbot.github.comment import CommentOutcome
from driftbot.github.context import RunContext
from driftbot.github.env import DEFAULT_NAME, Level, emit, workflow_command

PER_LEVEL = 10  # the runner shows at most 10 annotations of each level per step
READ_ONLY_NOTE = (
    "> [!NOTE]\n> driftbot did not write to this repository ({reason}), so it shows its findings as "
    "workflow annotations and in this summary instead of a check run and a PR comment.\n"
)
MORE_ANNOTATIONS = "{count} more finding(s) in the job summary"
WORKFLOW_LEVELS: dict[checks.AnnotationLevel, Level] = {"failure": "error", "warning": "warning", "notice": "notice"}
LOG = "driftbot: check run {id} {conclusion} ({written}); PR comment {comment}"


@dataclass(frozen=True)
class ReviewOutcome:
    conclusion: checks.Conclusion
    check_run_id: int | None = None
    comment: CommentOutcome | None = None
    read_only_reason: str | None = None

    @property
    def note(self) -> str | None:
        return READ_ONLY_NOTE.format(reason=self.read_only_reason) if self.read_only_reason else None


def see_also(ctx: RunContext) -> str:
    url = ctx.env.run_url
    return f"see the [job summary]({url})" if url else "see the job summary"


def review(
    gh: GitHubApi,
    ctx: RunContext,
    *,
    number: int,
    sha: str,
    report: Report,
    read_only_reason: str | None = None,
    notes: Sequence[str] = (),
    scope: str | None = None,
) -> ReviewOutcome:
    """`notes`: markdown paragraphs shown above the report (in the check run and the comment).

    `scope`: what the PR is judged on and how much drift is elsewhere; shown like a note, but
    unlike one it never makes a comment by itself (a PR clean in its scope gets none).
    """
    verdict = checks.conclusion(report, ctx.fail_on)
    if read_only_reason is None:
        try:
            return _publish(gh, ctx, number=number, sha=sha, report=report, notes=notes, scope=scope)
        except ApiError as exc:
            if not exc.read_only:
                raise
            read_only_reason = exc.message
    annotate(report, ctx.fail_on, ctx.instance.name)
    return ReviewOutcome(verdict, read_only_reason=read_only_reason)


def _publish(
    gh: GitHubApi,
    ctx: RunContext,
    *,
    number: int,
    sha: str,
    report: Report,
    notes: Sequence[str],
    scope: str | None,
) -> ReviewOutcome:
    see = see_also(ctx)
    links = pipeline.source_links(ctx.env.server_url, ctx.env.repository, sha)
    lead = "".join(n + "\n" for n in [*notes, *([scope] if scope else [])])
    instance = ctx.instance
    check = checks.publish(
        gh,
        sha=sha,
        report=report,
        fail_on=ctx.fail_on,
        summary=lead
        + pipeline.markdown(
            report, limit=checks.SUMMARY_LIMIT - len(lead.encode()), see=see, links=links, pull_request=True
        ),
        details_url=ctx.env.run_url,
        name=instance.name,
    )
    body = None
    if report.findings or notes:  # a note (the PR's settings were not used) is worth a comment on its own
        top = comment.header(sha, instance.marker("report")) + lead
        room = comment.COMMENT_LIMIT - len(top.encode())
        body = top + pipeline.markdown(report, limit=room, see=see, links=links, pull_request=True)
    outcome = comment.sync(gh, number, body, marker=instance.marker("report"), name=instance.name)
    written = "written" if check.written else "unchanged"
    print(LOG.format(id=check.check_run_id, conclusion=check.conclusion, written=written, comment=outcome.operation))
    return ReviewOutcome(check.conclusion, check.check_run_id, outcome)


def annotate(report: Report, fail_on: Severity, name: str = DEFAULT_NAME) -> None:
    """Workflow commands the runner turns into annotations, titled by the instance's `name`: at most 10
    per level, as it shows no more.

    When some do not fit, a notice saying so comes first (it takes one of the notices' 10).
    """
    ranked = sorted(report.findings, key=lambda f: (-f.effective_severity, -f.severity, f.sort_key))
    by_level: dict[Level, list[Finding]] = {"error": [], "warning": [], "notice": []}
    for finding in ranked:
        by_level[WORKFLOW_LEVELS[checks.annotation_level(finding.effective_severity, fail_on)]].append(finding)
    room = {"error": PER_LEVEL, "warning": PER_LEVEL, "notice": PER_LEVEL}
    hidden = sum(max(0, len(found) - PER_LEVEL) for found in by_level.values())
    if hidden:
        room["notice"] -= 1
        hidden = sum(max(0, len(found) - room[level]) for level, found in by_level.items())
        emit(workflow_command("notice", MORE_ANNOTATIONS.format(count=hidden)))
    for level, found in by_level.items():
        for finding in found[: room[level]]:
            loc = finding.location
            title = f"{name} {finding.rule} ({finding.severity.label})"
            emit(workflow_command(level, finding.message, file=loc.path, line=loc.line, col=loc.column, title=title))
