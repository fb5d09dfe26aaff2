"""`pull_request`: check run, one living comment, job summary, outputs; fork PRs fall back."""

from __future__ import annotations

import json

import pytest
from github_harness import CONFIG, TOKEN, ActionRun, clean_config, drifted_config
from github_payloads import example, fork_pull_request, pull_request_opened
from github_prism import free_port
from github_recorder import BOT_LOGIN

from driftbot.github import checks, comment, runner

REPO = "/repos/Codertocat/Hello-World"
HEAD = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"  # the example payload's head sha
RENAME = "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"
RENAME_DRIFT = "| `unknown-name` | `'br_roster'` -> `'br_rosters_current'`"
BLOB = f"https://github.com/Codertocat/Hello-World/blob/{HEAD}/{CONFIG}#L32"


def test_drifted_pr_gets_a_failing_check_and_one_comment(action: ActionRun) -> None:
    code = action.run("pull_request", pull_request_opened())

    assert code == 1  # a finding at or above fail-on (low)
    assert action.api.lines() == [
        f"GET {REPO}/commits/{HEAD}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
        f"POST {REPO}/issues/2/comments",
    ]
    listed, created, _, posted = action.api.calls
    assert listed.query == {"check_name": "driftbot"}
    body = created.body
    assert (body["name"], body["head_sha"], body["status"], body["conclusion"]) == (
        "driftbot",
        HEAD,
        "completed",
        "failure",
    )
    assert body["details_url"] == "https://github.com/Codertocat/Hello-World/actions/runs/4242"
    assert body["output"]["title"] == "1 finding(s), 1 at or above low"
    assert body["output"]["annotations"] == [
        {
            "path": CONFIG,
            "start_line": 32,
            "end_line": 32,
            "annotation_level": "failure",
            "title": "unknown-name (high)",
            "message": RENAME,
            "raw_details": "actual: br_roster\nexpected: br_rosters_current",
        }
    ]
    assert posted.body["body"].startswith(f"{comment.MARKER}\n<sub>driftbot audited {HEAD[:7]}</sub>\n\n")
    assert RENAME_DRIFT in posted.body["body"]
    assert f"[{CONFIG}:32]({BLOB}) |\n" in posted.body["body"]
    assert "comment `/driftbot fix` on this pull request" in posted.body["body"]
    assert action.outputs() == {
        "findings": "1",
        "drift": "true",
        "report": ".git/driftbot-report.json",
        "pull-request-number": "2",
        "pull-request-operation": "none",
        "max-severity": "high",
        "new-findings": "1",
        "sarif-file": ".git/driftbot.sarif",
    }
    report = json.loads((action.remote.workspace / ".git/driftbot-report.json").read_text())
    assert [(f["rule"], f["path"], f["line"]) for f in report["findings"]] == [("unknown-name", CONFIG, 32)]
    summary = action.summary()
    assert summary.startswith("## driftbot\n")
    assert "```mermaid" in summary
    assert RENAME_DRIFT in summary
    assert f"[{CONFIG}:32]({BLOB}) |\n" in summary


def test_rerunning_the_same_event_writes_nothing(action: ActionRun) -> None:
    action.run("pull_request", pull_request_opened())
    first = len(action.api.calls)

    assert action.run("pull_request", pull_request_opened()) == 1

    again = action.api.calls[first:]
    assert [c.line for c in again] == [f"GET {REPO}/commits/{HEAD}/check-runs", f"GET {REPO}/issues/2/comments"]
    assert len(action.api.state.check_runs) == 1
    assert [c["user"]["login"] for c in action.api.state.comments[2]] == [BOT_LOGIN]


def test_new_push_edits_the_comment_in_place_and_resolves_it_when_clean(action: ActionRun) -> None:
    action.run("pull_request", pull_request_opened())
    (comment_id,) = [c["id"] for c in action.api.state.comments[2]]
    action.api.calls.clear()

    # The author fixes the drift and pushes: a `synchronize` event with a new head.
    (action.remote.workspace / CONFIG).write_text(clean_config())
    payload = pull_request_opened()
    payload["action"] = "synchronize"
    payload["pull_request"]["head"]["sha"] = "1" * 40
    assert action.run("pull_request", payload) == 0

    assert action.api.lines() == [
        f"GET {REPO}/commits/{'1' * 40}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
        f"PATCH {REPO}/issues/comments/{comment_id}",
    ]
    check = action.api.calls[1].body
    assert (check["conclusion"], check["output"]["title"]) == ("success", checks.TITLE_CLEAN)
    assert "annotations" not in check["output"]
    assert action.api.calls[3].body == {"body": comment.RESOLVED}
    assert action.outputs()["drift"] == "false"


def test_a_duplicate_comment_from_racing_runs_is_removed(action: ActionRun) -> None:
    action.run("pull_request", pull_request_opened())
    kept = action.api.state.comments[2][0]
    action.api.state.comments[2].append({**kept, "id": kept["id"] + 1})  # a second run raced us
    action.api.calls.clear()

    action.run("pull_request", pull_request_opened())

    assert action.api.lines() == [
        f"GET {REPO}/commits/{HEAD}/check-runs",
        f"GET {REPO}/issues/2/comments",
        f"DELETE {REPO}/issues/comments/{kept['id'] + 1}",
    ]
    assert [c["id"] for c in action.api.state.comments[2]] == [kept["id"]]


def test_clean_pr_without_earlier_comment_stays_silent(action: ActionRun) -> None:
    (action.remote.workspace / CONFIG).write_text(clean_config())
    assert action.run("pull_request", pull_request_opened()) == 0
    assert action.api.lines() == [
        f"GET {REPO}/commits/{HEAD}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
    ]


@pytest.mark.parametrize(("fail_on", "conclusion", "code"), [("high", "failure", 1), ("critical", "neutral", 0)])
def test_fail_on_sets_the_conclusion(action: ActionRun, fail_on: str, conclusion: str, code: int) -> None:
    assert action.run("pull_request", pull_request_opened(), fail_on=fail_on) == code
    created = action.api.calls[1].body
    assert created["conclusion"] == conclusion
    level = created["output"]["annotations"][0]["annotation_level"]
    assert level == ("failure" if conclusion == "failure" else "warning")


def test_annotations_go_out_50_per_request(action: ActionRun) -> None:
    for i in range(120):  # 120 stale copies: 120 findings
        (action.remote.workspace / f"copies/c{i:03}.py").parent.mkdir(exist_ok=True)
        (action.remote.workspace / f"copies/c{i:03}.py").write_text((action.remote.workspace / CONFIG).read_text())
    action.run("pull_request", pull_request_opened())

    writes = [c for c in action.api.calls if "check-runs" in c.path and c.method != "GET"]
    assert [(c.method, len(c.body["output"]["annotations"]), c.body.get("status")) for c in writes] == [
        ("POST", 50, "in_progress"),
        ("PATCH", 50, None),
        ("PATCH", 21, "completed"),
    ]
    assert writes[-1].body["conclusion"] == "failure"
    run_id = action.api.state.check_runs[0]["id"]
    assert writes[1].path == writes[2].path == f"{REPO}/check-runs/{run_id}"


def test_fork_pr_uses_workflow_annotations_and_makes_no_call(
    action: ActionRun, capsys: pytest.CaptureFixture[str]
) -> None:
    assert action.run("pull_request", fork_pull_request()) == 1

    assert action.api.calls == []
    out = capsys.readouterr().out
    assert f"::error file={CONFIG},line=32,col=9,title=driftbot unknown-name (high)::{RENAME}" in out.splitlines()
    assert "the pull request comes from a fork, and its GITHUB_TOKEN is read-only" in action.summary()
    assert RENAME_DRIFT in action.summary()


def test_read_only_token_falls_back_instead_of_failing(action: ActionRun, capsys: pytest.CaptureFixture[str]) -> None:
    # A same-repo PR whose workflow lacks `checks: write`: GitHub answers 403 on the first write.
    action.api.inject(
        "POST",
        f"{REPO}/check-runs",
        403,
        {"message": "Resource not accessible by integration", "documentation_url": "https://docs.github.com"},
    )
    assert action.run("pull_request", pull_request_opened()) == 1

    assert action.api.lines() == [f"GET {REPO}/commits/{HEAD}/check-runs", f"POST {REPO}/check-runs"]
    assert f"::error file={CONFIG},line=32" in capsys.readouterr().out
    assert "Resource not accessible by integration" in action.summary()


def test_server_errors_are_retried(action: ActionRun) -> None:
    action.api.inject("POST", f"{REPO}/issues/2/comments", 502, {"message": "Bad Gateway"}, times=2)
    action.run("pull_request", pull_request_opened())
    posts = [c.status for c in action.api.calls if c.line == f"POST {REPO}/issues/2/comments"]
    assert posts == [502, 502, 201]


def test_an_api_failure_is_one_clear_line_and_exit_2(action: ActionRun, capsys: pytest.CaptureFixture[str]) -> None:
    action.api.inject("GET", f"{REPO}/issues/2/comments", 404, {"message": "Not Found"})
    assert action.run("pull_request", pull_request_opened()) == 2
    err = capsys.readouterr().err
    assert err == "driftbot: GitHub API: list comments of #2 failed: 404 Not Found\n"
    assert TOKEN not in err


def test_other_events_only_annotate_and_summarize(action: ActionRun, capsys: pytest.CaptureFixture[str]) -> None:
    payload = example("push")
    assert action.run("push", payload) == 1
    assert action.api.calls == []
    assert f"::error file={CONFIG},line=32,col=9" in capsys.readouterr().out
    assert action.outputs()["findings"] == "1"
    assert RENAME_DRIFT in action.summary()


def test_a_mode_that_does_not_fit_the_event_is_an_error(action: ActionRun, capsys: pytest.CaptureFixture[str]) -> None:
    assert action.run("push", example("push"), mode="pull-request") == 2
    assert capsys.readouterr().err == (
        "driftbot: mode pull-request needs a pull_request event, but this run was triggered by push\n"
    )
    assert action.api.calls == []


def test_pull_request_target_audits_the_fetched_pr_head_not_the_base_checkout(action: ActionRun) -> None:
    # pull_request_target checks out the BASE branch (drifted here); the PR, from a fork, fixes the drift.
    head = action.remote.push_commit("refs/pull/2/head", {CONFIG: clean_config()}, message="fix")
    payload = fork_pull_request()
    payload["pull_request"]["head"]["sha"] = head

    assert action.run("pull_request_target", payload) == 0

    # A write token even for a fork: check run on the audited head, and no comment for a clean head.
    assert action.api.lines() == [
        f"GET {REPO}/commits/{head}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
    ]
    created = action.api.calls[1].body
    assert (created["head_sha"], created["conclusion"], created["output"]["title"]) == (
        head,
        "success",
        checks.TITLE_CLEAN,
    )
    assert action.outputs()["findings"] == "0"
    assert (action.remote.workspace / CONFIG).read_text() == drifted_config()  # the base checkout is untouched


def unreachable_bigquery(monkeypatch: pytest.MonkeyPatch) -> str:
    """An inventory URL whose endpoint refuses connections: an inventory-unreachable finding, not an error."""
    monkeypatch.setenv("DRIFTBOT_BIGQUERY_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nothing listens
    return "bigquery://nba-props-platform?timeout=1"


def test_an_unreadable_inventory_exits_3_whatever_fail_on_says(
    action: ActionRun, capsys: pytest.CaptureFixture[str]
) -> None:
    (action.remote.workspace / CONFIG).write_text(clean_config())
    inventory = unreachable_bigquery(action.monkeypatch)

    assert action.run("pull_request", pull_request_opened(), fail_on="critical", inventory=inventory) == 3

    assert action.api.lines() == [
        f"GET {REPO}/commits/{HEAD}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
        f"POST {REPO}/issues/2/comments",
    ]
    created = action.api.calls[1].body
    assert created["conclusion"] == "neutral"  # the check follows fail-on; the exit code says "incomplete"
    assert [a["title"] for a in created["output"]["annotations"]] == ["inventory-unreachable (high)"]
    assert capsys.readouterr().err == runner.INCOMPLETE + "\n"
    assert action.outputs()["findings"] == "1"


def test_an_unreadable_inventory_exits_3_in_audit_mode_too(action: ActionRun) -> None:
    inventory = unreachable_bigquery(action.monkeypatch)
    assert action.run("push", example("push"), fail_on="critical", inventory=inventory) == 3
    assert action.api.calls == []


PAT = "ghp_TESTpersonalTokenDoNotLeak0123456789"


def test_with_a_pat_the_bot_is_the_tokens_user_and_adopts_only_that_users_comment(action: ActionRun) -> None:
    # A PAT is no installation token: GET /user names the account it writes as (prism: octocat).
    action.api.state.comments[2] = [
        {
            "id": 5,
            "body": f"{comment.MARKER}\nby someone else",
            "user": {"login": "mallory", "type": "User"},
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }
    ]
    action.run("pull_request", pull_request_opened(), github_token=PAT)
    assert action.api.lines()[-3:] == ["GET /user", f"GET {REPO}/issues/2/comments", f"POST {REPO}/issues/2/comments"]
    assert action.api.state.comments[2][-1]["user"]["login"] == "octocat"

    (action.remote.workspace / CONFIG).write_text(drifted_config().replace("'br_roster',", "'br_rosterz',", 1))
    action.api.calls.clear()
    action.run("pull_request", pull_request_opened(), github_token=PAT)
    own = action.api.state.comments[2][-1]["id"]
    assert action.api.lines()[-2:] == [f"GET {REPO}/issues/2/comments", f"PATCH {REPO}/issues/comments/{own}"]
    assert "GET /user" in action.api.lines()  # once per run
    assert action.api.state.comments[2][0]["body"] == f"{comment.MARKER}\nby someone else"


def test_when_get_user_is_refused_the_token_writes_as_an_app_bot(action: ActionRun) -> None:
    # An installation token in a format driftbot does not know: GET /user says 403, so the app's bot writes.
    action.api.inject("GET", "/user", 403, {"message": "Resource not accessible by integration"})
    action.run("pull_request", pull_request_opened(), github_token="v1.0123456789abcdef")
    first = action.api.state.comments[2][-1]
    action.api.calls.clear()
    first["user"] = {**first["user"], "login": "some-app[bot]", "type": "Bot"}
    first["body"] = first["body"] + "(old)"
    action.api.inject("GET", "/user", 403, {"message": "Resource not accessible by integration"})
    action.run("pull_request", pull_request_opened(), github_token="v1.0123456789abcdef")
    assert action.api.lines()[-1] == f"PATCH {REPO}/issues/comments/{first['id']}"
