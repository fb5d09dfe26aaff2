"""The one living PR comment: found by a hidden marker, edited in place, marked resolved when clean.

Only a comment the bot wrote itself counts (the marker and the token's identity, see
`client.Identity`): anyone can paste the marker into a comment, and such a comment is never
edited, adopted or deleted.

Exactly one: if two runs raced and both created a comment, the next run keeps the oldest and
deletes the others. A body that would not change is not sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from driftbot.github.client import GitHubApi

MARKER = "<!-- driftbot:report -->"
COMMENT_LIMIT = 65_536  # GitHub's cap on a comment body, in characters
RESOLVED_TEXT = (
    "{marker}\n### {name}: no drift left\n\nEvery finding reported earlier on this pull request is resolved. ✅\n"
)
RESOLVED = RESOLVED_TEXT.format(marker=MARKER, name="driftbot")
HEADER = "{marker}\n<sub>driftbot audited {sha}</sub>\n\n"

Operation = Literal["created", "updated", "resolved", "unchanged", "none"]


@dataclass(frozen=True)
class CommentOutcome:
    operation: Operation
    comment_id: int | None


def header(sha: str, marker: str = MARKER) -> str:
    return HEADER.format(marker=marker, sha=sha[:7])


def resolved(marker: str = MARKER, name: str = "driftbot") -> str:
    return RESOLVED_TEXT.format(marker=marker, name=name)


def sync(
    gh: GitHubApi, number: int, body: str | None, *, marker: str = MARKER, name: str = "driftbot"
) -> CommentOutcome:
    """Make the PR's comment with `marker` say `body`; `None` means no drift (resolve, or stay silent).

    `marker` and `name` are the instance's (input `name`): each instance keeps its own comment.
    """
    me = gh.identity()
    mine = [
        c for c in gh.list_issue_comments(number) if c.body.startswith(marker) and me.wrote(c.author, c.author_type)
    ]
    for duplicate in mine[1:]:
        gh.delete_issue_comment(number, duplicate.id)
    current = mine[0] if mine else None
    if body is None:
        if current is None:
            return CommentOutcome("none", None)
        done = resolved(marker, name)
        if current.body == done:
            return CommentOutcome("unchanged", current.id)
        gh.edit_issue_comment(number, current.id, done)
        return CommentOutcome("resolved", current.id)
    if len(body) > COMMENT_LIMIT:
        raise ValueError(f"comment body of {len(body)} characters exceeds GitHub's {COMMENT_LIMIT}")
    if current is None:
        return CommentOutcome("created", gh.create_issue_comment(number, body))
    if current.body == body:
        return CommentOutcome("unchanged", current.id)
    gh.edit_issue_comment(number, current.id, body)
    return CommentOutcome("updated", current.id)
