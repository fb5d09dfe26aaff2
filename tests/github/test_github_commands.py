"""`issue_comment`: `/driftbot audit|fix|help` on PRs, permissions, and the comments to ignore.

The comment payloads are real `issue_comment` examples with `issue.pull_request` added (none of
the package's examples is on a PR). Issue #1 of Codertocat/Hello-World plays the pull request.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github_harness import CONFIG, ActionRun, clean_config, git
from github_payloads import issue_comment, pr_comment

from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.github import commands, comment, pipeline
from driftbot.github.gitrepo import BOT_EMAIL, TRAILER

REPO = "/repos/Codertocat/Hello-World"
COMMENT_ID = 492700400  # the example comment's id
REACTION = f"POST {REPO}/issues/comments/{COMMENT_ID}/reactions"
PERMISSION = f"GET {REPO}/collaborators/Codertocat/permission"


def open_pull(action: ActionRun, *, head_repo: str = "Codertocat/Hello-World") -> str:
    """PR #1: branch `changes` (one commit on master, still with the drift), also at refs/pull/1/head."""
    sha = action.remote.push_commit("refs/heads/changes", {"README.md": "hello\n"}, message="docs")
    git(action.remote.bare, "update-ref", "refs/pull/1/head", sha)
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": sha, "head_repo": head_repo}
    return sha


def test_audit_command_reacts_then_refreshes_check_and_comment(action: ActionRun) -> None:
    sha = open_pull(action)
    assert action.run("issue_comment", pr_comment("/driftbot audit")) == 0

    assert action.api.lines() == [
        PERMISSION,
        REACTION,
        f"GET {REPO}/commits/{sha}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/1/comments",
        f"POST {REPO}/issues/1/comments",
    ]
    assert action.api.calls[1].body == {"content": "eyes"}
    assert (action.api.calls[3].body["head_sha"], action.api.calls[3].body["conclusion"]) == (sha, "failure")
    assert action.api.calls[5].body["body"].startswith(comment.MARKER)
    assert action.outputs()["findings"] == "1"


def test_audit_command_twice_keeps_one_comment_and_one_check(action: ActionRun) -> None:
    open_pull(action)
    action.run("issue_comment", pr_comment("/driftbot audit"))
    action.run("issue_comment", pr_comment("please\n/driftbot audit\nthanks"))
    assert len(action.api.state.check_runs) == 1
    assert [c["body"].startswith(comment.MARKER) for c in action.api.state.comments[1]] == [True]


def test_fix_command_pushes_one_bot_commit_to_the_pr_branch(action: ActionRun) -> None:
    head = open_pull(action)
    assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0

    new = action.remote.head("refs/heads/changes")
    assert git(action.remote.bare, "rev-parse", f"{new}^") == head  # a fast-forward, no force
    assert git(action.remote.bare, "show", "-s", "--format=%ce", new) == BOT_EMAIL
    assert TRAILER in git(action.remote.bare, "show", "-s", "--format=%B", new)
    assert git(action.remote.bare, "diff", "--name-only", head, new) == CONFIG
    assert action.remote.file(new, CONFIG) == clean_config()
    assert action.api.lines() == [
        PERMISSION,
        REACTION,
        f"GET {REPO}/pulls/1",
        f"POST {REPO}/issues/1/comments",
        f"GET {REPO}/commits/{new}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/1/comments",
    ]  # the fixed head is clean: success check, and no report comment to write
    reply = action.api.calls[3].body["body"]
    assert reply == commands.REPLY_MARKER + commands.FIXED.format(
        login="Codertocat", sha=new[:7], count=1, files=f"- `{CONFIG}`"
    )
    assert action.api.calls[5].body["conclusion"] == "success"


def test_fix_command_on_a_fork_pr_explains_and_pushes_nothing(action: ActionRun) -> None:
    open_pull(action, head_repo="forker/Hello-World")
    before = action.remote.refs()
    action.run("issue_comment", pr_comment("/driftbot fix"))
    assert action.api.lines() == [PERMISSION, REACTION, f"GET {REPO}/pulls/1", f"POST {REPO}/issues/1/comments"]
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.FORK_FIX.format(login="Codertocat")
    assert action.remote.refs() == before


@pytest.mark.parametrize("gone", ["merged", "closed", "branch deleted"])
def test_fix_command_on_a_closed_pr_or_deleted_branch_replies_once_and_pushes_nothing(
    action: ActionRun, gone: str
) -> None:
    open_pull(action)
    if gone == "branch deleted":  # the pull request still reads as open: deleted after the comment
        git(action.remote.bare, "update-ref", "-d", "refs/heads/changes")
    else:
        action.api.state.pulls[1] |= {
            "state": "closed",
            "merged_at": "2026-01-21T10:00:00Z" if gone == "merged" else None,
        }
    before = action.remote.refs()

    assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0

    assert action.api.lines() == [PERMISSION, REACTION, f"GET {REPO}/pulls/1", f"POST {REPO}/issues/1/comments"]
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.BRANCH_GONE.format(
        login="Codertocat", branch="`changes`"
    )
    assert action.remote.refs() == before


def test_unauthorized_fix_gets_a_polite_reply_and_nothing_else(action: ActionRun) -> None:
    open_pull(action)
    action.api.state.permissions["Codertocat"] = "read"
    before = action.remote.refs()

    assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0

    assert action.api.lines() == [PERMISSION, f"GET {REPO}/issues/1/comments", f"POST {REPO}/issues/1/comments"]
    assert [c.line for c in action.api.writes()] == [f"POST {REPO}/issues/1/comments"]
    assert action.api.calls[2].body["body"] == commands.UNAUTHORIZED_MARKER + commands.UNAUTHORIZED.format(
        login="Codertocat", command="`/driftbot fix`"
    )
    assert action.remote.refs() == before


def test_help_and_unknown_commands(action: ActionRun) -> None:
    action.run("issue_comment", pr_comment("/driftbot help"))
    assert action.api.lines() == [PERMISSION, REACTION, f"POST {REPO}/issues/1/comments"]
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.HELP

    action.api.calls.clear()
    action.run("issue_comment", pr_comment("/driftbot frobnicate"))
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.UNKNOWN.format(
        login="Codertocat", command="`/driftbot frobnicate`"
    )


@pytest.mark.parametrize(
    "payload",
    [
        pr_comment("/driftbot fix", action="edited"),
        pr_comment("/driftbot fix", action="deleted"),
        issue_comment("/driftbot fix"),  # a plain issue, not a PR
        pr_comment("/driftbot fix", login="github-actions[bot]", user_type="Bot"),
        pr_comment(f"{commands.REPLY_MARKER}/driftbot fix"),  # driftbot's own reply under a PAT user
        pr_comment("LGTM, but what does /driftbot fix do?"),  # not a command line
    ],
    ids=["edited", "deleted", "issue", "bot", "own-reply", "no-command"],
)
def test_comments_that_are_ignored_make_no_call(action: ActionRun, payload: dict[str, object]) -> None:
    assert action.run("issue_comment", payload) == 0
    assert action.api.calls == []
    assert action.outputs()["pull-request-operation"] == "none"


def test_fix_command_with_nothing_to_fix_says_so(action: ActionRun) -> None:
    sha = action.remote.push_commit("refs/heads/changes", {CONFIG: clean_config()}, message="fixed by hand")
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": sha}
    action.run("issue_comment", pr_comment("/driftbot fix"))
    assert action.api.lines() == [PERMISSION, REACTION, f"GET {REPO}/pulls/1", f"POST {REPO}/issues/1/comments"]
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.NOTHING_TO_FIX.format(
        login="Codertocat", sha=sha[:7]
    )
    assert action.remote.head("refs/heads/changes") == sha


def test_fix_command_never_overwrites_a_push_made_meanwhile(action: ActionRun, monkeypatch: pytest.MonkeyPatch) -> None:
    open_pull(action)
    real_fix = pipeline.fix

    def fix_while_someone_pushes(tree: Path, options: pipeline.AuditOptions) -> pipeline.FixOutcome:
        action.remote.push_commit("refs/heads/changes", {"NOTES.md": "mine\n"}, base="changes")
        return real_fix(tree, options)

    monkeypatch.setattr(pipeline, "fix", fix_while_someone_pushes)
    theirs_before = action.api.state.pulls[1]["head_sha"]
    action.run("issue_comment", pr_comment("/driftbot fix"))

    tip = action.remote.head("refs/heads/changes")
    assert git(action.remote.bare, "rev-parse", f"{tip}^") == theirs_before  # their commit, untouched
    assert git(action.remote.bare, "show", "-s", "--format=%ce", tip) == "octo@example.com"
    assert action.api.calls[-1].body["body"] == commands.REPLY_MARKER + commands.BRANCH_MOVED.format(
        login="Codertocat", branch="`changes`"
    )


def test_the_fix_count_is_the_findings_that_went_away_not_the_difference_in_counts() -> None:
    def finding(rule: str, symbol: str) -> Finding:
        return Finding(rule, Severity.HIGH, Location(CONFIG, 1, 1), f"{rule} {symbol}", symbol=symbol)

    stale, other, new = finding("unknown-name", "a"), finding("unknown-name", "b"), finding("missing-name", "c")
    before = Report(findings=(stale, stale, other), files_scanned=1)
    after = Report(findings=(stale, new), files_scanned=1)  # a fix that removes two and causes one

    assert pipeline.fixed_findings(before, after) == [stale, other]  # len(before) - len(after) says 1
