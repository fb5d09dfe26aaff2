"""`schedule` / `workflow_dispatch`: keep exactly one auto-fix PR for the default branch's drift.

One deterministic branch (`driftbot/autofix`) holds at most one driftbot commit on top of the
default branch. Each run rebuilds that commit from scratch and:
- pushes it (force-with-lease, so only over the tip this run saw) when it differs from the branch;
- opens the PR, or updates its body when the fix changed; closes it and deletes the branch once
  the default branch is clean;
- never touches a branch whose tip driftbot did not make: it says so in the PR and stops;
- never re-proposes a commit whose PR a maintainer closed without merging (that declines the fix):
  it proposes again once the drift, and so the commit, changes.
Two runs at once cannot open two PRs: they build the same commit (dates come from the base
commit), the lease lets one push win, and GitHub refuses a second PR for the same branch (422),
which the loser turns into an update. The example workflow adds a `concurrency:` group too.
API calls: list open PRs from the branch, then at most one create or update; before a create,
list the closed ones too.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from driftbot.errors import DriftbotError
from driftbot.ftypes import Report
from driftbot.github import pipeline
from driftbot.github.client import ApiError, GitHubApi, PullInfo
from driftbot.github.context import Result, RunContext
from driftbot.github.events import ScheduleEvent, WorkflowDispatchEvent
from driftbot.github.gitrepo import CommitInfo
from driftbot.report import escape

MARKER = "<!-- driftbot:autofix -->"
TITLE = "driftbot: fix {count} drift finding(s)"
COMMIT_MESSAGE = "driftbot: fix {count} drift finding(s)"
BODY_LIMIT = 65_536
MAX_LISTED = 200
FOREIGN = (
    "> [!WARNING]\n> driftbot left this branch alone: its latest commit {sha} was not made by driftbot "
    "(by {author}), and driftbot never force-pushes over other people's work. Merge or close this "
    "pull request and delete `{branch}`, and driftbot will take over again.\n\n"
)
FOREIGN_NO_PULL = "driftbot: `{branch}` holds commit {sha} that driftbot did not make; leaving it alone"
CLOSED = "{marker}\ndriftbot closed this pull request: `{base}` has no fixable drift left at {sha}. ✅\n"
RACE = (
    "`{branch}` moved while this run was working (another run?); nothing was overwritten; the next run will reconcile"
)
DECLINED = (
    "driftbot: pull request #{number} proposed this same fix ({sha}) and was closed without merging; "
    "not proposing it again until the drift changes"
)
FOOTER = (
    "\n---\n<sub>driftbot owns `{branch}`: it rebuilds it when the drift changes and closes this pull "
    "request once `{base}` is clean. Push to the branch yourself and driftbot leaves it alone; close "
    "this pull request to decline the fix, and driftbot proposes again only when the drift changes.</sub>\n"
)


def render_body(*, before: Report, after: Report, base: str, sha: str, branch: str) -> str:
    fixed = pipeline.fixed_findings(before, after)
    rules = sorted({f.rule for f in before.findings})
    count_before, count_after = Counter(f.rule for f in before.findings), Counter(f.rule for f in after.findings)
    lines = [
        MARKER,
        f"driftbot fixed {len(fixed)} of {len(before.findings)} finding(s) on `{base}` at {sha[:7]}.",
        "",
        "| rule | before | after |",
        "| --- | ---: | ---: |",
        *(f"| {escape.code(r, table=True)} | {count_before[r]} | {count_after[r]} |" for r in rules),
        f"| **total** | **{len(before.findings)}** | **{len(after.findings)}** |",
        "",
        "### Fixed",
        "",
        "| rule | where | was | now |",
        "| --- | --- | --- | --- |",
    ]
    for f in fixed[:MAX_LISTED]:
        where = escape.code(str(f.location), table=True)
        lines.append(f"| {escape.code(f.rule, table=True)} | {where} | {_cell(f.actual)} | {_cell(f.expected)} |")
    if len(fixed) > MAX_LISTED:
        lines.append(f"\n… and {len(fixed) - MAX_LISTED} more (see the job summary).")
    if after.findings:
        lines.append(f"\n{len(after.findings)} finding(s) remain that need a person; see the job summary.")
    body = "\n".join(lines) + FOOTER.format(branch=branch, base=base)
    return body[:BODY_LIMIT]


def _cell(value: str | None) -> str:
    return escape.code(value, table=True) if value else ""


def handle(event: ScheduleEvent | WorkflowDispatchEvent, gh: GitHubApi, ctx: RunContext) -> Result:
    git, branch = ctx.git, ctx.env.inputs.autofix_branch
    base_branch = (event.repository.default_branch if event.repository else None) or git.remote_default_branch()
    base = git.fetch(f"refs/heads/{base_branch}")
    with git.worktree(base) as tree:
        before = pipeline.audit(tree, ctx.options)
        after, new, diff = _fix(ctx, tree, base, before)
    result = Result(report=before)
    if diff:
        result.sections.append(f"### driftbot autofix\n\n{escape.fence(diff, 'diff')}\n")
    if ctx.dry_run:
        print(f"driftbot: dry-run: {'would push' if new else 'nothing to fix on'} {base_branch} at {base[:7]}")
        return result

    tip = git.remote_branch(branch)
    pulls = gh.find_open_pulls(branch)
    pull = pulls[0] if pulls else None
    if pull is not None:
        result.pull_request_number = pull.number
    if tip is not None:
        info = git.commit_info(git.fetch(f"refs/heads/{branch}"))
        if not info.made_by_bot:
            _report_foreign(gh, pull, info, branch, result)
            return result

    if new is None:
        if pull is not None:
            gh.update_pull(
                pull.number, state="closed", body=CLOSED.format(marker=MARKER, base=base_branch, sha=base[:7])
            )
            result.pull_request_operation = "closed"
        deleted = tip is None or git.delete_branch(branch, expect=tip) or git.remote_branch(branch) is None
        if not deleted:
            raise DriftbotError(RACE.format(branch=branch))
        return result

    if pull is None and (declined := _declined(gh, branch, new)) is not None:
        note = DECLINED.format(number=declined.number, sha=new[:7])
        print(note)
        result.sections.append(note + "\n")
        return result

    pushed = False
    if tip != new:
        if not git.push(new, branch, expect=tip, force=True) and git.remote_branch(branch) != new:
            raise DriftbotError(RACE.format(branch=branch))
        pushed = True
    title = TITLE.format(count=len(pipeline.fixed_findings(before, after)))
    body = render_body(before=before, after=after, base=base_branch, sha=base, branch=branch)
    if pull is None:
        pull, created = _open_pull(gh, title=title, body=body, head=branch, base=base_branch)
        result.pull_request_number = pull.number
        if created:
            result.pull_request_operation = "created"
            return result
    if pushed or pull.body != body or pull.title != title:
        gh.update_pull(pull.number, title=title, body=body)
        result.pull_request_operation = "updated"
    return result


def _fix(ctx: RunContext, tree: Path, base: str, before: Report) -> tuple[Report, str | None, str]:
    if not any(f.fixable for f in before.findings):
        return before, None, ""
    pipeline.fix(tree, ctx.options)
    after = pipeline.audit(tree, ctx.options)
    count = len(pipeline.fixed_findings(before, after))
    new = ctx.git.commit_all(tree, COMMIT_MESSAGE.format(count=count), date_from=base)
    return after, new, ctx.git.diff(base, new) if new else ""


def _declined(gh: GitHubApi, branch: str, sha: str) -> PullInfo | None:
    """A PR of exactly this commit that a maintainer closed without merging: the fix was declined."""
    return next((p for p in gh.find_closed_pulls(branch) if p.head_sha == sha and not p.merged), None)


def _open_pull(gh: GitHubApi, *, title: str, body: str, head: str, base: str) -> tuple[PullInfo, bool]:
    """Open the PR; if a concurrent run just opened it, GitHub says 422 and the existing one is used."""
    try:
        return gh.create_pull(title=title, body=body, head=head, base=base), True
    except ApiError as exc:
        if exc.status != 422 or "already exists" not in exc.detail:
            raise
    pulls = gh.find_open_pulls(head)
    if not pulls:
        raise DriftbotError(f"GitHub says a pull request from {head} exists, but none is open")
    return pulls[0], False


def _report_foreign(gh: GitHubApi, pull: PullInfo | None, info: CommitInfo, branch: str, result: Result) -> None:
    note = FOREIGN.format(sha=info.sha[:7], author=escape.markdown(info.author), branch=branch)
    result.sections.append(note)
    if pull is None:
        print(escape.terminal(FOREIGN_NO_PULL.format(branch=branch, sha=info.sha[:7])))
        return
    if note not in pull.body:
        rest = pull.body.removeprefix(MARKER).lstrip("\n")
        gh.update_pull(pull.number, body=f"{MARKER}\n{note}{rest}")
        result.pull_request_operation = "updated"
