"""A pull request is judged on the drift it adds or touches: the inputs `filter` and `baseline`.

`filter` says which findings the PR touches: those on the lines it changes (`changed-lines`, the
default on pull requests), in the files it changes (`changed-files`), or every one (`all`). A
finding checked against an SSOT file the PR changes counts as touched wherever it is: the edit
causes it. The changed lines come from the pull request files API (one call per 100 files), not
from a local `git diff`: the API diffs against the merge base whatever the checkout holds (the
default shallow, single-commit checkout has no merge base to diff against) and it is the diff
reviewers see, the only lines GitHub shows annotations on. A file without a patch (large or
binary) counts as changed on every line; past the API's 3,000 files the PR is judged in full.

`baseline` adds the drift the PR *adds* anywhere: `auto` audits the PR's base commit in a
detached worktree (hooks off, like every git call of the bot) and a finding whose fingerprint
the base does not have is new; a path names a baseline file or JSON report in the checkout (for
`pull_request_target`, the trusted base checkout, so a PR cannot choose what hides its drift).
Filter and baseline add up: touched or new. With `filter: all` a baseline leaves only the new drift.

The findings left out are still counted, so the comment says how much drift exists elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftbot.ftypes import Finding, Report
from driftbot.github import pipeline
from driftbot.github.client import ApiError, GitHubApi, IssueInfo
from driftbot.github.context import RunContext
from driftbot.github.env import BASELINE_AUTO
from driftbot.report import escape, scope
from driftbot.report.common import plural

MAX_FILES = 3000  # the pull request files API lists no more
WHAT = {
    "changed-lines": "the lines this pull request changes",
    "changed-files": "the files this pull request changes",
    "all": "the whole repository",
}
NOTE = "**Scope:** {scope}{elsewhere}.\n"
FILTERED = "{what} (`filter: {how}`)"
NEW_AUTO = "drift new since its base {sha} (`baseline: auto`)"
NEW_FILE = "drift not in {path} (`baseline`)"
ELSEWHERE_DASHBOARD = " — and {count} elsewhere, see the [dashboard]({url})"
ELSEWHERE = " — and {count} elsewhere (`driftbot audit` lists every finding)"
UNLISTED = "the whole repository: the pull request's files could not be listed ({why})"
TOO_MANY = "the whole repository: this pull request changes {count}+ files, more than GitHub lists"


@dataclass(frozen=True)
class Scope:
    report: Report  # the findings the pull request is judged on
    note: str | None  # says what that is, and how much drift is elsewhere; None when nothing is scoped
    elsewhere: int
    changed: scope.ChangedLines | None = None  # the lines the PR changes, when the files API was read


def judge(
    gh: GitHubApi,
    ctx: RunContext,
    *,
    number: int,
    base_sha: Callable[[], str],
    report: Report,
    dashboard: IssueInfo | None,
) -> Scope:
    """Limit `report` (the PR head's whole audit) to what the pull request adds or touches.

    `base_sha` is asked only for `baseline: auto` (a command reads it from the API).
    """
    inputs = ctx.env.inputs
    how = inputs.filter or "changed-lines"
    if how == "all" and inputs.baseline is None:
        return Scope(report, None, 0)
    touched, widened, changed = report, None, None
    if how != "all":
        changed, widened = _changes(gh, number)
        if changed is not None:
            touched = scope.scoped(report, how, changed)
    parts: list[str] = []
    if widened is not None:  # the filter could not apply: every finding counts as touched, and the note says why
        parts.append(FILTERED.format(what=widened, how=how))
    elif how != "all" or inputs.baseline is None:
        parts.append(FILTERED.format(what=WHAT[how], how=how))
    judged = touched
    if inputs.baseline is not None:
        known, key, words = _baseline(ctx, inputs.baseline, base_sha)
        parts.append(words)
        new = scope.new_findings(report, known, key)
        judged = new if how == "all" else scope.union(report, touched, new)
    elsewhere = len(report.findings) - len(judged.findings)
    rest = ""
    if elsewhere:
        count = plural(elsewhere, "finding")
        rest = (
            ELSEWHERE_DASHBOARD.format(count=count, url=dashboard_url(ctx, dashboard))
            if dashboard is not None
            else ELSEWHERE.format(count=count)
        )
    return Scope(judged, NOTE.format(scope=" and ".join(parts), elsewhere=rest), elsewhere, changed)


def changed_lines(gh: GitHubApi, number: int) -> scope.ChangedLines | None:
    """The lines pull request `number` adds, by file; None when they cannot be listed."""
    return _changes(gh, number)[0]


def _changes(gh: GitHubApi, number: int) -> tuple[scope.ChangedLines | None, str | None]:
    """The PR's changed lines, or None and why the whole repository is judged instead."""
    try:
        files = gh.pull_files(number)
    except ApiError as exc:
        if exc.status not in (403, 404):
            raise
        # A token that may not read the PR's files (no `pull-requests: read`): judged in full, and said.
        return None, UNLISTED.format(why=escape.markdown(exc.message))
    if len(files) >= MAX_FILES:
        return None, TOO_MANY.format(count=MAX_FILES)
    return {f.path: scope.added_lines(f.patch) if f.patch is not None else None for f in files}, None


def dashboard_url(ctx: RunContext, issue: IssueInfo) -> str:
    return f"{ctx.env.server_url}/{ctx.env.repository}/issues/{issue.number}"


def _baseline(
    ctx: RunContext, baseline: str, base_sha: Callable[[], str]
) -> tuple[list[str], Callable[[Finding], str], str]:
    """The known fingerprints, how to fingerprint a head finding to compare, and the note's words."""
    if baseline == BASELINE_AUTO:
        git, sha = ctx.git, base_sha()
        if not git.has_commit(sha):
            git.fetch(sha)
        with git.worktree(sha) as tree:
            base = pipeline.audit(tree, ctx.options)
        return [pipeline.fingerprint(f) for f in base.findings], pipeline.fingerprint, NEW_AUTO.format(sha=sha[:7])
    # A baseline file is written by `driftbot audit` run in the working directory: paths relative to it.
    wd = ctx.options.working_directory
    known = pipeline.baseline_fingerprints(ctx.workspace, baseline)
    return known, lambda f: pipeline.fingerprint(scope.unrooted(f, wd)), NEW_FILE.format(path=escape.code(baseline))
