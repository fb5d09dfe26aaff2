"""The `audit --notify` message: Slack-compatible JSON (`text` for notifications, `blocks` to read).

Slack's incoming webhooks take it as is; any other receiver gets plain JSON with a one-line `text`.
Everything a repository controls (paths, values, messages) is escaped for Slack's mrkdwn: `&`, `<`
and `>` become entities, so no `<!channel>`, `<@U123>` or `<url|link>` can be smuggled in, and
control characters are dropped. New drift is grouped like every other output (one drift, one
row), most severe first. Slack caps a message at 50 blocks and a section at 3,000 characters: the
message stays below both and says what it left out. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from driftbot.ftypes import Finding, Severity
from driftbot.report.common import plural
from driftbot.report.escape import one_line
from driftbot.report.group import Group, group_findings
from driftbot.report.next_steps import next_steps

MAX_GROUPS = 20  # sections of drift; with the head, the "more" line and the context: 23 blocks of Slack's 50
MAX_LOCATIONS = 5  # per drift
SECTION_LIMIT = 3000  # Slack's cap on a section's text, in characters
TITLE = "driftbot: {new} at {level} or above in {where}"
HEAD = "*driftbot* found {new} at *{level}* or above in {where} ({total} open in all)."
MORE_GROUPS = "… and {count} more new drift(s): run `driftbot audit` to see every finding."
MORE_LOCATIONS = "… and {count} more"


def mrkdwn(text: str) -> str:
    """`text` shown literally in Slack mrkdwn, on one line: `&`, `<`, `>` as entities, no controls."""
    return one_line(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str) -> str:
    return text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text)}}


def _drift(group: Group) -> str:
    first = group.first
    copies = f" (in {group.count} copies)" if group.count > 1 and group.same_values else ""
    head = f"*{group.severity.label}* `{group.rule}` {mrkdwn(first.message)}{copies}"
    shown = [mrkdwn(str(f.location)) for f in group.findings[:MAX_LOCATIONS]]
    if group.count > MAX_LOCATIONS:
        shown.append(MORE_LOCATIONS.format(count=group.count - MAX_LOCATIONS))
    return "\n".join([head, *(f"• {where}" for where in shown)])


def message(new: Sequence[Finding], *, total: int, where: str, level: Severity) -> dict[str, Any]:
    """The message announcing `new` drift (non-empty) at `level` or above; `total`: open findings in all."""
    what = plural(len(new), "new finding")
    place = mrkdwn(where)
    groups = group_findings(new)
    blocks = [_section(HEAD.format(new=what, level=level.label, where=place, total=total))]
    blocks += [_section(_drift(g)) for g in groups[:MAX_GROUPS]]
    if len(groups) > MAX_GROUPS:
        blocks.append(_section(MORE_GROUPS.format(count=len(groups) - MAX_GROUPS)))
    steps = next_steps(new)
    if steps:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _cut(mrkdwn(" ".join(steps)))}]})
    return {"text": TITLE.format(new=what, level=level.label, where=place), "blocks": blocks}
