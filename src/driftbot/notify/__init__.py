"""`driftbot audit --notify URL`: one message when new drift appears, for runs outside GitHub.

Cloud Scheduler, Composer or cron run `driftbot audit` on a schedule; nobody reads its output
unless something changed. With `--notify`, the audit posts one Slack-compatible JSON message
(`report.slack`) when a finding at `--notify-on` or above (default high; a `possible` finding
counts as info) was not open at the previous run, using the dashboard's first-seen model
(`report.seen`) kept in the `--notify-state` file. No new drift: nothing is posted. An incomplete
audit (an inventory unreachable) forgets no date: drift it could not check is not "new" when it
is seen again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from driftbot.ftypes import Report, Severity
from driftbot.notify import state
from driftbot.notify.webhook import Webhook, post
from driftbot.report import seen, slack

SENT = "driftbot: notified {shown} of {count} new finding(s) at {level} or above"
QUIET = "driftbot: no new drift at {level} or above; nothing posted"


@dataclass(frozen=True)
class Outcome:
    posted: int  # new findings announced (0: nothing was posted)
    line: str  # what to tell the person running it (on stderr)


def notify(
    report: Report,
    *,
    webhook: Webhook,
    state_path: Path,
    level: Severity,
    where: str,
    today: dt.date,
    incomplete: bool = False,
) -> Outcome:
    previous = state.read(state_path)
    since = seen.first_seen(report, previous, today)
    if incomplete:
        since = {**previous, **since}
    new = [f for f in seen.new_findings(report.findings, previous) if f.effective_severity >= level]
    pending = state.Pending(state_path, since)
    try:
        if new:
            post(webhook, slack.message(new, total=len(report.findings), where=where, level=level))
    except BaseException:
        pending.discard()
        raise
    pending.commit()
    if not new:
        return Outcome(0, QUIET.format(level=level.label))
    return Outcome(len(new), SENT.format(shown=webhook.shown, count=len(new), level=level.label))
