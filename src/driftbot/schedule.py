"""Cron schedules in IANA time zones, and the SLA question: does a job ever fire after its deadline?

Only the unix-cron format Cloud Scheduler documents (5 fields, names, ranges, steps, lists, `@daily`
macros). A job's run on local date D (in the job's zone) must fire by the deadline on the same date D
in the SLA's zone. Wall times that DST makes ambiguous or non-existent take the *latest* instant they
could mean (02:30 on a spring-forward day fires as 03:30; 01:30 on a fall-back day as its second
occurrence), deadlines the *earliest*: the check is conservative on both sides.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import cached_property

UTC = dt.UTC
HORIZON_DAYS = 366  # "the coming year": both DST changes of every zone fall inside it

_FIELDS = (("minute", 0, 59), ("hour", 0, 23), ("day of month", 1, 31), ("month", 1, 12), ("day of week", 0, 7))
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_WEEKDAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_NAMES: tuple[dict[str, int], ...] = (
    {},
    {},
    {},
    {m: i + 1 for i, m in enumerate(_MONTHS)},
    {d: i for i, d in enumerate(_WEEKDAYS)},
)
_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


@dataclass(frozen=True)
class Cron:
    """A parsed unix-cron schedule. Weekdays use 0 = Sunday (7 is folded into 0)."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool  # day-of-month field is a bare '*' (`*/2` restricts: every other day)
    any_weekday: bool  # day-of-week field is a bare '*'

    def runs_on(self, day: dt.date) -> bool:
        if day.month not in self.months:
            return False
        dom = day.day in self.days
        dow = day.isoweekday() % 7 in self.weekdays
        if self.any_day and self.any_weekday:
            return True
        if self.any_day:
            return dow
        if self.any_weekday:
            return dom
        return dom or dow  # cron: when both are restricted, either one matching is enough

    def times_on(self, day: dt.date) -> tuple[dt.time, ...]:
        return self.times if self.runs_on(day) else ()

    @cached_property
    def times(self) -> tuple[dt.time, ...]:
        """The wall times of a day it runs, in order (made once: an SLA check asks for a year of days)."""
        return tuple(dt.time(h, m) for h in self.hours for m in self.minutes)

    def same_as(self, other: Cron) -> bool:
        """Same firing times, however written (`0 3 * * *` == `00 3 * * 0-7`)."""
        if (self.minutes, self.hours) != (other.minutes, other.hours):
            return False
        # Day rules combine month, day of month and weekday; 4 years hold every combination that matters.
        days = (_CYCLE_START + dt.timedelta(days=k) for k in range(4 * 366))
        return all(self.runs_on(d) == other.runs_on(d) for d in days)


_CYCLE_START = dt.date(2024, 1, 1)


class ScheduleError(ValueError):
    """An unparsable schedule or unknown time zone; the message is one user-facing line."""


def parse_cron(text: str) -> Cron:
    spec = _MACROS.get(text.strip().lower(), text)
    parts = spec.split()
    if len(parts) != 5:
        raise ScheduleError(f"schedule {text!r} is not unix-cron: expected 5 fields, got {len(parts)}")
    sets = [_parse_field(part, i, text) for i, part in enumerate(parts)]
    weekdays = frozenset(d % 7 for d in sets[4])
    return Cron(
        text=text,
        minutes=tuple(sorted(sets[0])),
        hours=tuple(sorted(sets[1])),
        days=frozenset(sets[2]),
        months=frozenset(sets[3]),
        weekdays=weekdays,
        any_day=parts[2] == "*",
        any_weekday=parts[4] == "*",
    )


def _parse_field(part: str, index: int, text: str) -> set[int]:
    label, low, high = _FIELDS[index]
    out: set[int] = set()
    for item in part.split(","):
        body, _, step_text = item.partition("/")
        step = _number(step_text, {}, label, text) if step_text else 1
        if step < 1:
            raise ScheduleError(f"schedule {text!r}: step in the {label} field must be at least 1")
        if body == "*":
            start, end = low, high
        elif "-" in body:
            first, _, last = body.partition("-")
            start, end = _number(first, _NAMES[index], label, text), _number(last, _NAMES[index], label, text)
        else:
            start = _number(body, _NAMES[index], label, text)
            end = high if step_text else start
        if low <= start <= high and low <= end <= high and start > end:
            raise ScheduleError(
                f"schedule {text!r}: {item!r} in the {label} field wraps around, which cron does not do;"
                f" write it as {body.partition('-')[0]}-{high},{low}-{body.partition('-')[2]}"
            )
        if not (low <= start <= high and low <= end <= high):
            raise ScheduleError(f"schedule {text!r}: {item!r} is outside the {label} range {low}-{high}")
        out.update(range(start, end + 1, step))
    return out


def _number(token: str, names: dict[str, int], label: str, text: str) -> int:
    if token.upper() in names:
        return names[token.upper()]
    if not token.isdigit():
        raise ScheduleError(f"schedule {text!r}: {token!r} is not a valid {label}")
    return int(token)


def zone(name: str) -> zoneinfo.ZoneInfo:
    """An IANA zone; Cloud Scheduler's `utc` spelling is accepted."""
    key = "UTC" if name.lower() in ("utc", "etc/utc") else name
    try:
        return zoneinfo.ZoneInfo(key)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {name!r} (use an IANA name such as America/New_York)") from None


def parse_deadline(text: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ScheduleError(f"deadline {text!r} is not a time of day (HH:MM)") from None


def latest_instant(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return _latest_utc(day, at, tz).astimezone(tz)


def earliest_instant(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    return _earliest_utc(day, at, tz).astimezone(tz)


def _latest_utc(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    # Aware datetimes of one zone compare by wall time and ignore `fold`, so compare in UTC.
    naive = dt.datetime.combine(day, at)
    first, second = naive.replace(tzinfo=tz).astimezone(UTC), naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return second if second > first else first


def _earliest_utc(day: dt.date, at: dt.time, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    naive = dt.datetime.combine(day, at)
    first, second = naive.replace(tzinfo=tz).astimezone(UTC), naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return second if second < first else first


def _changes_offset(day: dt.date, tz: zoneinfo.ZoneInfo) -> bool:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day, dt.time(23, 59), tzinfo=tz)
    return start.utcoffset() != end.utcoffset()


@dataclass(frozen=True)
class Breach:
    """The worst day a job fires after its SLA deadline, over the days checked."""

    day: dt.date
    scheduled: dt.time  # the wall time in the schedule
    fires: dt.datetime  # aware, in the job's zone
    deadline: dt.datetime  # aware, in the SLA's zone
    late_days: int
    checked_days: int
    start: dt.date

    @property
    def lateness(self) -> dt.timedelta:
        # In UTC: within one zone Python subtracts wall times and ignores DST folds.
        return self.fires.astimezone(UTC) - self.deadline.astimezone(UTC)

    def describe(self) -> str:
        in_sla_zone = self.fires.astimezone(self.deadline.tzinfo)
        shown = in_sla_zone.strftime("%H:%M") if in_sla_zone.date() == self.day else f"{in_sla_zone:%Y-%m-%d %H:%M}"
        minutes = int(self.lateness.total_seconds()) // 60
        moved = (
            ""
            if self.fires.time() == self.scheduled
            else f" (scheduled {self.scheduled:%H:%M}, not a wall time that day)"
        )
        return (
            f"fires {self.fires:%H:%M} {self.fires.tzinfo}{moved} = {shown} {self.deadline.tzinfo} on {self.day}, "
            f"{minutes // 60}h{minutes % 60:02d}m after the {self.deadline:%H:%M} {self.deadline.tzinfo} deadline "
            f"(late on {self.late_days} of the {self.checked_days} days from {self.start})"
        )


def worst_breach(
    cron: Cron,
    job_tz: zoneinfo.ZoneInfo,
    deadline: dt.time,
    sla_tz: zoneinfo.ZoneInfo,
    start: dt.date,
    days: int = HORIZON_DAYS,
) -> Breach | None:
    """The latest firing past the deadline over `days` days from `start` (ties: earliest date), or None.

    Compared in UTC, day by day (a year of days for every job of every audit): the zone-aware
    instants are made only for the worst day.
    """
    worst: tuple[dt.timedelta, dt.date, dt.time] | None = None
    late_days = 0
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        times = cron.times_on(day)
        if not times:
            continue
        if _changes_offset(day, job_tz):
            at, fires = max(((t, _latest_utc(day, t, job_tz)) for t in times), key=lambda p: p[1])
        else:  # wall time maps to instants in order, so the last time is the latest one
            at = times[-1]
            fires = _latest_utc(day, at, job_tz)
        late = fires - _earliest_utc(day, deadline, sla_tz)
        if late <= _NOT_LATE:
            continue
        late_days += 1
        if worst is None or late > worst[0]:
            worst = (late, day, at)
    if worst is None:
        return None
    _, day, at = worst
    fires, due = latest_instant(day, at, job_tz), earliest_instant(day, deadline, sla_tz)
    return Breach(day=day, scheduled=at, fires=fires, deadline=due, late_days=late_days, checked_days=days, start=start)


_NOT_LATE = dt.timedelta(0)
