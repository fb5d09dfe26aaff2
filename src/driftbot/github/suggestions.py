"""Suggested changes (input `suggestions: true`): one PR review of `suggestion` blocks a maintainer applies in a click.

Each block is a hunk of the edit `driftbot fix` would make (`fix.suggest`, from the real fix plan at
the default confidence, `certain`), kept only when every line it replaces is a line the pull
request adds or changes: GitHub accepts review comments only on lines of the diff, and a PR is
told about what it touched. At most `MAX_COMMENTS` per review; the body says how many more
`/driftbot fix` would apply.

At most one review per push. A review of event COMMENT cannot be dismissed (GitHub answers 422:
dismissing is for approvals and change requests), nor deleted once submitted (DELETE removes only
a pending review), and hiding it ("minimize") is GraphQL-only. So the previous review is retired
with what REST allows: its comments are deleted (DELETE /pulls/comments/{id}) and its body is
rewritten (PUT /pulls/{n}/reviews/{id}) to say it was superseded. A rerun on the same head finds its
own review of that commit and writes nothing. Only reviews the bot wrote (`client.Identity`) with
the instance's marker are touched.

API calls: list the reviews; then, when the head has no review yet, at most one POST of the new
review, and for each earlier live review one list of its comments, one DELETE per comment and one PUT.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from driftbot.github.client import GitHubApi, ReviewInfo
from driftbot.report import escape

if TYPE_CHECKING:  # driftbot.fix imports libcst: only a run that suggests loads it
    from driftbot.fix.suggest import Suggestion

MAX_COMMENTS = 50
HEAD = (
    "{marker}\n**{name}** suggests {count} on lines this pull request changes: each is the edit "
    "`driftbot fix` makes for a finding it is certain of. Apply one with **Commit suggestion**, "
    "or every fix with a `/driftbot fix` comment.{more}\n\n<sub>{name} reviewed {sha}</sub>\n"
)
MORE = " {count} more are not shown here."
RETIRED = "{marker}\n<sub>{name}: {why}; the suggestions of {old} were removed.</sub>\n"
SUPERSEDED = "superseded by the review of {sha}"
NOTHING_LEFT = "no suggestion for {sha}"
COMMENT = "**{name}** · `{rule}` · {confidence}\n{message}\n\n{block}"
PLAIN = "**{name}**: the edit `driftbot fix` makes here.\n\n{block}"

Operation = Literal["created", "unchanged", "retired", "none"]
Changed = Mapping[str, frozenset[int] | None]  # repo-relative path -> lines the PR adds; None: unknown


@dataclass(frozen=True)
class Outcome:
    operation: Operation
    review_id: int | None = None
    comments: int = 0


def on_changed_lines(s: Suggestion, changed: Changed) -> bool:
    lines = changed.get(s.path)
    return lines is not None and all(n in lines for n in range(s.start, s.end + 1))


def block(lines: Sequence[str]) -> str:
    """A `suggestion` block replacing the commented lines with `lines` (none: the lines are deleted)."""
    text = "".join(escape.strip_controls(line) + "\n" for line in lines)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}suggestion\n{text}{ticks}"


def comment(s: Suggestion, name: str) -> dict[str, Any]:
    if s.findings:
        first = s.findings[0]
        body = COMMENT.format(
            name=name,
            rule=first.rule,
            confidence=first.confidence,
            message="\n".join(escape.markdown(f.message) for f in s.findings),
            block=block(s.lines),
        )
    else:
        body = PLAIN.format(name=name, block=block(s.lines))
    out: dict[str, Any] = {"path": s.path, "line": s.end, "side": "RIGHT", "body": body}
    if s.start < s.end:
        out |= {"start_line": s.start, "start_side": "RIGHT"}
    return out


def live(review: ReviewInfo, marker: str) -> bool:
    """One of ours still holding suggestions (a retired one's body goes on with `<sub>`)."""
    return review.body.startswith(marker + "\n") and not review.body.startswith(marker + "\n<sub>")


def publish(
    gh: GitHubApi,
    *,
    number: int,
    sha: str,
    found: Sequence[Suggestion],
    changed: Changed,
    marker: str,
    name: str = "driftbot",
) -> Outcome:
    """Review head `sha` of PR `number` with the suggestions on its changed lines; retire earlier reviews."""
    me = gh.identity()
    ours = [r for r in gh.list_reviews(number) if live(r, marker) and me.wrote(r.author, r.author_type)]
    if any(r.commit_id == sha for r in ours):
        return Outcome("unchanged", next(r.id for r in ours if r.commit_id == sha))
    wanted = [s for s in found if on_changed_lines(s, changed)]
    shown = wanted[:MAX_COMMENTS]
    review_id = None
    if shown:
        more = MORE.format(count=len(wanted) - len(shown)) if len(wanted) > len(shown) else ""
        count = "1 change" if len(shown) == 1 else f"{len(shown)} changes"
        body = HEAD.format(marker=marker, name=name, count=count, more=more, sha=sha[:7])
        review_id = gh.create_review(number, sha=sha, body=body, comments=[comment(s, name) for s in shown])
    why = SUPERSEDED.format(sha=sha[:7]) if review_id is not None else NOTHING_LEFT.format(sha=sha[:7])
    for old in ours:
        for comment_id in gh.review_comment_ids(number, old.id):
            gh.delete_review_comment(number, comment_id)
        gh.edit_review(number, old.id, RETIRED.format(marker=marker, name=name, why=why, old=old.commit_id[:7]))
    if review_id is not None:
        return Outcome("created", review_id, len(shown))
    return Outcome("retired" if ours else "none")
