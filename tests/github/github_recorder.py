"""A recording proxy in front of prism: the one fake GitHub of the test suite.

Every request goes on to prism, which validates it against GitHub's REST description (a request
that breaks the spec comes back 422 and is recorded as such). The proxy records each call so tests
can assert the exact sequence the bot sent.

Prism is stateless: it answers with the same example whatever was written before. The bot's whole
point is to find what it wrote last time (its comment, its check run, its pull request), so the
proxy keeps that little state itself and overlays it on prism's answer, taking prism's
(spec-shaped) example as the template. That overlay is the fake part, and it is kept to the
resources the bot reads back. Faults (5xx, rate limits, a read-only token) are injected here too.
"""

from __future__ import annotations

import copy
import datetime as dt
import http.client
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_LOGIN = "github-actions[bot]"
USER_LOGIN = "octocat"  # GET /user's example: whom a user token (a PAT) writes as
INSTALLATION_TOKEN_PREFIX = "ghs_"


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int  # what the client got
    prism_status: int | None  # what prism said (None: injected fault, prism not asked)
    violations: str | None  # prism's `sl-violations` header on a 422

    @property
    def line(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int


@dataclass
class State:
    """What GitHub would remember between runs. Tests seed `pulls` and `permissions`."""

    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # issue number -> comments
    check_runs: list[dict[str, Any]] = field(default_factory=list)
    pulls: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> overrides
    permissions: dict[str, str] = field(default_factory=dict)  # login -> admin/write/read/none
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)  # number -> title/body/state/labels (dashboard)
    pull_files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # number -> filename/status/patch
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # pull number -> reviews (suggestions)
    review_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # review id -> its comments
    next_id: int = 9000


Overlay = Callable[["RecordingProxy", re.Match[str], dict[str, str], Any, int, Any], tuple[int, Any]]
REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"


class RecordingProxy:
    def __init__(self) -> None:
        self.upstream = urlsplit("http://127.0.0.1:9")  # set by connect() once prism runs
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.state = State()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.request = threading.local()  # the request being answered (its token decides who writes)

    def connect(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.faults.clear()
            self.state = State()

    def inject(
        self,
        method: str,
        path: str,
        status: int,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` requests matching `method` and the `path` regex with `status`."""
        self.faults.append(Fault(method, re.compile(path), status, body, headers or {}, times))

    def lines(self) -> list[str]:
        return [c.line for c in self.calls]

    def writes(self) -> list[Call]:
        return [c for c in self.calls if c.method != "GET"]

    # -- request handling -------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        split = urlsplit(target)
        query = dict(parse_qsl(split.query))
        body = json.loads(raw) if raw else None
        self.request.authorization = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        with self.lock:
            fault = self._take_fault(method, split.path)
        if fault is not None:
            self._record(Call(method, split.path, query, body, fault.status, None, None))
            payload = json.dumps(fault.body).encode() if fault.body is not None else b""
            return fault.status, {"Content-Type": "application/json", **fault.headers}, payload
        status, out_headers, payload = self._forward(method, target, headers, raw)
        prism_status, violations = status, out_headers.get("sl-violations")
        if status < 400:
            status, payload = self._overlay(method, split.path, query, body, status, payload)
        self._record(
            Call(method, split.path, query, body, status, prism_status, violations if prism_status == 422 else None)
        )
        return status, {"Content-Type": "application/json"}, payload

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method and fault.path.fullmatch(path) and fault.times > 0:
                fault.times -= 1
                return fault
        return None

    def _record(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)

    def _forward(
        self, method: str, target: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        forwarded = {k: v for k, v in headers.items() if k.lower() not in {"host", "content-length", "connection"}}
        # PyGithub asks for GitHub media types (`vnd.github.v3+json`, the reactions preview) that
        # GitHub answers with JSON; the spec lists only `application/json`, so prism would say 406.
        if "vnd.github" in forwarded.get("Accept", ""):
            forwarded["Accept"] = "application/json"
        conn = http.client.HTTPConnection(self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=30)
        try:
            conn.request(method, target, body=raw or None, headers=forwarded)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def _overlay(
        self, method: str, path: str, query: dict[str, str], body: Any, status: int, payload: bytes
    ) -> tuple[int, bytes]:
        for verb, pattern, overlay in OVERLAYS:
            match = pattern.fullmatch(path)
            if verb == method and match:
                template = json.loads(payload) if payload else None
                with self.lock:
                    new_status, data = overlay(self, match, query, body, status, template)
                return new_status, (json.dumps(data).encode() if data is not None else b"")
        return status, payload

    def new_id(self) -> int:
        self.state.next_id += 1
        return self.state.next_id

    def author(self) -> dict[str, Any]:
        """Who writes with the current request's token: an app's bot, or the user of a PAT."""
        token = str(getattr(self.request, "authorization", "")).split()[-1:] or [""]
        if token[0].startswith(INSTALLATION_TOKEN_PREFIX):
            return {"login": BOT_LOGIN, "type": "Bot", "id": 41898282}
        return {"login": USER_LOGIN, "type": "User", "id": 1}


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _handler(proxy: RecordingProxy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, payload = proxy.handle(self.command, self.path, dict(self.headers.items()), raw)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


# -- the overlay: state GitHub would keep, shaped like prism's example ---------------------


def _list_comments(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    foreign = tpl  # the example's comments stand for what people wrote on the PR
    found = foreign + p.state.comments.get(int(m["number"]), [])
    if "since" in q:  # ISO 8601 UTC strings compare in time order
        found = [c for c in found if c["updated_at"] >= q["since"]]
    return status, found


def _create_comment(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    number, cid = int(m["number"]), p.new_id()
    base = f"{p.url}/repos/{m['owner']}/{m['repo']}"
    comment = {
        **tpl,
        "id": cid,
        "body": body["body"],
        "url": f"{base}/issues/comments/{cid}",
        "issue_url": f"{base}/issues/{number}",
        "user": {**tpl["user"], **p.author()},
        "created_at": now(),
        "updated_at": now(),
    }
    p.state.comments.setdefault(number, []).append(comment)
    return status, comment


def _find_comment(p: RecordingProxy, cid: int) -> tuple[list[dict[str, Any]], dict[str, Any]] | None:
    for comments in p.state.comments.values():
        for comment in comments:
            if comment["id"] == cid:
                return comments, comment
    return None


def _edit_comment(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    found = _find_comment(p, int(m["id"]))
    if found is None:
        return 404, {"message": "Not Found"}
    found[1]["body"] = body["body"]
    return status, found[1]


def _delete_comment(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    found = _find_comment(p, int(m["id"]))
    if found is None:
        return 404, {"message": "Not Found"}
    found[0].remove(found[1])
    return status, None


def _list_check_runs(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    runs = [r for r in p.state.check_runs if r["head_sha"] == m["ref"] and r["name"] == q.get("check_name", r["name"])]
    return status, {"total_count": len(runs), "check_runs": runs}


def _create_check_run(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    rid = p.new_id()
    run = {**tpl, "id": rid, "url": f"{p.url}/repos/{m['owner']}/{m['repo']}/check-runs/{rid}"}
    _apply_check_run(run, body)
    p.state.check_runs.append(run)
    return status, run


def _apply_check_run(run: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("name", "head_sha", "external_id", "status", "conclusion"):
        if key in body:
            run[key] = body[key]
    if "output" in body:
        count = run["output"].get("annotations_count", 0) if "annotations_count" in run.get("output", {}) else 0
        run["output"] = {
            **run["output"],
            "title": body["output"].get("title"),
            "summary": body["output"].get("summary"),
            "annotations_count": count + len(body["output"].get("annotations", [])),
        }


def _update_check_run(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    for run in p.state.check_runs:
        if run["id"] == int(m["id"]):
            _apply_check_run(run, body)
            return status, run
    return 404, {"message": "Not Found"}


def _pull_json(p: RecordingProxy, tpl: dict[str, Any], owner: str, repo: str, pull: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(tpl)
    number = pull["number"]
    out.update(number=number, state=pull.get("state", "open"), title=pull.get("title", out["title"]))
    out["merged_at"] = pull.get("merged_at")  # prism's example is a merged PR; ours are not unless told
    out["body"] = pull.get("body", out.get("body"))
    out["url"] = f"{p.url}/repos/{owner}/{repo}/pulls/{number}"
    out["head"].update(ref=pull["head_ref"], sha=pull.get("head_sha", out["head"]["sha"]))
    out["head"]["repo"]["full_name"] = pull.get("head_repo", f"{owner}/{repo}")
    out["base"]["ref"] = pull.get("base_ref", out["base"]["ref"])
    out["base"]["sha"] = pull.get("base_sha", out["base"]["sha"])
    return out


def _list_pulls(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    owner_head = q.get("head", "")
    wanted_ref = owner_head.split(":", 1)[-1]
    found = [
        _pull_json(p, tpl[0], m["owner"], m["repo"], pull)
        for pull in p.state.pulls.values()
        if (not wanted_ref or pull["head_ref"] == wanted_ref)
        and q.get("state", "open") in ("all", pull.get("state", "open"))
    ]
    return status, found


def _create_pull(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    head = body["head"].split(":", 1)[-1]
    if any(pull["head_ref"] == head and pull.get("state", "open") == "open" for pull in p.state.pulls.values()):
        # What GitHub answers when a second PR is opened for the same branch.
        message = f"A pull request already exists for {m['owner']}:{head}."
        errors = [{"resource": "PullRequest", "code": "custom", "message": message}]
        return 422, {"message": "Validation Failed", "errors": errors, "documentation_url": "https://docs.github.com"}
    number = max([*p.state.pulls, 100]) + 1
    pull = {
        "number": number,
        "head_ref": head,
        "base_ref": body["base"],
        "title": body["title"],
        "body": body.get("body"),
    }
    p.state.pulls[number] = pull
    return status, _pull_json(p, tpl, m["owner"], m["repo"], pull)


def _get_pull(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    pull = p.state.pulls.get(int(m["number"]))
    if pull is None:
        return status, tpl
    return status, _pull_json(p, tpl, m["owner"], m["repo"], pull)


def _update_pull(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    pull = p.state.pulls.get(int(m["number"]))
    if pull is None:
        return 404, {"message": "Not Found"}
    pull.update({k: v for k, v in body.items() if k in ("state", "title", "body")})
    return status, _pull_json(p, tpl, m["owner"], m["repo"], pull)


def _list_pull_files(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    # GitHub's diff of the PR against its merge base, seeded by the test from real git; prism's example is the template.
    files = p.state.pull_files.get(int(m["number"]))
    if files is None:
        return status, tpl
    out = []
    for changed in files:
        item = {**copy.deepcopy(tpl[0]), "filename": changed["filename"], "status": changed["status"]}
        item.pop("previous_filename", None)
        if changed.get("patch") is None:
            item.pop("patch", None)  # GitHub sends none for a large or binary file
        else:
            item["patch"] = changed["patch"]
        out.append(item)
    return status, out


def _permission(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    level = p.state.permissions.get(m["user"], "admin")
    role = {"admin": "admin", "write": "write", "read": "read", "none": "read"}[level]
    return status, {**tpl, "permission": level, "role_name": role, "user": {**tpl["user"], "login": m["user"]}}


def _issue_json(p: RecordingProxy, tpl: dict[str, Any], owner: str, repo: str, issue: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(tpl)
    number = issue["number"]
    out.update(number=number, title=issue["title"], body=issue.get("body"), state=issue.get("state", "open"))
    out["url"] = f"{p.url}/repos/{owner}/{repo}/issues/{number}"
    out["html_url"] = f"https://github.com/{owner}/{repo}/issues/{number}"
    out.pop("pull_request", None)
    out["user"] = {**out["user"], **issue.get("user", {"login": BOT_LOGIN, "type": "Bot", "id": 41898282})}
    label = out["labels"][0] if out.get("labels") and isinstance(out["labels"][0], dict) else {}
    out["labels"] = [{**label, "name": name} for name in issue.get("labels", [])]
    return out


def _label_names(labels: list[Any]) -> list[str]:
    return [str(label["name"] if isinstance(label, dict) else label) for label in labels]


def _list_issues(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    # GitHub's filters the dashboard uses: `state` and `labels` (comma-separated, all required).
    wanted = {name for name in q.get("labels", "").split(",") if name}
    found = [
        _issue_json(p, tpl[0], m["owner"], m["repo"], issue)
        for issue in sorted(p.state.issues.values(), key=lambda i: i["number"])
        if q.get("state", "open") in ("all", issue.get("state", "open")) and wanted <= set(issue.get("labels", []))
    ]
    return status, found


def _search_issues(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    # Enough of GitHub's search syntax for the dashboard: `repo:o/r`, `is:open`, `in:title "words"`.
    repo = re.search(r"repo:(\S+)/(\S+)", q.get("q", ""))
    words = re.search(r'in:title "([^"]*)"', q.get("q", ""))
    owner, name = (repo.group(1), repo.group(2)) if repo else ("o", "r")
    found = [
        {**_issue_json(p, tpl["items"][0], owner, name, issue), "score": 1.0}
        for issue in sorted(p.state.issues.values(), key=lambda i: i["number"])
        if (words is None or words.group(1).lower() in issue["title"].lower())
        and ("is:open" not in q.get("q", "") or issue.get("state", "open") == "open")
    ]
    return status, {"total_count": len(found), "incomplete_results": False, "items": found}


def _create_issue(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    number = max([*p.state.issues, *p.state.pulls, 100]) + 1
    issue = {"number": number, "title": body["title"], "body": body.get("body"), "state": "open", "user": p.author()}
    issue["labels"] = _label_names(body.get("labels", []))
    p.state.issues[number] = issue
    return status, _issue_json(p, tpl, m["owner"], m["repo"], issue)


def _update_issue(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    issue = p.state.issues.get(int(m["number"]))
    if issue is None:
        return 404, {"message": "Not Found"}
    issue.update({k: v for k, v in body.items() if k in ("state", "title", "body")})
    if "labels" in body:
        issue["labels"] = _label_names(body["labels"])
    return status, _issue_json(p, tpl, m["owner"], m["repo"], issue)


def _list_reviews(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    return status, tpl + p.state.reviews.get(int(m["number"]), [])  # the example's review is someone else's


def _create_review(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    number, rid = int(m["number"]), p.new_id()
    base = f"{p.url}/repos/{m['owner']}/{m['repo']}/pulls/{number}"
    review = {
        **tpl,
        "id": rid,
        "body": body.get("body", ""),
        "commit_id": body["commit_id"],
        "state": "COMMENTED",
        "user": {**tpl["user"], **p.author()},
        "pull_request_url": base,
    }
    p.state.reviews.setdefault(number, []).append(review)
    p.state.review_comments[rid] = [
        {**c, "id": p.new_id(), "pull_request_review_id": rid, "commit_id": body["commit_id"]}
        for c in body.get("comments", [])
    ]
    return status, review


def _edit_review(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    for review in p.state.reviews.get(int(m["number"]), []):
        if review["id"] == int(m["id"]):
            review["body"] = body["body"]
            return status, review
    return 404, {"message": "Not Found"}


def _list_review_comments(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    url = f"{p.url}/repos/{m['owner']}/{m['repo']}/pulls/comments"
    return status, [{**tpl[0], **c, "url": f"{url}/{c['id']}"} for c in p.state.review_comments.get(int(m["id"]), [])]


def _delete_review_comment(
    p: RecordingProxy, m: re.Match[str], q: dict[str, str], body: Any, status: int, tpl: Any
) -> tuple[int, Any]:
    for comments in p.state.review_comments.values():
        for c in comments:
            if c["id"] == int(m["id"]):
                comments.remove(c)
                return status, None
    return 404, {"message": "Not Found"}


OVERLAYS: list[tuple[str, re.Pattern[str], Overlay]] = [
    (verb, re.compile(REPO + pattern), overlay)
    for verb, pattern, overlay in [
        ("GET", r"/issues/(?P<number>\d+)/comments", _list_comments),
        ("POST", r"/issues/(?P<number>\d+)/comments", _create_comment),
        ("PATCH", r"/issues/comments/(?P<id>\d+)", _edit_comment),
        ("DELETE", r"/issues/comments/(?P<id>\d+)", _delete_comment),
        ("GET", r"/commits/(?P<ref>[^/]+)/check-runs", _list_check_runs),
        ("POST", r"/check-runs", _create_check_run),
        ("PATCH", r"/check-runs/(?P<id>\d+)", _update_check_run),
        ("GET", r"/pulls", _list_pulls),
        ("POST", r"/pulls", _create_pull),
        ("GET", r"/pulls/(?P<number>\d+)", _get_pull),
        ("GET", r"/pulls/(?P<number>\d+)/files", _list_pull_files),
        ("PATCH", r"/pulls/(?P<number>\d+)", _update_pull),
        ("GET", r"/collaborators/(?P<user>[^/]+)/permission", _permission),
        ("GET", r"/issues", _list_issues),
        ("POST", r"/issues", _create_issue),
        ("PATCH", r"/issues/(?P<number>\d+)", _update_issue),
        ("GET", r"/pulls/(?P<number>\d+)/reviews", _list_reviews),
        ("POST", r"/pulls/(?P<number>\d+)/reviews", _create_review),
        ("PUT", r"/pulls/(?P<number>\d+)/reviews/(?P<id>\d+)", _edit_review),
        ("GET", r"/pulls/(?P<number>\d+)/reviews/(?P<id>\d+)/comments", _list_review_comments),
        ("DELETE", r"/pulls/comments/(?P<id>\d+)", _delete_review_comment),
    ]
]
OVERLAYS.append(("GET", re.compile(r"/search/issues"), _search_issues))  # not under /repos/
