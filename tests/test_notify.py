"""`driftbot audit --notify URL`, end to end against a real HTTP server on 127.0.0.1 that records each message."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from driftbot.cli import main
from driftbot.errors import EXIT_NOTIFY
from driftbot.notify import webhook
from driftbot.report.fingerprint import fingerprint
from example_helpers import PHASE2_TABLES, ROOT

SECRET = "/services/T000/B000/XXXXsecretXXXX"
PHASE2 = list(PHASE2_TABLES)
WRITTEN = "(exit 4; the report itself was written)"
ODD = "jobs/<!channel> & co.py"  # a file name written to ping a Slack channel, were it not escaped


@dataclass
class Receiver:
    """A webhook receiver: answers from `script` (status, body, delay) in turn, then 200 "ok"."""

    server: ThreadingHTTPServer
    script: list[tuple[int, str, float]] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{SECRET}"

    def messages(self) -> list[Any]:
        return [json.loads(body) for _, _, body in self.requests]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec = box[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            rec.requests.append((self.path, dict(self.headers.items()), body))
            status, text, delay = rec.script.pop(0) if rec.script else (200, "ok", 0.0)
            time.sleep(delay)
            payload = text.encode()
            try:
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"http://127.0.0.1:{self.server.server_address[1]}/elsewhere")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(server))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box[0]
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook, "RETRY_PAUSE", 0.0)
    monkeypatch.delenv("DRIFTBOT_NOTIFY_URL", raising=False)


def listing(values: list[str]) -> str:
    return "PHASE2_PROCESSORS = [\n" + "".join(f"    '{v}',\n" for v in values) + "]\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "nba-props"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    (repo / "jobs").mkdir()
    (repo / "jobs" / "good.py").write_text(listing(PHASE2))
    (repo / ODD).write_text(listing([*PHASE2[:5], "br_roster"]))
    return repo


def run(repo: Path, state: Path, url: str, *extra: str) -> int:
    argv = ["audit", str(repo), "--no-cache", "--notify", url, "--notify-state", str(state), *extra]
    return main(argv)


STALE_SECTION = (
    "*high* `unknown-name` 'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?\n"
    "• jobs/&lt;!channel&gt; &amp; co.py:7:5"
)
FIX_STEP = "1 finding can be fixed automatically: run `driftbot fix` (`driftbot fix --dry-run` shows the diff first)."


def test_new_drift_posts_once_and_again_only_when_more_appears(
    repo: Path, tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    assert run(repo, state, receiver.url) == 1
    err = capsys.readouterr().err
    assert err == "driftbot: notified http://127.0.0.1/… of 1 new finding(s) at high or above\n"
    assert len(receiver.requests) == 1
    path, headers, _ = receiver.requests[0]
    assert path == SECRET
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert receiver.messages() == [
        {
            "text": "driftbot: 1 new finding at high or above in nba-props",
            "blocks": [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": "*driftbot* found 1 new finding at *high* or above in nba-props (2 open in all).",
                    },
                },
                {"type": "section", "text": {"type": "mrkdwn", "text": STALE_SECTION}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": FIX_STEP}]},
            ],
        }
    ]
    saved = json.loads(state.read_text())
    assert saved["v"] == 1
    assert len(saved["since"]) == 2  # both open findings are dated, the medium one too
    first_state = state.read_text()

    # Nothing new: nothing posted, the dates kept.
    assert run(repo, state, receiver.url) == 1
    assert capsys.readouterr().err == "driftbot: no new drift at high or above; nothing posted\n"
    assert len(receiver.requests) == 1
    assert state.read_text() == first_state

    # A second stale name appears in another file: only it is announced.
    (repo / "jobs" / "other.py").write_text(listing([*PHASE2[:3], "nbac_schedul", *PHASE2[4:]]))
    assert run(repo, state, receiver.url) == 1
    assert len(receiver.requests) == 2
    second = receiver.messages()[1]
    assert second["text"] == "driftbot: 1 new finding at high or above in nba-props"
    assert second["blocks"][1]["text"]["text"] == (
        "*high* `unknown-name` 'nbac_schedul' is not a phase 2 processor in the SSOT; "
        "did you mean 'nbac_schedule'?\n• jobs/other.py:5:5"
    )
    assert set(json.loads(state.read_text())["since"].values()) == set(saved["since"].values())
    capsys.readouterr()

    # Fixed drift leaves the state: when it comes back, it is new again.
    (repo / "jobs" / "other.py").unlink()
    assert run(repo, state, receiver.url) == 1
    assert state.read_text() == first_state
    (repo / "jobs" / "other.py").write_text(listing([*PHASE2[:3], "nbac_schedul", *PHASE2[4:]]))
    assert run(repo, state, receiver.url) == 1
    assert len(receiver.requests) == 3


def test_notify_on_lowers_the_bar(repo: Path, tmp_path: Path, receiver: Receiver) -> None:
    assert run(repo, tmp_path / "s.json", receiver.url, "--notify-on", "medium") == 1
    (message,) = receiver.messages()
    assert message["text"] == "driftbot: 2 new findings at medium or above in nba-props"
    assert [b["text"]["text"].split("`")[1] for b in message["blocks"][1:3]] == ["unknown-name", "copy-divergence"]
    assert "jobs/&lt;!channel&gt; &amp; co.py" in message["blocks"][2]["text"]["text"]
    assert "<" not in json.dumps(message)  # no `<!channel>`, `<@U…>` or `<url|text>` from the repository


def test_a_failed_post_is_retried_once_then_exit_4_without_the_url(
    repo: Path, tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state.json"
    receiver.script = [(500, "server_error", 0.0), (503, "unavailable", 0.0)]
    assert run(repo, state, receiver.url) == EXIT_NOTIFY
    out, err = capsys.readouterr()
    assert err == (
        "driftbot: --notify: posting to http://127.0.0.1/… failed: HTTP 503 'unavailable' (after 2 attempts) "
        "(exit 4; the report itself was written)\n"
    )
    assert "high  unknown-name" in out  # the report went out first
    assert "secret" not in out + err
    assert len(receiver.requests) == 2
    assert not state.exists()  # so the next run tries again
    assert list(tmp_path.glob(".state.json*")) == []
    receiver.script = [(500, "server_error", 0.0)]  # then 200: the retry gets through
    assert run(repo, state, receiver.url) == 1
    assert len(receiver.requests) == 4
    assert receiver.requests[2][2] == receiver.requests[3][2]
    assert state.exists()


@pytest.mark.parametrize(
    ("script", "why", "attempts"),
    [
        ([(404, "no_service", 0.0)], "HTTP 404 'no_service'", 1),  # a client error is not retried
        ([(302, "", 0.0)], "HTTP 302", 1),  # a POST is not redirected elsewhere
        ([(200, "ok", 2.0), (200, "ok", 2.0)], "no answer within 0.3 s (after 2 attempts)", 2),
    ],
)
def test_post_failures_are_one_line(
    repo: Path,
    tmp_path: Path,
    receiver: Receiver,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    script: list[tuple[int, str, float]],
    why: str,
    attempts: int,
) -> None:
    monkeypatch.setattr(webhook, "TIMEOUT", 0.3)
    receiver.script = list(script)
    assert run(repo, tmp_path / "s.json", receiver.url) == EXIT_NOTIFY
    err = capsys.readouterr().err
    assert err == f"driftbot: --notify: posting to http://127.0.0.1/… failed: {why} {WRITTEN}\n"
    assert len(receiver.requests) == attempts


def test_nobody_listening(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]
    assert run(repo, tmp_path / "s.json", f"https://127.0.0.1:{port}{SECRET}") == EXIT_NOTIFY
    err = capsys.readouterr().err
    assert err.startswith("driftbot: --notify: posting to https://127.0.0.1/… failed: cannot connect (")
    assert err.endswith(f" (after 2 attempts) {WRITTEN}\n")
    assert "secret" not in err


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/services/XXXXsecretXXXX", "file:///etc/XXXXsecretXXXX", "XXXXsecretXXXX", "http://:80/x"],
)
def test_only_http_urls_and_never_shown(
    url: str, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(repo, tmp_path / "s.json", url) == 2
    assert capsys.readouterr() == ("", f"driftbot: {webhook.BAD_URL}\n")


def test_the_state_file_is_required_and_a_corrupt_one_is_an_error(
    repo: Path, tmp_path: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(repo), "--notify", receiver.url]) == 2
    assert capsys.readouterr().err == (
        "driftbot: --notify needs --notify-state PATH: the file that remembers which drift was already announced\n"
    )
    state = tmp_path / "state.json"
    for text, why in [
        ("{", "not JSON (Expecting property name enclosed in double quotes at line 1)"),
        ('{"since": {}}', 'not a driftbot state (expected {"v": 1, "since": {...}})'),
        ('{"v": 1, "since": {"ab": "yesterday"}}', "fingerprint 'ab': 'yesterday' is not a YYYY-MM-DD date"),
    ]:
        state.write_text(text)
        assert run(repo, state, receiver.url) == 2
        assert capsys.readouterr().err == (
            f"driftbot: {state}: not a driftbot notify state ({why}); "
            "delete it to start over (every open finding is then new)\n"
        )
    assert receiver.requests == []
    assert run(repo, tmp_path / "missing-dir" / "state.json", receiver.url) == 2
    assert "cannot write notify state: No such file or directory" in capsys.readouterr().err
    assert receiver.requests == []  # an unwritable state is found before anything is posted


def test_the_url_may_come_from_the_environment(
    repo: Path, tmp_path: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DRIFTBOT_NOTIFY_URL", receiver.url)  # kept out of the process list
    assert main(["audit", str(repo), "--no-cache", "--notify-state", str(tmp_path / "s.json")]) == 1
    assert len(receiver.requests) == 1


def test_an_incomplete_audit_forgets_no_date(repo: Path, tmp_path: Path, receiver: Receiver) -> None:
    from driftbot.ftypes import Location, Report
    from driftbot.notify import notify
    from driftbot.rules.catalog import finding

    state = tmp_path / "s.json"
    old = finding("unknown-name", Location("a.py", 1, 1), "old", actual="x", expected="y", confidence="certain")
    hook = webhook.Webhook.parse(receiver.url)
    day1, day2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    notify(Report((old,), 1), webhook=hook, state_path=state, level=old.severity, where="r", today=day1)
    unreachable = finding("inventory-unreachable", Location("bigquery://p", 0, 0), "timeout")
    later = Report((unreachable,), 1)
    outcome = notify(later, webhook=hook, state_path=state, level=old.severity, where="r", today=day2, incomplete=True)
    assert outcome.posted == 1  # the unreachable inventory is news; the old drift it could not check is not
    since = json.loads(state.read_text())["since"]
    assert since == {fingerprint(old): "2026-01-01", fingerprint(unreachable): "2026-01-02"}


def test_the_webhook_never_shows_its_url() -> None:
    hook = webhook.Webhook.parse("https://hooks.slack.com/services/T0/B0/XXXXsecretXXXX")
    assert "secret" not in repr(hook)
    assert "secret" not in str(hook)
    assert hook.shown == "https://hooks.slack.com/…"
    assert hook.redact("bad https://hooks.slack.com/services/T0/B0/XXXXsecretXXXX") == "bad https://hooks.slack.com/…"
