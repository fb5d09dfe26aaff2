"""Real webhook payloads from npm `@octokit/webhooks-examples`, and the few we must derive.

Derived, because the package has no such example:
- a comment on a *pull request*: its `issue_comment` examples are all on plain issues, so we add
  `issue.pull_request` (the field GitHub sets when the issue is a PR) to a real example;
- `schedule`: there is none at all; GitHub's payload for it carries little more than the cron line;
- a fork PR: every `pull_request` example comes from the base repository, so the head repo is renamed.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from github_prism import EXAMPLES

Payload = dict[str, Any]


@functools.cache
def _all() -> dict[str, list[Payload]]:
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    return {entry["name"]: entry["examples"] for entry in data}


def example(event: str, action: str | None = None, index: int = 0) -> Payload:
    matching = [p for p in _all()[event] if action is None or p.get("action") == action]
    return copy.deepcopy(matching[index])


def pull_request_opened() -> Payload:
    return example("pull_request", "opened")  # Codertocat/Hello-World#2, head `changes`, base `master`


def fork_pull_request() -> Payload:
    payload = pull_request_opened()
    payload["pull_request"]["head"]["repo"]["full_name"] = "forker/Hello-World"  # derived: see module doc
    return payload


def pr_comment(
    body: str, *, action: str = "created", login: str | None = None, user_type: str | None = None
) -> Payload:
    payload = example("issue_comment", action)
    issue = payload["issue"]
    issue["pull_request"] = {  # derived: see module doc
        "url": f"{payload['repository']['url']}/pulls/{issue['number']}",
        "html_url": f"{payload['repository']['html_url']}/pull/{issue['number']}",
        "diff_url": f"{payload['repository']['html_url']}/pull/{issue['number']}.diff",
        "patch_url": f"{payload['repository']['html_url']}/pull/{issue['number']}.patch",
    }
    payload["comment"]["body"] = body
    if login is not None:
        payload["comment"]["user"]["login"] = login
    if user_type is not None:
        payload["comment"]["user"]["type"] = user_type
    return payload


def issue_comment(body: str) -> Payload:
    payload = example("issue_comment", "created")
    payload["comment"]["body"] = body
    return payload


def workflow_dispatch() -> Payload:
    return example("workflow_dispatch", index=1)  # octo-org/octo-repo, with `repository` (default `master`)


def schedule() -> Payload:
    return {"schedule": "17 6 * * 1-5"}  # derived: see module doc
