"""`issue_comment`: `/driftbot audit|fix|help` on pull requests, for people who may write.

Order of calls: the commenter's permission (1 read); someone without write access gets one
polite reply and nothing else is written, and only one such reply per pull request and hour: the
job keeps no state, so the bot's own recent replies (one list of the last hour's comments) are
the memory. Otherwise an `eyes` reaction acknowledges the command
at once, then it runs. New comments only: edits, deletions, comments on issues and comments by
bots (driftbot's own included) are ignored without a single call.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from driftbot.github import pipeline, pull_request, trust
from driftbot.github.client import GitHubApi
from driftbot.github.context import Result, RunContext
from driftbot.github.events import IssueCommentEvent
from driftbot.github.gitrepo import GitError
from driftbot.github.review import review
from driftbot.report import escape

COMMAND_RE = re.compile(r"^[ \t]*/driftbot(?:[ \t]+(?P<word>\S+))?[ \t]*$", re.MULTILINE)
OWN_MARKER = "<!-- driftbot:"  # every comment driftbot writes carries one
REPLY_MARKER = "<!-- driftbot:reply -->\n"
UNAUTHORIZED_MARKER = "<!-- driftbot:reply unauthorized -->\n"
UNAUTHORIZED_QUIET = dt.timedelta(hours=1)  # at most one such reply per pull request in this window
ACK_REACTION = "eyes"
FIX_COMMIT_MESSAGE = "driftbot: fix drift ({count} finding(s))"

HELP = (
    "### driftbot commands\n\n"
    "| command | what it does |\n"
    "| --- | --- |\n"
    "| `/driftbot audit` | audit this pull request again and refresh the `driftbot` check and comment |\n"
    "| `/driftbot fix` | push a commit fixing every fixable finding to this pull request's branch "
    "(branches in this repository only) |\n"
    "| `/driftbot help` | show this help |\n\n"
    "Commands run for people with write, maintain or admin permission on the repository.\n"
)
UNAUTHORIZED = (
    "@{login} thanks for asking! Only people with write access to this repository can run driftbot "
    "commands, so {command} did not run. A maintainer can run it for you."
)
UNKNOWN = "@{login} driftbot does not know {command}.\n\n" + HELP
FORK_FIX = (
    "@{login} driftbot cannot push to this pull request's branch: it lives in a fork. "
    "Run `driftbot fix` locally and push the result."
)
BRANCH_GONE = (
    "@{login} driftbot cannot fix this pull request: it is closed or merged, or its branch {branch} "
    "was deleted, so nothing was pushed. Reopen it (restoring the branch) to use `/driftbot fix`."
)
NOTHING_TO_FIX = "@{login} nothing to fix at {sha}: none of the findings has an automatic fix."
BRANCH_MOVED = "@{login} the branch {branch} moved while driftbot was fixing it, so nothing was pushed. Try again."
FIXED = "@{login} pushed {sha} with fixes for {count} finding(s) in:\n\n{files}\n"

IGNORED = "driftbot: ignoring this comment ({why})"
QUIET = "driftbot: @{login} may not run commands; already said so on #{number} within the hour, so no reply"


@dataclass(frozen=True)
class Command:
    word: str  # audit, fix, help, or what the person typed

    @property
    def shown(self) -> str:
        """The command as a code span that nothing the person typed can end early."""
        return escape.code(f"/driftbot {self.word}")


def parse_command(body: str | None) -> Command | None:
    match = COMMAND_RE.search(body or "")
    if match is None:
        return None
    return Command((match["word"] or "help").lower())


def ignored_because(event: IssueCommentEvent) -> str | None:
    if event.action != "created":
        return f"action {event.action}"
    if event.issue.pull_request is None:
        return "not a pull request"
    if event.comment.user.is_bot or OWN_MARKER in (event.comment.body or ""):
        return "written by a bot"
    if parse_command(event.comment.body) is None:
        return "no /driftbot command"
    return None


def handle(event: IssueCommentEvent, gh: GitHubApi, ctx: RunContext) -> Result:
    why = ignored_because(event)
    command = parse_command(event.comment.body)
    if why is not None or command is None:
        print(IGNORED.format(why=why))
        return Result()
    number, login = event.issue.number, event.comment.user.login
    result = Result(pull_request_number=number)
    if ctx.dry_run:
        print(escape.terminal(f"driftbot: dry-run: would run /driftbot {command.word} for @{login}"))
        return result
    if not gh.can_write(login):
        if replied_recently(gh, number, dt.datetime.now(dt.UTC)):
            print(QUIET.format(login=login, number=number))
        else:
            gh.create_issue_comment(
                number, UNAUTHORIZED_MARKER + UNAUTHORIZED.format(login=login, command=command.shown)
            )
        return result
    gh.add_reaction(number, event.comment.id, ACK_REACTION)
    if command.word == "audit":
        return _audit(gh, ctx, number)
    if command.word == "fix":
        return _fix(gh, ctx, number, login)
    text = HELP if command.word == "help" else UNKNOWN.format(login=login, command=command.shown)
    gh.create_issue_comment(number, REPLY_MARKER + text)
    return result


def replied_recently(gh: GitHubApi, number: int, now: dt.datetime) -> bool:
    """Whether the bot itself told someone on #`number` within the quiet window that they may not run commands."""
    since = now - UNAUTHORIZED_QUIET
    me = gh.identity()
    return any(
        c.body.startswith(UNAUTHORIZED_MARKER)
        and me.wrote(c.author, c.author_type)
        and (c.created_at is None or c.created_at >= since)
        for c in gh.list_issue_comments(number, since=since)
    )


def _audit(gh: GitHubApi, ctx: RunContext, number: int) -> Result:
    sha, report, note = pull_request.audit_head(ctx, number)
    notes = [note] if note else []
    scoped, known = pull_request.judge(gh, ctx, number, report, lambda: gh.get_pull(number).base_sha)
    outcome = review(gh, ctx, number=number, sha=sha, report=scoped.report, notes=notes, scope=scoped.note)
    sections = notes + ([scoped.note] if scoped.note else []) + ([outcome.note] if outcome.note else [])
    return Result(report=report, scoped=scoped.report, sections=sections, pull_request_number=number, known=known)


def _fix(gh: GitHubApi, ctx: RunContext, number: int, login: str) -> Result:
    pull = gh.get_pull(number)
    gone = REPLY_MARKER + BRANCH_GONE.format(login=login, branch=escape.code(pull.head_ref))
    if pull.state != "open" or pull.merged:
        gh.create_issue_comment(number, gone)
        return Result(pull_request_number=number)
    if pull.head_repo != ctx.env.repository:
        gh.create_issue_comment(number, REPLY_MARKER + FORK_FIX.format(login=login))
        return Result(pull_request_number=number)
    try:
        head = ctx.git.fetch(f"refs/heads/{pull.head_ref}")
    except GitError:
        if ctx.git.remote_branch(pull.head_ref) is not None:
            raise  # the branch is there: a real git failure, not a deleted branch
        gh.create_issue_comment(number, gone)  # deleted after the pull request was read
        return Result(pull_request_number=number)
    with ctx.git.worktree(head) as tree:
        with trust.trusted_settings(ctx, tree) as note:
            before = pipeline.audit(tree, ctx.options)
            pipeline.fix(tree, ctx.options)
            after = pipeline.audit(tree, ctx.options)
        fixed = len(pipeline.fixed_findings(before, after))
        new = ctx.git.commit_all(tree, FIX_COMMIT_MESSAGE.format(count=fixed))
    notes = [note] if note else []
    if new is None:
        gh.create_issue_comment(number, REPLY_MARKER + NOTHING_TO_FIX.format(login=login, sha=head[:7]))
        return Result(report=before, sections=notes, pull_request_number=number)
    # A plain push: it is a fast-forward of the head we fetched, or refused if someone pushed since.
    if not ctx.git.push(new, pull.head_ref, expect=head, force=False):
        gh.create_issue_comment(
            number, REPLY_MARKER + BRANCH_MOVED.format(login=login, branch=escape.code(pull.head_ref))
        )
        return Result(report=after, sections=notes, pull_request_number=number)
    files = "\n".join(f"- {escape.code(path)}" for path in ctx.git.changed_files(head, new))
    gh.create_issue_comment(number, REPLY_MARKER + FIXED.format(login=login, sha=new[:7], count=fixed, files=files))
    # Pushes made with GITHUB_TOKEN start no workflow, so the new head gets its check run from here,
    # judged like a push would be (the files API may not list the fix commit yet: it changed only drift).
    scoped, known = pull_request.judge(gh, ctx, number, after, lambda: pull.base_sha)
    outcome = review(gh, ctx, number=number, sha=new, report=scoped.report, notes=notes, scope=scoped.note)
    sections = notes + ([scoped.note] if scoped.note else []) + ([outcome.note] if outcome.note else [])
    return Result(report=after, scoped=scoped.report, sections=sections, pull_request_number=number, known=known)
