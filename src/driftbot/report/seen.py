"""First-seen dates: which open finding was first seen when, and which is new since the last run.

One model for the drift dashboard (kept in a hidden marker of its issue) and for `audit --notify`
(kept in a state file): fingerprint -> date, serialised as `{"v": 1, "since": {fp: "YYYY-MM-DD"}}`.
A finding keeps its date while its fingerprint (rule, file, symbol, values; not the line) stays
the same; once fixed it leaves the state, so drift that comes back starts a new date. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping

from driftbot.ftypes import Finding, Report
from driftbot.report.fingerprint import fingerprint

STATE_VERSION = 1
Since = dict[str, dt.date]


def first_seen(report: Report, previous: Mapping[str, dt.date], today: dt.date) -> Since:
    """Every open finding's first-seen date: carried over when seen before, else today."""
    return {fp: previous.get(fp, today) for fp in (fingerprint(f) for f in report.findings)}


def new_findings(findings: Iterable[Finding], previous: Mapping[str, dt.date]) -> list[Finding]:
    """The findings whose fingerprint `previous` does not hold: drift that appeared since then."""
    return [f for f in findings if fingerprint(f) not in previous]


def encode(since: Mapping[str, dt.date], *, keep: int | None = None) -> str:
    """The state as compact JSON; `keep`: only the oldest `keep` dates (newer ones restart theirs)."""
    chosen = sorted(since.items(), key=lambda kv: (kv[1], kv[0]))[:keep]
    data = {"v": STATE_VERSION, "since": {fp: d.isoformat() for fp, d in sorted(chosen)}}
    return json.dumps(data, separators=(",", ":"))


def decode(text: str) -> Since:
    """The state `encode` wrote. ValueError (saying what is wrong) for anything else."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(raw, dict) or raw.get("v") != STATE_VERSION or not isinstance(raw.get("since"), dict):
        raise ValueError(f'not a driftbot state (expected {{"v": {STATE_VERSION}, "since": {{...}}}})')
    since: Since = {}
    for fp, day in raw["since"].items():
        try:
            since[str(fp)] = dt.date.fromisoformat(day)
        except (TypeError, ValueError):
            raise ValueError(f"fingerprint {str(fp)[:32]!r}: {str(day)[:32]!r} is not a YYYY-MM-DD date") from None
    return since
