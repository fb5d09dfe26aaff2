"""Webhook payloads parsed once into typed models: only the fields the bot reads.

GitHub Actions writes the triggering event's payload to `GITHUB_EVENT_PATH`; its shape is the
webhook's. Unknown fields are ignored so new GitHub fields never break a run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from driftbot.errors import DriftbotError


class Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class User(Model):
    login: str
    type: str = "User"

    @property
    def is_bot(self) -> bool:
        return self.type == "Bot" or self.login.endswith("[bot]")


class Repository(Model):
    full_name: str
    default_branch: str | None = None


class Branch(Model):
    ref: str
    sha: str
    repo: Repository | None = None  # None when the fork was deleted


class PullRequest(Model):
    number: int
    state: str = "open"
    head: Branch
    base: Branch


class PullRequestEvent(Model):
    action: str
    pull_request: PullRequest
    repository: Repository

    def is_fork(self) -> bool:
        head = self.pull_request.head.repo
        return head is None or head.full_name != self.repository.full_name


class PullRequestLink(Model):
    url: str


class Issue(Model):
    number: int
    pull_request: PullRequestLink | None = None  # present only when the issue is a pull request


class Comment(Model):
    id: int
    body: str | None = None
    user: User


class IssueCommentEvent(Model):
    action: str
    issue: Issue
    comment: Comment
    repository: Repository


class WorkflowDispatchEvent(Model):
    ref: str | None = None
    repository: Repository | None = None


class ScheduleEvent(Model):
    schedule: str | None = None
    repository: Repository | None = None


class OtherEvent(Model):
    """Any other trigger (push, ...): the bot only audits the checked-out workspace."""

    repository: Repository | None = None


Event = PullRequestEvent | IssueCommentEvent | WorkflowDispatchEvent | ScheduleEvent | OtherEvent

MODELS: dict[str, type[Event]] = {
    "pull_request": PullRequestEvent,
    "pull_request_target": PullRequestEvent,
    "issue_comment": IssueCommentEvent,
    "workflow_dispatch": WorkflowDispatchEvent,
    "schedule": ScheduleEvent,
}


def parse(name: str, payload: dict[str, Any]) -> Event:
    model = MODELS.get(name, OtherEvent)
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise DriftbotError(f"{name} event payload: {where}: {error['msg']}") from None


def load(name: str, path: Path | None) -> Event:
    """The event GitHub wrote to `path`; a missing file is an empty payload (schedule on old runners)."""
    if path is None or not path.exists():
        return parse(name, {})
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DriftbotError(f"{path}: cannot read event payload: {exc}") from None
    if not isinstance(payload, dict):
        raise DriftbotError(f"{path}: event payload is not a JSON object")
    return parse(name, payload)
