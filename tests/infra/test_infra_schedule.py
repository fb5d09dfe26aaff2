"""Cron evaluation, time zones and the DST-aware SLA check (driftbot.schedule)."""

from __future__ import annotations

import datetime as dt

import pytest
from croniter import croniter

from driftbot.schedule import ScheduleError, parse_cron, worst_breach, zone

NY, LA, LONDON = zone("America/New_York"), zone("America/Los_Angeles"), zone("Europe/London")


def test_fields_names_ranges_steps_and_lists() -> None:
    cron = parse_cron("*/20 3,5-6 1-10/3 JAN-MAR mon-fri")
    assert cron.minutes == (0, 20, 40)
    assert cron.hours == (3, 5, 6)
    assert cron.days == frozenset({1, 4, 7, 10})
    assert cron.months == frozenset({1, 2, 3})
    assert cron.weekdays == frozenset({1, 2, 3, 4, 5})


def test_sunday_is_0_or_7_and_macros_expand() -> None:
    assert parse_cron("0 0 * * 7").same_as(parse_cron("0 0 * * 0"))
    assert parse_cron("@daily").same_as(parse_cron("0 0 * * *"))
    assert parse_cron("0 3 * * *").same_as(parse_cron("00 3 * * 0-7"))
    assert not parse_cron("0 3 * * *").same_as(parse_cron("0 3 * * 1-5"))


def test_a_step_in_day_of_month_is_not_every_day() -> None:
    # vixie cron: only a bare `*` leaves a day field unrestricted; `*/2` is the odd days of the month.
    every_other = parse_cron("0 3 */2 * *")
    assert [every_other.runs_on(dt.date(2027, 1, d)) for d in range(1, 6)] == [True, False, True, False, True]
    assert not every_other.same_as(parse_cron("0 3 * * *"))
    assert every_other.same_as(parse_cron("0 3 1-31/2 * *"))
    # Both days restricted: either one is enough (2027-01-04 is a Monday, 01-06 neither).
    odd_or_monday = parse_cron("0 3 */2 * MON")
    assert [odd_or_monday.runs_on(dt.date(2027, 1, d)) for d in (3, 4, 6)] == [True, True, False]
    # A stepped weekday restricts too; the bare `*` day of month then leaves only the weekdays.
    assert [parse_cron("0 3 * * */3").runs_on(dt.date(2027, 1, d)) for d in (3, 4, 6)] == [True, False, True]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0 6 * *", "schedule '0 6 * *' is not unix-cron: expected 5 fields, got 4"),
        ("0 24 * * *", "schedule '0 24 * * *': '24' is outside the hour range 0-23"),
        ("0 6 * * MONDAY", "schedule '0 6 * * MONDAY': 'MONDAY' is not a valid day of week"),
        ("*/0 6 * * *", "schedule '*/0 6 * * *': step in the minute field must be at least 1"),
        ("every 24 hours", "schedule 'every 24 hours' is not unix-cron: expected 5 fields, got 3"),
    ],
)
def test_bad_schedules_say_why(text: str, message: str) -> None:
    with pytest.raises(ScheduleError) as exc:
        parse_cron(text)
    assert str(exc.value) == message


def test_unknown_zone_says_how_to_fix() -> None:
    with pytest.raises(ScheduleError) as exc:
        zone("Pacific Time")
    assert str(exc.value) == "unknown time zone 'Pacific Time' (use an IANA name such as America/New_York)"
    assert zone("utc").key == "UTC"


@pytest.mark.parametrize(
    "text", ["30 2 * * *", "*/15 9-17 * * 1-5", "0 0 1,15 * 5", "5 4 * FEB,AUG SUN", "0 12 29 2 *", "0 3 */2 * *"]
)
def test_firing_days_and_times_agree_with_croniter(text: str) -> None:
    cron = parse_cron(text)
    start = dt.datetime(2027, 1, 1)
    it = croniter(text, start - dt.timedelta(minutes=1))
    theirs = [it.get_next(dt.datetime) for _ in range(60)]
    ours: list[dt.datetime] = []
    day = start.date()
    while len(ours) < 60:
        ours.extend(dt.datetime.combine(day, t) for t in cron.times_on(day))
        day += dt.timedelta(days=1)
    assert ours[:60] == theirs


def test_the_incident_is_late_every_day() -> None:
    breach = worst_breach(parse_cron("0 6 * * *"), LA, dt.time(7), NY, dt.date(2026, 1, 5))
    assert breach is not None
    assert breach.describe() == (
        "fires 06:00 America/Los_Angeles = 09:00 America/New_York on 2026-01-05, 2h00m after the 07:00 "
        "America/New_York deadline (late on 366 of the 366 days from 2026-01-05)"
    )


def test_option_b_meets_the_deadline_all_year() -> None:
    assert worst_breach(parse_cron("30 3 * * *"), LA, dt.time(7), NY, dt.date(2026, 1, 5)) is None


def test_0230_on_the_spring_forward_day_runs_as_0330_and_breaches_once() -> None:
    # 2027-03-14: New York clocks jump from 02:00 to 03:00; 02:30 does not exist that day.
    breach = worst_breach(parse_cron("30 2 * * *"), NY, dt.time(3), NY, dt.date(2027, 1, 1))
    assert breach is not None
    assert (breach.day, breach.late_days) == (dt.date(2027, 3, 14), 1)
    assert breach.describe() == (
        "fires 03:30 America/New_York (scheduled 02:30, not a wall time that day) = 03:30 America/New_York on "
        "2027-03-14, 0h30m after the 03:00 America/New_York deadline (late on 1 of the 366 days from 2027-01-01)"
    )


def test_fall_back_takes_the_second_0130_and_the_first_deadline() -> None:
    # 2027-11-07: 01:00-02:00 New York happens twice. The job's 01:30 is taken as the later one (EST),
    # the 01:45 deadline as the earlier one (EDT): 45 minutes late, on that day only.
    breach = worst_breach(parse_cron("30 1 * * *"), NY, dt.time(1, 45), NY, dt.date(2027, 1, 1))
    assert breach is not None
    assert (breach.day, breach.late_days, breach.lateness) == (dt.date(2027, 11, 7), 1, dt.timedelta(minutes=45))


def test_london_and_new_york_change_on_different_dates() -> None:
    # 11:30 London is 06:30 New York, except while only one of them is on summer time:
    # US from 2027-03-14, UK from 2027-03-28 (14 days), UK back on 2027-10-31, US on 2027-11-07 (7 days).
    breach = worst_breach(parse_cron("30 11 * * *"), LONDON, dt.time(7), NY, dt.date(2027, 1, 1))
    assert breach is not None
    assert breach.describe() == (
        "fires 11:30 Europe/London = 07:30 America/New_York on 2027-03-14, 0h30m after the 07:00 "
        "America/New_York deadline (late on 21 of the 366 days from 2027-01-01)"
    )


def test_only_days_the_job_runs_are_checked() -> None:
    weekly = parse_cron("0 6 * * SAT")
    breach = worst_breach(weekly, LA, dt.time(7), NY, dt.date(2026, 1, 5), days=14)
    assert breach is not None
    assert (breach.day, breach.late_days, breach.checked_days) == (dt.date(2026, 1, 10), 2, 14)
