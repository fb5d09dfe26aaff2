"""Issue 16, the bot's side: a hostile pull request or commenter against the GitHub Action.

Each case runs the real `driftbot action` against real git repositories and the prism mock of
GitHub's REST API (every request validated against GitHub's OpenAPI description), with real
webhook payloads. Cases: hooks and repo config that would run programs, where the token lives,
marker spoofing (comment and dashboard), mention/link/HTML injection (command reply, finding
values, the auto-fix PR table), reply flooding, control characters, forged workflow commands,
and a pull request's config choosing what the workflow's credentials read.
"""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "github"))

from githttp import GitHttpServer, basic
from github_fixtures import action, api, github_mock, remote
from github_harness import CONFIG, TOKEN, ActionRun, clean_config, drifted_config, git
from github_payloads import pr_comment, pull_request_opened, schedule, workflow_dispatch
from github_recorder import RecordingProxy

from driftbot.cli import main
from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.github import autofix, commands, comment, dashboard, pipeline
from driftbot.github.gitrepo import Git

__all__ = ["action", "api", "github_mock", "remote"]  # fixtures, imported for this module

REPO = "/repos/Codertocat/Hello-World"
BRANCH = "driftbot/autofix"
HOOKS = (
    "post-checkout",
    "pre-commit",
    "prepare-commit-msg",
    "commit-msg",
    "post-commit",
    "pre-push",
    "reference-transaction",
    "post-index-change",
    "pre-auto-gc",
)
INJECTED = "@org/security-team [x](https://evil.example) <img src=x onerror=alert(1)> #1"


# -- what GitHub would render live --------------------------------------------------------

CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def live(markdown: str) -> str:
    """The text GitHub renders as markdown: everything outside code spans and fenced blocks."""
    markdown = re.sub(r"^(`{3,}).*?^\1", "", markdown, flags=re.DOTALL | re.MULTILINE)
    return CODE_SPAN.sub(" ", markdown)


OWN_LINK = re.compile(r"\[[^\]\n]*\]\(https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/[^)\s]*#L\d+\)")


def pings(markdown: str) -> list[str]:
    """Mentions, references, links, autolinks and raw HTML that `markdown` would render live."""
    text = OWN_LINK.sub("", live(markdown))  # driftbot's own links to the audited commit's lines
    found = re.findall(r"(?:^|[^\w`])(@[A-Za-z0-9][\w-]*(?:/[\w-]+)?)", text)
    found += re.findall(r"(?:^|[^\w&])(#\d+)", text)
    found += re.findall(r"(?<!\\)\[[^\]\n]*(?<!\\)\]\(", text)
    found += re.findall(r"(?i)\b(?:https?://|www\.)\S+", text)
    found += re.findall(r"<(?!!--|/?(?:sub|details|summary)>)[A-Za-z/][^>]*>", text)  # driftbot's own tags aside
    return found


def cells(row: str) -> list[str]:
    """A table row's cells, split at unescaped pipes (GitHub splits there even inside code spans)."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip().strip("|"))]


# -- 1. git runs nothing the repository planted, and the token never lands in a file ------------


def plant(workspace: Path, marks: Path, how: str) -> None:
    """Programs a tampered checkout could make git run; each leaves a file in `marks` if it ever runs."""
    marks.mkdir()
    hooks = workspace / ".git" / "hooks" if how == "hooks dir" else workspace.parent / "evil-hooks"
    hooks.mkdir(exist_ok=True)
    for name in HOOKS:
        (hooks / name).write_text(f'#!/bin/sh\ntouch "{marks}/{name}"\ncat >/dev/null 2>&1 || true\n')
        (hooks / name).chmod(0o755)
    if how == "core.hooksPath":
        git(workspace, "config", "core.hooksPath", str(hooks))
    program = workspace.parent / "evil-program"
    # A filter or textconv must pass the content on (`cat`); anything else fails at once, never hangs.
    program.write_text(
        f'#!/bin/sh\ntouch "{marks}/$1"\ncase "$1" in clean|smudge) exec cat;; textconv) exec cat "$2";; esac\nexit 1\n'
    )
    program.chmod(0o755)
    git(workspace, "config", "core.fsmonitor", str(program))
    git(workspace, "config", "filter.evil.clean", f"{program} clean")
    git(workspace, "config", "filter.evil.smudge", f"{program} smudge")
    git(workspace, "config", "diff.evil.textconv", f"{program} textconv")
    git(workspace, "config", "commit.gpgSign", "true")
    git(workspace, "config", "gpg.program", str(program))
    git(workspace, "config", "remote.origin.receivepack", f"{program} receivepack; git-receive-pack")
    (workspace / ".git" / "info").mkdir(exist_ok=True)
    (workspace / ".git" / "info" / "attributes").write_text("* filter=evil diff=evil\n")


@pytest.mark.parametrize("how", ["hooks dir", "core.hooksPath"])
@pytest.mark.parametrize("run", ["/driftbot fix", "scheduled auto-fix"])
def test_hooks_and_programs_planted_in_the_checkout_never_run(
    action: ActionRun, tmp_path: Path, how: str, run: str
) -> None:
    marks = tmp_path / "marks"
    plant(action.remote.workspace, marks, how)
    if run == "/driftbot fix":
        sha = action.remote.push_commit("refs/heads/changes", {"README.md": "hello\n"}, message="docs")
        git(action.remote.bare, "update-ref", "refs/pull/1/head", sha)
        action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": sha}
        assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0
        pushed = action.remote.head("refs/heads/changes")
        assert pushed != sha
    else:
        assert action.run("workflow_dispatch", workflow_dispatch()) == 0
        pushed = action.remote.head(f"refs/heads/{BRANCH}")
    assert action.remote.file(pushed, CONFIG) == clean_config()  # git did its work: worktree, commit, push
    assert sorted(p.name for p in marks.iterdir()) == []


def test_a_filter_driver_whose_name_holds_an_equals_sign_is_emptied_too(tmp_path: Path) -> None:
    """`-c filter.a=b.clean=` would set `filter.a` (git splits at the first `=`), leaving `a=b`'s program;
    the overrides travel as `GIT_CONFIG_*` variables, which take the key whole."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    mark = tmp_path / "ran"
    git(repo, "config", "filter.a=b.clean", f"touch {mark}")
    git(repo, "config", "filter.a=b.required", "true")
    (repo / ".gitattributes").write_text("* filter=a=b\n")
    (repo / "x.txt").write_text("x\n")
    Git(repo).run("add", "-A")
    assert Git(repo).run("ls-files") == ".gitattributes\nx.txt"
    assert not mark.exists()


@pytest.fixture
def http_remote(action: ActionRun, tmp_path: Path) -> Iterator[GitHttpServer]:
    """The bare repository served over HTTP with the token required; the checkout points at it."""
    served = tmp_path / "served"
    served.mkdir()
    (served / "remote.git").symlink_to(action.remote.bare)
    server = GitHttpServer(served, TOKEN)
    git(action.remote.workspace, "remote", "set-url", "origin", f"{server.url}/remote.git")
    yield server
    server.stop()


def token_files(root: Path) -> list[str]:
    """Files under `root` that hold the token, raw or base64-encoded as an HTTP header."""
    needles = (TOKEN.encode(), base64.b64encode(f"x-access-token:{TOKEN}".encode()))
    return [
        str(p)
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink() and any(n in p.read_bytes() for n in needles)
    ]


@pytest.mark.parametrize("left_over", [False, True], ids=["no-checkout-credentials", "stale-checkout-header"])
def test_the_token_reaches_git_only_through_the_push_environment(
    action: ActionRun, http_remote: GitHttpServer, monkeypatch: pytest.MonkeyPatch, left_over: bool
) -> None:
    workspace = action.remote.workspace
    if left_over:  # what actions/checkout leaves with persist-credentials (here a stale token)
        git(workspace, "config", f"http.{http_remote.url}/.extraheader", f"AUTHORIZATION: {basic('ghs_stale')}")
    sha = action.remote.push_commit("refs/heads/changes", {"README.md": "hello\n"}, message="docs")
    git(action.remote.bare, "update-ref", "refs/pull/1/head", sha)
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": sha}
    during: list[str] = []
    real_fix = pipeline.fix

    def fix_and_look(tree: Path, options: pipeline.AuditOptions) -> None:
        real_fix(tree, options)
        during.extend(token_files(workspace) + token_files(tree))

    monkeypatch.setattr(pipeline, "fix", fix_and_look)

    assert action.run("issue_comment", pr_comment("/driftbot fix"), server_url=http_remote.url) == 0

    new = action.remote.head("refs/heads/changes")
    assert git(action.remote.bare, "rev-parse", f"{new}^") == sha  # fetched and pushed over HTTP
    assert during == []
    assert token_files(workspace) == []
    assert TOKEN not in (workspace / ".git" / "config").read_text()
    assert http_remote.seen
    assert all(auth == [basic(TOKEN)] for auth in http_remote.seen)  # one header each time: ours


def test_a_remote_on_another_host_never_gets_the_token(action: ActionRun, http_remote: GitHttpServer) -> None:
    # The checkout's remote points away from the GitHub server (a tampered .git/config, say).
    sha = action.remote.push_commit("refs/heads/changes", {"README.md": "hello\n"}, message="docs")
    git(action.remote.bare, "update-ref", "refs/pull/1/head", sha)
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": sha}

    assert action.run("issue_comment", pr_comment("/driftbot audit"), server_url="https://github.com") == 2

    assert http_remote.seen
    assert all(auth == [] for auth in http_remote.seen)


# -- 2. only the bot's own comment and dashboard are adopted ------------------------------------


OUTSIDER = {"login": "mallory", "type": "User", "id": 666}


def outsider_comment(api: RecordingProxy, number: int, body: str) -> dict[str, object]:
    spoof = {
        "id": 777,
        "body": body,
        "user": OUTSIDER,
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }
    api.state.comments.setdefault(number, []).append(spoof)
    return spoof


def test_an_outsiders_comment_carrying_the_marker_is_never_edited_adopted_or_deleted(action: ActionRun) -> None:
    spoof = outsider_comment(action.api, 2, f"{comment.MARKER}\nhijacked: see https://evil.example")
    action.run("pull_request", pull_request_opened())
    assert action.api.lines()[-1] == f"POST {REPO}/issues/2/comments"  # its own comment, not an edit
    action.run("pull_request", pull_request_opened())  # again: its own comment is found, still not theirs

    assert [c.line for c in action.api.writes() if "/issues/" in c.path] == [f"POST {REPO}/issues/2/comments"]
    assert spoof in action.api.state.comments[2]
    assert spoof["body"] == f"{comment.MARKER}\nhijacked: see https://evil.example"


def test_an_outsiders_driftbot_dashboard_issue_is_left_alone(action: ActionRun) -> None:
    body = f"{dashboard.MARKER}\n# driftbot dashboard\n\nclick [here](https://evil.example)"
    action.api.state.issues[50] = {
        "number": 50,
        "title": dashboard.TITLE,
        "body": body,
        "labels": [dashboard.LABEL],
        "user": OUTSIDER,
    }
    assert action.run("schedule", schedule(), dashboard="true") == 0
    assert action.api.lines()[-1] == "POST /repos/Codertocat/Hello-World/issues"
    assert action.api.state.issues[50]["body"] == body
    assert [c.path for c in action.api.writes()].count("/repos/Codertocat/Hello-World/issues/50") == 0


# -- 3. nothing user- or repo-controlled renders live ---------------------------------------------


def test_an_unauthorized_command_cannot_break_out_of_its_code_span(action: ActionRun) -> None:
    action.api.state.permissions["Codertocat"] = "read"
    action.run("issue_comment", pr_comment("/driftbot x`@org/security-team`[link](https://evil.example)"))
    reply = action.api.writes()[-1].body["body"]
    assert pings(reply) == ["@Codertocat"]  # the commenter, and nothing they typed
    assert "@org/security-team" in reply  # shown, inside the code span


def test_finding_values_render_as_text_in_the_pr_comment_and_check_run(action: ActionRun) -> None:
    hostile = drifted_config().replace("'br_roster',", f"'{INJECTED}',", 1)
    (action.remote.workspace / CONFIG).write_text(hostile)
    action.run("pull_request", pull_request_opened())

    posted = next(c.body["body"] for c in action.api.writes() if c.path.endswith("/comments"))
    summary = next(c.body["output"]["summary"] for c in action.api.writes() if c.path.endswith("/check-runs"))
    for markdown in (posted, summary, action.summary()):
        assert "security-team" in markdown
        assert pings(markdown) == []


def test_backticks_and_pipes_cannot_break_the_autofix_table() -> None:
    where = Location("config/`odd|name`.py", 3, 5)
    fixed = Finding("unknown-name", Severity.HIGH, where, "m", actual="a`|b``c", expected="`d|`", fixable=True)
    body = autofix.render_body(
        before=Report(findings=(fixed,), files_scanned=1),
        after=Report(findings=(), files_scanned=1),
        base="master",
        sha="0" * 40,
        branch=BRANCH,
    )
    rows = [line for line in body.splitlines() if line.startswith("| `unknown-name`")]
    assert len(rows) == 2
    assert [len(cells(r)) for r in rows] == [3, 4]
    assert pings(body) == []


def test_fifty_unauthorized_commands_get_one_reply(action: ActionRun) -> None:
    action.api.state.permissions["Codertocat"] = "read"
    for _ in range(50):
        assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0
    replies = [c for c in action.api.writes() if c.line == f"POST {REPO}/issues/1/comments"]
    assert len(replies) == 1
    assert action.api.writes() == replies  # nothing else written either


def test_an_old_reply_or_someone_elses_does_not_silence_the_next_one(action: ActionRun) -> None:
    action.api.state.permissions["Codertocat"] = "read"
    outsider_comment(action.api, 1, commands.UNAUTHORIZED_MARKER + "a fake reply")  # not the bot's
    action.run("issue_comment", pr_comment("/driftbot fix"))
    (own,) = [c for c in action.api.state.comments[1] if c["user"]["login"] == "github-actions[bot]"]
    own["created_at"] = own["updated_at"] = "2020-01-01T00:00:00Z"  # more than an hour ago
    action.run("issue_comment", pr_comment("/driftbot fix"))
    assert len([c for c in action.api.writes() if c.method == "POST"]) == 2


def test_control_characters_never_reach_the_terminal_markdown_or_workflow_log(
    action: ActionRun, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = drifted_config().replace("'br_roster',", "'br_\\x1b[2J\\x1b]0;pwned\\x07roster\\r',", 1)
    (action.remote.workspace / CONFIG).write_text(hostile)
    action.run("pull_request", pull_request_opened())
    main(["audit", str(action.remote.workspace)])
    out = capsys.readouterr()

    written = [s for c in action.api.writes() for s in strings(c.body)]
    for text in (out.out, out.err, action.summary(), *written):
        assert re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text) is None, repr(text)
    assert "br_[2J]0;pwnedroster" in out.out  # the value is shown, without its control characters


def strings(value: object) -> Iterator[str]:
    """Every string in a decoded JSON body."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)


NEWLINE_NAME = "copies/x.py\n::warning title=forged::pwned\n##[error]forged too\n.py"


def test_a_newline_in_a_file_name_cannot_forge_a_workflow_command(
    action: ActionRun, capsys: pytest.CaptureFixture[str]
) -> None:
    target = action.remote.workspace / NEWLINE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(drifted_config())
    action.run("push", {"repository": {"full_name": "Codertocat/Hello-World"}})  # audit mode: annotations
    main(["audit", str(action.remote.workspace)])
    out = capsys.readouterr()

    lines = (out.out + out.err).splitlines()
    assert any("pwned" in line for line in lines)  # the file was reported
    forged = [line for line in lines if line.lstrip().startswith("::warning title=forged") or "##[" in line]
    assert forged == []


# -- 4. a pull request's settings do not choose what the credentials read -------------------------


@pytest.fixture
def bigquery_requests(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A BigQuery endpoint that records every request (none should come)."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(500)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("DRIFTBOT_BIGQUERY_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    yield seen
    server.shutdown()
    server.server_close()


HOSTILE_CONFIG = 'exclude: ["**"]\ninventory: ["bigquery://any-project?datasets=x&timeout=1"]\n'
HOSTILE_IGNORE = 'ignore:\n  - rule: "*"\n    reason: "trust me"\n'


@pytest.mark.parametrize("event", ["pull_request_target", "issue_comment"])
def test_a_pr_config_cannot_choose_inventories_or_excludes(
    action: ActionRun, bigquery_requests: list[str], event: str
) -> None:
    head = action.remote.push_commit(
        "refs/pull/2/head" if event == "pull_request_target" else "refs/heads/changes",
        {".driftbot.yml": HOSTILE_CONFIG, ".driftbot-ignore.yml": HOSTILE_IGNORE},
        message="settings",
    )
    if event == "pull_request_target":
        payload = pull_request_opened()
        payload["pull_request"]["head"]["sha"] = head
        code = action.run(event, payload)
        number = 2
    else:
        git(action.remote.bare, "update-ref", "refs/pull/1/head", head)
        action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": head}
        code = action.run(event, pr_comment("/driftbot audit"))
        number = 1

    from driftbot.github import trust

    assert bigquery_requests == []
    assert code == (1 if event == "pull_request_target" else 0)
    assert action.outputs()["findings"] == "1"  # the drift is still reported: not excluded, not ignored
    check = next(c.body for c in action.api.writes() if c.path.endswith("/check-runs"))
    assert (check["head_sha"], check["conclusion"]) == (head, "failure")
    note = trust.note([".driftbot.yml", ".driftbot-ignore.yml"], action.remote.head("master"))
    posted = action.api.state.comments[number][-1]["body"]
    assert note in posted
    assert note in check["output"]["summary"]
    assert note in action.summary()


def test_fix_uses_the_trusted_settings_and_leaves_the_prs_own_in_place(action: ActionRun) -> None:
    head = action.remote.push_commit("refs/heads/changes", {".driftbot.yml": HOSTILE_CONFIG}, message="settings")
    git(action.remote.bare, "update-ref", "refs/pull/1/head", head)
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": head}

    assert action.run("issue_comment", pr_comment("/driftbot fix")) == 0

    new = action.remote.head("refs/heads/changes")
    assert git(action.remote.bare, "diff", "--name-only", head, new) == CONFIG  # `exclude: **` was not obeyed
    assert action.remote.file(new, ".driftbot.yml") == HOSTILE_CONFIG  # and the PR's file is untouched


def test_on_pull_request_the_pr_config_still_applies(action: ActionRun) -> None:
    """`pull_request` runs the PR's own workflow file, without secrets for forks: nothing to protect."""
    (action.remote.workspace / ".driftbot.yml").write_text('exclude: ["**"]\n')
    assert action.run("pull_request", pull_request_opened()) == 0
    assert action.outputs()["findings"] == "0"


def test_git_commands_see_no_global_or_system_config(tmp_path: Path) -> None:

    repo = tmp_path / "r"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    shown = Git(repo).run("config", "--show-scope", "--list")
    scopes = {line.split("\t", 1)[0] for line in shown.splitlines()}
    assert scopes <= {"local", "command"}
    assert "command\tcore.hookspath=/dev/null" in shown


def test_the_escaping_rules() -> None:
    from driftbot.report import escape

    wj, zw = escape.WORD_JOINER, escape.ZERO_WIDTH_SPACE
    assert escape.markdown("@org/team [x](https://e.example) <b>|`#7") == (
        f"@{wj}org/team \\[x\\](https{wj}://e.example) &lt;b&gt;\\|\\`#{wj}7"
    )
    assert escape.code("a`b``c") == "```a`b``c```"
    assert escape.code("`x|y`", table=True) == "`` `x\\|y` ``"
    assert escape.fence("```\nx", "diff") == "````diff\n```\nx\n````"
    assert escape.terminal("a\x1b[31m\r\n  ::warning::x ##[error]y") == f"a[31m\n  {zw}::warning::x ##{zw}[error]y"
    assert escape.one_line("a\nb\tc\u202ed") == "a b cd"


def test_sarif_carries_no_control_characters() -> None:
    from driftbot.report.sarif import render_sarif

    bad = Finding("unknown-name", Severity.HIGH, Location("a.py", 1, 1), "'x\x1b[2J' is odd", actual="x\x1b[2J")
    text = render_sarif(Report(findings=(bad,), files_scanned=1))
    assert "\\u001b" not in text
    assert "\x1b" not in text
