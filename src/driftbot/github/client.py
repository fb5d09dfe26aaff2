"""The only PyGithub user: a small typed facade with exactly the calls the bot makes.

Every method is one REST call (a list may page). The client is built lazily (`lazy=True`), so
PyGithub never fetches an object just to reach a sub-resource. Retries: 5xx, 429 and secondary
rate limits back off (PyGithub's `GithubRetry` honours `Retry-After`), and PATCH is retried too
because it is idempotent. Failures become `ApiError`: one line, never the token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from github import Auth, Github, GithubException, GithubRetry
from github.File import File
from github.Issue import Issue
from github.PaginatedList import PaginatedList
from github.PullRequest import PullRequest
from github.Repository import Repository
from pydantic import SecretStr
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import RequestException, RetryError
from urllib3.util.retry import Retry

from driftbot.errors import EXIT_ERROR, DriftbotError
from driftbot.github.env import ApiTuning

T = TypeVar("T")
WRITE_ROLES = frozenset({"admin", "maintain", "write"})
INSTALLATION_TOKEN_PREFIX = "ghs_"  # GITHUB_TOKEN and every GitHub App installation token
PER_PAGE = 100  # the API's largest page


class ApiError(DriftbotError):
    def __init__(self, what: str, status: int | None, detail: str) -> None:
        shown = f"{status} {detail}" if status is not None else detail
        super().__init__(f"GitHub API: {what} failed: {shown}", EXIT_ERROR)
        self.status = status
        self.detail = detail

    @property
    def read_only(self) -> bool:
        """The token may not write here: a fork PR's GITHUB_TOKEN, or a missing `permissions:` scope."""
        return self.status == 403 and "not accessible" in self.detail.lower()


@dataclass(frozen=True)
class Identity:
    """Who the token writes as, so that the bot adopts only what it wrote itself.

    `login`: the account of a user token (a PAT), read once with GET /user. None: a GitHub App
    installation token (GITHUB_TOKEN is one), for which GET /user is refused; its comments are
    written by the app's bot account (`github-actions[bot]`, `<app>[bot]`), of type "Bot".
    Outsiders can neither post as a bot nor take a login ending in `[bot]`.
    """

    login: str | None

    def wrote(self, author: str, author_type: str) -> bool:
        if self.login is not None:
            return author.lower() == self.login.lower()
        return author_type == "Bot" and author.endswith("[bot]")


@dataclass(frozen=True)
class CommentInfo:
    id: int
    body: str
    author: str
    author_type: str = "User"
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class CheckRunInfo:
    id: int
    external_id: str | None
    status: str


@dataclass(frozen=True)
class PullInfo:
    number: int
    head_ref: str
    head_sha: str  # of a closed PR: the head when it was closed (later pushes do not move it)
    head_repo: str | None
    title: str
    body: str
    merged: bool
    state: str = "open"  # or "closed" (merged pull requests are closed too)
    base_sha: str = ""  # the base branch's tip when the pull request was last updated


@dataclass(frozen=True)
class ChangedFile:
    """One file of a pull request's diff. `patch` is None when GitHub sends none (large or binary)."""

    path: str
    status: str  # added, removed, modified, renamed, copied, changed, unchanged
    patch: str | None


@dataclass(frozen=True)
class ReviewInfo:
    """A submitted pull request review (the suggested changes are one, of event COMMENT)."""

    id: int
    body: str
    author: str
    author_type: str
    commit_id: str
    state: str  # COMMENTED, APPROVED, CHANGES_REQUESTED, DISMISSED, PENDING


@dataclass(frozen=True)
class IssueInfo:
    number: int
    title: str
    body: str
    author: str = ""
    author_type: str = "User"


@dataclass(frozen=True)
class ApiSettings:
    base_url: str
    token: SecretStr = field(repr=False)
    tuning: ApiTuning = field(default_factory=ApiTuning)


def _retry(tuning: ApiTuning) -> Retry:
    return GithubRetry(
        total=tuning.retries,
        backoff_factor=tuning.backoff_factor,
        secondary_rate_wait=tuning.secondary_rate_wait,
        status_forcelist=[*range(500, 600), 429],
        allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
    )


class GitHubApi:
    """Calls against one repository. No request is made until a method is called."""

    def __init__(self, settings: ApiSettings, repository: str) -> None:
        tuning = settings.tuning
        self.repository = repository
        self.owner = repository.split("/", 1)[0]
        self._github = Github(
            auth=Auth.Token(settings.token.get_secret_value()) if settings.token.get_secret_value() else None,
            base_url=settings.base_url,
            timeout=tuning.timeout,
            retry=_retry(tuning),
            seconds_between_requests=tuning.seconds_between_requests,
            seconds_between_writes=tuning.seconds_between_writes,
            lazy=True,
        )
        self._repo: Repository = self._github.get_repo(repository)
        self._installation_token = settings.token.get_secret_value().startswith(INSTALLATION_TOKEN_PREFIX)
        self._identity: Identity | None = None

    def __repr__(self) -> str:
        return f"GitHubApi({self.repository!r})"

    def _do(self, what: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except GithubException as exc:
            data = exc.data if isinstance(exc.data, dict) else {}
            detail = str(exc.message or data.get("message") or exc.data)
            errors = [str(e["message"]) for e in data.get("errors") or [] if isinstance(e, dict) and e.get("message")]
            raise ApiError(what, exc.status, "; ".join([detail, *errors])) from None
        except RetryError as exc:
            reason = getattr(exc.args[0], "reason", None) if exc.args else None
            raise ApiError(what, None, f"gave up after retries ({reason or 'no reason given'})") from None
        except RequestsConnectionError:
            raise ApiError(what, None, "cannot connect to the GitHub API") from None
        except RequestException as exc:
            raise ApiError(what, None, type(exc).__name__) from None

    # -- who the bot is ------------------------------------------------------------------

    def identity(self) -> Identity:
        """The token's identity: no call for an installation token, else GET /user once."""
        if self._identity is None:
            self._identity = Identity(None) if self._installation_token else self._whoami()
        return self._identity

    def _whoami(self) -> Identity:
        try:
            return Identity(self._do("read the token's user", lambda: self._github.get_user().login))
        except ApiError as exc:
            if exc.status in (401, 403):  # an installation token in another format: the app's bot writes
                return Identity(None)
            raise

    # -- issue comments ----------------------------------------------------------------

    def list_issue_comments(self, number: int, *, since: dt.datetime | None = None) -> list[CommentInfo]:
        """The comments of issue/PR `number`; with `since`, only those updated since then (1 page, usually)."""

        def fetch() -> list[CommentInfo]:
            issue = self._repo.get_issue(number)
            comments = issue.get_comments(since=since) if since is not None else issue.get_comments()
            return [
                CommentInfo(
                    c.id,
                    c.body or "",
                    c.user.login if c.user else "",
                    c.user.type if c.user else "User",
                    c.created_at,
                )
                for c in comments
            ]

        return self._do(f"list comments of #{number}", fetch)

    def create_issue_comment(self, number: int, body: str) -> int:
        return self._do(f"comment on #{number}", lambda: self._repo.get_issue(number).create_comment(body).id)

    def edit_issue_comment(self, number: int, comment_id: int, body: str) -> None:
        self._do(f"edit comment {comment_id}", lambda: self._repo.get_issue(number).get_comment(comment_id).edit(body))

    def delete_issue_comment(self, number: int, comment_id: int) -> None:
        self._do(f"delete comment {comment_id}", lambda: self._repo.get_issue(number).get_comment(comment_id).delete())

    def add_reaction(self, number: int, comment_id: int, content: str) -> None:
        comment = self._repo.get_issue(number).get_comment(comment_id)
        self._do(f"react to comment {comment_id}", lambda: comment.create_reaction(content))

    # -- permissions and pulls ---------------------------------------------------------

    def can_write(self, login: str) -> bool:
        """Whether `login` has write, maintain or admin permission (maintain reads as `write`)."""
        permission = self._do(f"read permission of {login}", lambda: self._repo.get_collaborator_permission(login))
        return permission in WRITE_ROLES

    def get_pull(self, number: int) -> PullInfo:
        return self._do(f"read pull request #{number}", lambda: _pull_info(self._repo.get_pull(number)))

    def pull_files(self, number: int) -> list[ChangedFile]:
        """The files pull request `number` changes against its merge base, 100 a page (GitHub lists at most 3,000)."""

        def fetch() -> list[ChangedFile]:
            pull = self._repo.get_pull(number)  # lazy: no request of its own
            pages = PaginatedList(File, pull.requester, f"{pull.url}/files", {"per_page": PER_PAGE})
            return [ChangedFile(f.filename, f.status, f.patch) for f in pages]

        return self._do(f"list files of pull request #{number}", fetch)

    def find_open_pulls(self, branch: str) -> list[PullInfo]:
        return self._find_pulls(branch, "open")

    def find_closed_pulls(self, branch: str) -> list[PullInfo]:
        return self._find_pulls(branch, "closed")

    def _find_pulls(self, branch: str, state: str) -> list[PullInfo]:
        def fetch() -> list[PullInfo]:
            pulls = self._repo.get_pulls(state=state, head=f"{self.owner}:{branch}")
            return [p for p in map(_pull_info, pulls) if p.head_ref == branch]

        return self._do(f"list {state} pull requests from {branch}", fetch)

    def create_pull(self, *, title: str, body: str, head: str, base: str) -> PullInfo:
        def create() -> PullInfo:
            return _pull_info(self._repo.create_pull(title=title, body=body, head=head, base=base))

        return self._do(f"open a pull request from {head}", create)

    def update_pull(
        self, number: int, *, body: str | None = None, title: str | None = None, state: str | None = None
    ) -> None:
        changes: dict[str, Any] = {
            k: v for k, v in (("body", body), ("title", title), ("state", state)) if v is not None
        }
        self._do(f"update pull request #{number}", lambda: self._repo.get_pull(number).edit(**changes))

    # -- check runs --------------------------------------------------------------------

    def find_check_runs(self, sha: str, name: str) -> list[CheckRunInfo]:
        def fetch() -> list[CheckRunInfo]:
            runs = self._repo.get_commit(sha).get_check_runs(check_name=name)
            return [CheckRunInfo(r.id, r.external_id, r.status) for r in runs]

        return self._do(f"list check runs of {sha[:7]}", fetch)

    def create_check_run(self, **fields: Any) -> int:
        return self._do("create check run", lambda: self._repo.create_check_run(**fields).id)

    def update_check_run(self, check_run_id: int, **fields: Any) -> None:
        self._do(f"update check run {check_run_id}", lambda: self._repo.get_check_run(check_run_id).edit(**fields))

    # -- issues (the drift dashboard) ------------------------------------------------------

    def list_open_issues(self, label: str) -> list[IssueInfo]:
        """Open issues (not pull requests) carrying `label`: the issues list, consistent unlike search."""

        def fetch() -> list[IssueInfo]:
            issues = self._repo.get_issues(state="open", labels=[label])
            # A pull request is an issue too; `html_url` tells them apart without completing the object.
            return [_issue_info(i) for i in issues if "/pull/" not in i.html_url]

        return self._do(f"list open issues labelled {label}", fetch)

    def search_open_issues(self, title: str) -> list[IssueInfo]:
        """Open issues (not pull requests) of this repository whose title contains `title`."""
        query = f'repo:{self.repository} is:issue is:open in:title "{title}"'

        def fetch() -> list[IssueInfo]:
            return [_issue_info(i) for i in self._github.search_issues(query)]

        return self._do("search issues", fetch)

    def create_issue(self, *, title: str, body: str, labels: list[str]) -> IssueInfo:
        def create() -> IssueInfo:
            return _issue_info(self._repo.create_issue(title=title, body=body, labels=labels))

        return self._do("open an issue", create)

    def update_issue(self, number: int, *, body: str, labels: list[str] | None = None) -> None:
        """Replace the body (and, given `labels`, every label) of issue `number`."""
        changes: dict[str, Any] = {"body": body} | ({"labels": labels} if labels is not None else {})
        self._do(f"edit issue #{number}", lambda: self._repo.get_issue(number).edit(**changes))

    # -- pull request reviews (suggested changes) ----------------------------------------

    def list_reviews(self, number: int) -> list[ReviewInfo]:
        def fetch() -> list[ReviewInfo]:
            return [
                ReviewInfo(
                    r.id,
                    r.body or "",
                    r.user.login if r.user else "",
                    r.user.type if r.user else "User",
                    r.commit_id or "",
                    r.state or "",
                )
                for r in self._repo.get_pull(number).get_reviews()
            ]

        return self._do(f"list reviews of pull request #{number}", fetch)

    def review_comment_ids(self, number: int, review_id: int) -> list[int]:
        def fetch() -> list[int]:
            return [c.id for c in self._repo.get_pull(number).get_single_review_comments(review_id)]

        return self._do(f"list comments of review {review_id}", fetch)

    def delete_review_comment(self, number: int, comment_id: int) -> None:
        def delete() -> None:
            self._repo.get_pull(number).get_review_comment(comment_id).delete()

        self._do(f"delete review comment {comment_id}", delete)

    def edit_review(self, number: int, review_id: int, body: str) -> None:
        """Replace the body of a submitted review (PUT: the one change GitHub allows after submitting)."""

        def edit() -> None:
            pull = self._repo.get_pull(number)
            pull.requester.requestJsonAndCheck("PUT", f"{pull.url}/reviews/{review_id}", input={"body": body})

        self._do(f"edit review {review_id}", edit)

    def create_review(self, number: int, *, sha: str, body: str, comments: list[dict[str, Any]]) -> int:
        """Submit a COMMENT review of commit `sha` (a POST with `commit_id`: no request to read the commit)."""

        def create() -> int:
            pull = self._repo.get_pull(number)
            data = {"commit_id": sha, "body": body, "event": "COMMENT", "comments": comments}
            _, answer = pull.requester.requestJsonAndCheck("POST", f"{pull.url}/reviews", input=data)
            return int(answer["id"])

        return self._do(f"review pull request #{number}", create)


def _issue_info(issue: Issue) -> IssueInfo:
    user = issue.user
    return IssueInfo(
        issue.number, issue.title, issue.body or "", user.login if user else "", user.type if user else "User"
    )


def _pull_info(pull: PullRequest) -> PullInfo:
    head_repo = pull.head.repo.full_name if pull.head.repo is not None else None
    return PullInfo(
        number=pull.number,
        head_ref=pull.head.ref,
        head_sha=pull.head.sha,
        head_repo=head_repo,
        title=pull.title,
        body=pull.body or "",
        merged=pull.merged_at is not None,  # `merged` itself is not in list answers
        state=pull.state,
        base_sha=pull.base.sha,
    )
