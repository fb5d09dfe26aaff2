"""The drift dashboard: one issue, "driftbot dashboard", that the scheduled run keeps current.

It lists the default branch's open drift by severity with the date each finding was first seen,
the auto-fix pull request, and the ignore-file entries that have expired: the seed's monthly review
(Task 3.7), always up to date. There is no database: the first-seen dates (`report.seen`) live in a
hidden marker at the end of the issue body (fingerprint -> date), read back on the next run. A finding keeps its
date while its fingerprint (rule, file, symbol, values; not the line) stays the same; once fixed it
leaves the state, so drift that comes back starts a new date.
Only an issue the bot itself opened counts (`client.Identity`): an issue of anyone else with the
same title and marker is left alone.
API calls: one list of the open issues labelled `driftbot-dashboard`, then at most one create or one
edit (none when nothing changed). Only while no labelled dashboard exists (the first run, or one
created before the label) does a search look for an unlabelled one, which then gets the label.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from itertools import groupby

from driftbot.ftypes import Finding, Report, Severity
from driftbot.github import pipeline
from driftbot.github.client import ApiError, GitHubApi, IssueInfo
from driftbot.github.env import Instance
from driftbot.report import escape, seen

DEFAULT = Instance()
TITLE = DEFAULT.dashboard_title  # "driftbot dashboard"; another instance's is "<name> dashboard"
LABEL = DEFAULT.dashboard_label  # put on the issue at creation; the issues list finds it by this label
MARKER = DEFAULT.marker("dashboard")
STATE_OPEN = "<!-- driftbot:dashboard-state "
STATE_CLOSE = " -->"
STATE_PATTERN = re.compile(re.escape(STATE_OPEN) + r"(\{.*?\})" + re.escape(STATE_CLOSE), re.DOTALL)
BODY_LIMIT = 65_536  # GitHub's cap on an issue body, in characters
MAX_ROWS = 150  # per severity; the state keeps every finding, the table shows the oldest
MAX_STATE = 600  # dates kept (~48 characters each), oldest first; newer findings restart their date
EXPIRED_RULE = "expired-suppression"
HEADER = "{marker}\n# {title}\n\n<sub>Kept up to date by driftbot's scheduled run; edits are lost.</sub>\n\n"
CLEAN = "No open drift on the default branch. ✅\n"
FOOTER = (
    "\n---\n<sub>“Since” is the first scheduled run that saw the finding. Fix drift with the auto-fix pull "
    "request or `driftbot fix`; silence it with a reasoned, expiring entry in the ignore file.</sub>\n"
)


def read_state(body: str) -> dict[str, dt.date]:
    """First-seen dates from an earlier body; anything unreadable counts as no state (dates restart)."""
    m = STATE_PATTERN.search(body)
    if m is None:
        return {}
    try:
        return seen.decode(m.group(1))
    except ValueError:
        return {}


def known(issue: IssueInfo | None) -> frozenset[str]:
    """The fingerprints the dashboard has seen (none without a dashboard): what `new-findings` compares to."""
    return frozenset(read_state(issue.body)) if issue is not None else frozenset()


def state_marker(since: Mapping[str, dt.date]) -> str:
    return STATE_OPEN + seen.encode(since, keep=MAX_STATE) + STATE_CLOSE


def _cell(text: str) -> str:
    return escape.markdown(text)


def _where(f: Finding) -> str:
    return escape.code(str(f.location), table=True)


def _table(rows: list[tuple[Finding, dt.date]], today: dt.date) -> list[str]:
    lines = ["| since | days | rule | where | what |", "| --- | ---: | --- | --- | --- |"]
    for f, since in rows[:MAX_ROWS]:
        days = (today - since).days
        lines.append(f"| {since.isoformat()} | {days} | `{f.rule}` | {_where(f)} | {_cell(f.message)} |")
    if len(rows) > MAX_ROWS:
        lines.append(f"\n… and {len(rows) - MAX_ROWS} more; the job summary has the full report.")
    return lines


def render(
    report: Report,
    since: Mapping[str, dt.date],
    autofix_pr: int | None,
    today: dt.date,
    instance: Instance = DEFAULT,
) -> str:
    dated = [(f, since.get(pipeline.fingerprint(f), today)) for f in report.findings]
    drift = [(f, d) for f, d in dated if f.rule != EXPIRED_RULE]
    expired = [(f, d) for f, d in dated if f.rule == EXPIRED_RULE]
    counts = ", ".join(
        f"{len(list(g))} {s.label}" for s, g in groupby(sorted((f.severity for f, _ in drift), reverse=True))
    )
    lines = [f"**Updated {today.isoformat()}** · {len(drift)} open finding(s)" + (f" ({counts})" if counts else "")]
    if autofix_pr is not None:
        lines.append(f"\nAuto-fix pull request: #{autofix_pr}")
    if drift:
        oldest = min(d for _, d in drift)
        lines.append(f"\nOldest open drift: since {oldest.isoformat()} ({(today - oldest).days} days).")
    else:
        lines.append("\n" + CLEAN)
    for severity in sorted(Severity, reverse=True):
        rows = sorted(((f, d) for f, d in drift if f.severity == severity), key=lambda fd: (fd[1], fd[0].sort_key))
        if rows:
            lines += ["", f"## {severity.label.capitalize()} ({len(rows)})", "", *_table(rows, today)]
    if expired:
        lines += ["", f"## Expired suppressions ({len(expired)})", ""]
        lines += [f"- {_where(f)}: {_cell(f.message)}" for f, _ in expired]
    text = HEADER.format(marker=instance.marker("dashboard"), title=instance.dashboard_title)
    text += "\n".join(lines) + "\n" + FOOTER
    marker = "\n" + state_marker(since) + "\n"
    room = BODY_LIMIT - len(marker)
    return (text if len(text) <= room else text[: room - 2] + "…\n") + marker


def _ours(gh: GitHubApi, issues: list[IssueInfo], instance: Instance) -> IssueInfo | None:
    """The bot's issue: its own, with the exact title and the marker (anyone else's is left alone); the oldest wins."""
    me = gh.identity()
    title, marker = instance.dashboard_title, instance.marker("dashboard")
    found = [i for i in issues if i.title == title and i.body.startswith(marker) and me.wrote(i.author, i.author_type)]
    return min(found, key=lambda i: i.number) if found else None


def find_dashboard(gh: GitHubApi, instance: Instance = DEFAULT) -> tuple[IssueInfo | None, bool]:
    """The dashboard issue and whether it carries LABEL.

    The labelled issues list is consistent, so a run right after the one that created the issue
    finds it. Only when no labelled dashboard exists does the (eventually consistent) search look
    for one from before the label, which the next edit then labels.
    """
    labelled = _ours(gh, gh.list_open_issues(instance.dashboard_label), instance)
    if labelled is not None:
        return labelled, True
    return _ours(gh, gh.search_open_issues(instance.dashboard_title), instance), False


def read_dashboard(gh: GitHubApi, instance: Instance = DEFAULT) -> IssueInfo | None:
    """The labelled dashboard for runs that only read it (a PR's "see the dashboard", `new-findings`).

    One issues list, no search; a token that may not read issues means no dashboard, not a failure.
    """
    try:
        return _ours(gh, gh.list_open_issues(instance.dashboard_label), instance)
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


def update_dashboard(
    gh: GitHubApi, report: Report, autofix_pr: int | None, today: dt.date, instance: Instance = DEFAULT
) -> tuple[int, str]:
    """Create or refresh the dashboard issue; returns its number and what happened (created/updated/none)."""
    issue, labelled = find_dashboard(gh, instance)
    return refresh(gh, issue, labelled, report, autofix_pr, today, instance)


def refresh(
    gh: GitHubApi,
    issue: IssueInfo | None,
    labelled: bool,
    report: Report,
    autofix_pr: int | None,
    today: dt.date,
    instance: Instance = DEFAULT,
) -> tuple[int, str]:
    """Write `issue` (None: create it) from `report`, keeping the first-seen dates its body holds."""
    previous = read_state(issue.body) if issue is not None else {}
    since = seen.first_seen(report, previous, today)
    body = render(report, since, autofix_pr, today, instance)
    label = instance.dashboard_label
    if issue is None:
        return gh.create_issue(title=instance.dashboard_title, body=body, labels=[label]).number, "created"
    if labelled and issue.body == body:
        return issue.number, "none"
    gh.update_issue(issue.number, body=body, labels=None if labelled else [label])
    return issue.number, "updated"
