"""`schedule` / `workflow_dispatch`: exactly one auto-fix PR, kept in step with the default branch.

The `workflow_dispatch` payload is a real example; `schedule` is built by hand (the examples
package has none). Pushes go to a real bare repository.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from github_harness import CONFIG, TOKEN, ActionRun, clean_config, drifted_config, git
from github_payloads import schedule, workflow_dispatch

from driftbot.github import autofix, runner
from driftbot.github.gitrepo import BOT_EMAIL
from driftbot.report import escape

REPO = "/repos/octo-org/octo-repo"
BRANCH = "driftbot/autofix"
LIST = f"GET {REPO}/pulls"


def test_dispatch_opens_one_fix_pr(action: ActionRun) -> None:
    master = action.remote.head("master")
    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST, LIST, f"POST {REPO}/pulls"]
    assert action.api.calls[0].query == {"state": "open", "head": f"octo-org:{BRANCH}"}
    assert action.api.calls[1].query == {"state": "closed", "head": f"octo-org:{BRANCH}"}  # none declined
    created = action.api.calls[2].body
    assert (created["head"], created["base"], created["title"]) == (
        BRANCH,
        "master",
        "driftbot: fix 1 drift finding(s)",
    )
    body = created["body"]
    assert body.startswith(autofix.MARKER + "\ndriftbot fixed 1 of 1 finding(s) on `master` at ")
    assert "| `unknown-name` | 1 | 0 |" in body
    assert "| **total** | **1** | **0** |" in body
    assert f"| `unknown-name` | `{CONFIG}:32:9` | `br_roster` | `br_rosters_current` |" in body

    tip = action.remote.head(f"refs/heads/{BRANCH}")
    assert git(action.remote.bare, "rev-parse", f"{tip}^") == master
    assert git(action.remote.bare, "show", "-s", "--format=%ce", tip) == BOT_EMAIL
    assert action.remote.file(tip, CONFIG) == clean_config()  # `driftbot fix`: one token, alignment kept
    assert action.outputs() == {
        "findings": "1",
        "drift": "true",
        "report": ".git/driftbot-report.json",
        "pull-request-number": "101",
        "pull-request-operation": "created",
        "max-severity": "high",
        "new-findings": "1",  # no dashboard: every finding is new
        "sarif-file": ".git/driftbot.sarif",
    }
    assert "```diff\n" in action.summary()


def test_rerun_changes_nothing(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    tip = action.remote.head(f"refs/heads/{BRANCH}")
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST]  # found the PR; same commit, same body: nothing to write
    assert action.remote.head(f"refs/heads/{BRANCH}") == tip
    assert action.outputs()["pull-request-operation"] == "none"
    assert len(action.api.state.pulls) == 1


def test_schedule_rebuilds_the_branch_when_the_default_branch_moves(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    old_tip = action.remote.head(f"refs/heads/{BRANCH}")
    master = action.remote.push_commit("refs/heads/master", {"docs.md": "new docs\n"}, message="docs")
    action.api.calls.clear()

    assert action.run("schedule", schedule(), repository="octo-org/octo-repo") == 0

    tip = action.remote.head(f"refs/heads/{BRANCH}")
    assert tip != old_tip
    assert git(action.remote.bare, "rev-parse", f"{tip}^") == master
    assert action.api.lines() == [LIST, f"PATCH {REPO}/pulls/101"]
    assert action.outputs()["pull-request-operation"] == "updated"


def test_clean_default_branch_closes_the_pr_and_deletes_the_branch(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    master = action.remote.push_commit("refs/heads/master", {CONFIG: clean_config()}, message="fix by hand")
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST, f"PATCH {REPO}/pulls/101"]
    patch = action.api.calls[1].body
    assert patch == {
        "state": "closed",
        "body": autofix.CLOSED.format(marker=autofix.MARKER, base="master", sha=master[:7]),
    }
    assert action.remote.branches() == ["master"]
    assert action.outputs()["pull-request-operation"] == "closed"
    assert action.outputs()["drift"] == "false"


def test_a_person_s_commit_on_the_branch_is_left_alone(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    theirs = action.remote.push_commit(
        f"refs/heads/{BRANCH}", {"NOTES.md": "my tweak\n"}, base=action.remote.head(f"refs/heads/{BRANCH}")
    )
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.remote.head(f"refs/heads/{BRANCH}") == theirs
    assert action.api.lines() == [LIST, f"PATCH {REPO}/pulls/101"]
    note = autofix.FOREIGN.format(sha=theirs[:7], author=escape.markdown("Octo Cat <octo@example.com>"), branch=BRANCH)
    assert action.api.calls[1].body["body"].startswith(f"{autofix.MARKER}\n{note}driftbot fixed 1 of 1")
    assert note in action.summary()

    action.api.calls.clear()
    action.run("workflow_dispatch", workflow_dispatch())
    assert action.api.lines() == [LIST]  # already said so: no second edit
    assert action.remote.head(f"refs/heads/{BRANCH}") == theirs


def test_a_pr_closed_without_merging_declines_the_fix_until_the_drift_changes(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    tip = action.remote.head(f"refs/heads/{BRANCH}")
    # The maintainer closes PR #101 unmerged; GitHub keeps the head it had when it was closed.
    action.api.state.pulls[101] |= {"state": "closed", "head_sha": tip}
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST, LIST]  # open ones, then closed ones: no reopen, no new PR
    assert [c.query["state"] for c in action.api.calls] == ["open", "closed"]
    assert action.api.calls[1].query["head"] == f"octo-org:{BRANCH}"
    assert list(action.api.state.pulls) == [101]
    assert action.remote.head(f"refs/heads/{BRANCH}") == tip
    assert action.outputs()["pull-request-operation"] == "none"
    assert autofix.DECLINED.format(number=101, sha=tip[:7]) in action.summary()

    # The drift changes (the default branch moves): a new commit, so a new proposal.
    master = action.remote.push_commit("refs/heads/master", {"docs.md": "new docs\n"}, message="docs")
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST, LIST, f"POST {REPO}/pulls"]
    new_tip = action.remote.head(f"refs/heads/{BRANCH}")
    assert git(action.remote.bare, "rev-parse", f"{new_tip}^") == master
    assert action.outputs()["pull-request-number"] == "102"
    assert action.outputs()["pull-request-operation"] == "created"


def test_a_merged_pr_of_the_same_commit_is_no_reason_to_hold_back(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    tip = action.remote.head(f"refs/heads/{BRANCH}")
    merged = {"state": "closed", "head_sha": tip, "merged_at": "2026-01-21T06:17:00Z"}
    action.api.state.pulls[101] |= merged  # merged elsewhere, say; only a close without merge declines
    action.api.calls.clear()

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert action.api.lines() == [LIST, LIST, f"POST {REPO}/pulls"]
    assert action.outputs()["pull-request-operation"] == "created"


def test_a_pr_opened_meanwhile_by_another_run_is_updated_not_duplicated(action: ActionRun) -> None:
    action.run("workflow_dispatch", workflow_dispatch())
    action.api.calls.clear()
    # This run lists PRs before the other run's PR shows up, then GitHub refuses a second one.
    action.api.inject("GET", f"{REPO}/pulls", 200, [])

    assert action.run("workflow_dispatch", workflow_dispatch()) == 0

    assert [(c.line, c.status) for c in action.api.calls] == [
        (LIST, 200),
        (LIST, 200),  # closed ones: none declined
        (f"POST {REPO}/pulls", 422),
        (LIST, 200),
    ]
    assert action.api.calls[2].prism_status == 201  # the request itself was valid
    assert len(action.api.state.pulls) == 1
    assert action.outputs()["pull-request-number"] == "101"


def test_two_runs_at_once_make_one_pr_and_one_commit(action: ActionRun, tmp_path: Path) -> None:
    event = tmp_path / "dispatch.json"
    event.write_text(__import__("json").dumps(workflow_dispatch()))
    workspaces = []
    for name in ("ws1", "ws2"):
        git(tmp_path, "clone", "--quiet", str(action.remote.bare), str(tmp_path / name))
        workspaces.append(tmp_path / name)
    codes: list[int] = []

    def one_run(workspace: Path) -> None:
        environ = {
            **os.environ,
            "GITHUB_EVENT_NAME": "workflow_dispatch",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_REPOSITORY": "octo-org/octo-repo",
            "GITHUB_API_URL": action.api.url,
            "GITHUB_WORKSPACE": str(workspace),
            "INPUT_GITHUB-TOKEN": TOKEN,
            "DRIFTBOT_API_SECONDS_BETWEEN_REQUESTS": "0",
            "DRIFTBOT_API_SECONDS_BETWEEN_WRITES": "0",
        }
        codes.append(runner.run(environ))

    threads = [threading.Thread(target=one_run, args=(ws,)) for ws in workspaces]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert codes == [0, 0]
    assert list(action.api.state.pulls) == [101]
    tip = action.remote.head(f"refs/heads/{BRANCH}")
    assert git(action.remote.bare, "rev-parse", f"{tip}^") == action.remote.head("master")


def test_dry_run_writes_nothing(action: ActionRun) -> None:
    assert action.run("workflow_dispatch", workflow_dispatch(), dry_run="true") == 0
    assert action.api.calls == []
    assert action.remote.branches() == ["master"]
    assert "```diff\n" in action.summary()
    assert drifted_config() == (action.remote.workspace / CONFIG).read_text()  # the checkout is untouched
