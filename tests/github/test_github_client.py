"""API behaviour: rate limits honour Retry-After, the token never shows, bad input is one line."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from github_harness import TOKEN, ActionRun
from github_payloads import pull_request_opened
from pydantic import SecretStr

from driftbot.cli import main
from driftbot.errors import DriftbotError
from driftbot.github.client import ApiSettings, GitHubApi
from driftbot.github.env import ActionsEnv, workflow_command

REPO = "/repos/Codertocat/Hello-World"
SECONDARY = {
    "message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
}


def test_secondary_rate_limit_waits_retry_after_then_succeeds(action: ActionRun) -> None:
    action.api.inject("POST", f"{REPO}/check-runs", 403, SECONDARY, headers={"Retry-After": "1"})
    started = time.monotonic()
    action.run("pull_request", pull_request_opened())
    waited = time.monotonic() - started

    posts = [c.status for c in action.api.calls if c.line == f"POST {REPO}/check-runs"]
    assert posts == [403, 201]
    assert waited >= 1.0


def test_too_many_requests_is_retried(action: ActionRun) -> None:
    action.api.inject("GET", f"{REPO}/issues/2/comments", 429, {"message": "slow down"}, headers={"Retry-After": "0"})
    action.run("pull_request", pull_request_opened())
    assert [c.status for c in action.api.calls if c.line == f"GET {REPO}/issues/2/comments"] == [429, 200]


def test_retries_give_up_with_a_clear_message(action: ActionRun, capsys: pytest.CaptureFixture[str]) -> None:
    action.api.inject("POST", f"{REPO}/check-runs", 503, {"message": "unavailable"}, times=10)
    assert action.run("pull_request", pull_request_opened()) == 2
    err = capsys.readouterr().err
    assert (
        err == "driftbot: GitHub API: create check run failed: gave up after retries (too many 503 error responses)\n"
    )
    assert len(err.splitlines()) == 1
    assert [c.status for c in action.api.calls if c.line == f"POST {REPO}/check-runs"] == [503] * 6  # 1 + 5 retries


def test_the_token_never_shows(
    action: ActionRun, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # everything PyGithub, requests and urllib3 log
    action.api.inject("POST", f"{REPO}/issues/2/comments", 500, {"message": "boom"}, times=10)
    assert action.run("pull_request", pull_request_opened()) == 2

    out, err = capsys.readouterr()
    env = ActionsEnv.from_environ(
        {"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "o/r", "INPUT_GITHUB-TOKEN": TOKEN}
    )
    settings = ApiSettings("https://api.github.com", SecretStr(TOKEN))
    shown = [out, err, caplog.text, action.summary(), str(action.outputs()), repr(env), repr(settings)]
    shown.append(repr(GitHubApi(settings, "o/r")))
    assert "Retry: /repos/Codertocat/Hello-World/issues/2/comments" in caplog.text  # debug logging was on
    assert [TOKEN in text for text in shown] == [False] * len(shown)
    assert env.inputs.token.get_secret_value() == TOKEN


def test_bad_event_payload_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    event = tmp_path / "event.json"
    event.write_text('{"action": "opened"}')
    for key, value in {
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_REPOSITORY": "o/r",
        "INPUT_GITHUB-TOKEN": TOKEN,
    }.items():
        monkeypatch.setenv(key, value)
    assert main(["action"]) == 2
    out, err = capsys.readouterr()
    assert err == "driftbot: pull_request event payload: pull_request: Field required\n"
    assert out == "::error title=driftbot::pull_request event payload: pull_request: Field required\n"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "INPUT_MODE",
            "sideways",
            "input mode: unknown mode 'sideways' (choose from auto, pull-request, comment, autofix, audit)",
        ),
        (
            "INPUT_FAIL-ON",
            "severe",
            "input fail-on: unknown severity 'severe' (choose from info, low, medium, high, critical)",
        ),
        ("INPUT_AUTOFIX-BRANCH", "bad..name", "input autofix-branch: 'bad..name' is not a valid branch name"),
        ("INPUT_DRY-RUN", "yes", "input dry-run: expected true or false, got 'yes'"),
    ],
)
def test_bad_inputs_are_one_line(name: str, value: str, message: str) -> None:
    with pytest.raises(DriftbotError) as caught:
        ActionsEnv.from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "o/r", name: value})
    assert caught.value.message == message


def test_workflow_commands_are_escaped() -> None:
    line = workflow_command("error", "50% done\nnext", file="a,b.py", line=3, title="x: y")
    assert line == "::error file=a%2Cb.py,line=3,title=x%3A y::50%25 done%0Anext"
