"""Deploy scripts (shell, Cloud Build) against the infrastructure SSOT.

A name with an unresolved variable matches every SSOT entry it could be; a finding is reported only
when it is the same finding for all of them (so `job-${ENVIRONMENT}` is checked against each `job-*` in
the SSOT, and a schedule differing from two jobs' different schedules is not reported).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from typing import TypeVar

from driftbot import schedule
from driftbot.extract.shell import Flag, GcloudCommand, Value, Word, quote
from driftbot.ftypes import Finding, Location
from driftbot.inventory.gcloud import short
from driftbot.rules.catalog import finding
from driftbot.rules.infra_common import endpoint_of, same_zone
from driftbot.ssot.infra import Infrastructure, SchedulerJob, Subscription

T = TypeVar("T", SchedulerJob, Subscription)


def check_scripts(
    infra: Infrastructure, commands: Sequence[GcloudCommand], urls: Mapping[str, str], today: dt.date
) -> Iterator[Finding]:
    for cmd in commands:
        if cmd.group == "scheduler jobs":
            yield from _for_candidates(
                cmd,
                infra.jobs,
                partial(job_findings, cmd, infra=infra, urls=urls, today=today),
                "scheduler-job-missing",
            )
        elif cmd.group == "pubsub subscriptions":
            yield from _for_candidates(
                cmd,
                infra.subscriptions,
                partial(_subscription, cmd, infra=infra, urls=urls),
                "subscription-endpoint-mismatch",
            )
        elif cmd.group == "pubsub topics":
            for word in cmd.names:
                if word.value.text is not None and infra.topic(word.value.text) is None:
                    yield finding(
                        "topic-missing",
                        word.location,
                        f"creates topic {word.value.text!r}, which the SSOT does not declare",
                        actual=word.value.text,
                        fixable=False,
                    )
        elif cmd.group == "run":
            yield from _service(cmd, infra)
    yield from _coverage(infra, commands)


def _for_candidates(
    cmd: GcloudCommand, entries: Sequence[T], check: Callable[[T, str], Iterator[Finding]], unknown_rule: str
) -> Iterator[Finding]:
    word = cmd.name
    if word is None:
        return
    noun = "scheduler job" if cmd.group == "scheduler jobs" else "subscription"
    candidates = [e for e in entries if word.value.matches(e.name)]
    if not candidates:
        if word.value.text is not None:
            yield finding(unknown_rule, word.location, f"{noun} {word.value.text!r} is not declared in the SSOT")
        return
    if word.value.text is not None:
        label = f"{noun} {word.value.text!r}"
    elif len(candidates) == 1:
        label = f"{noun} {candidates[0].name!r} (as {word.value.shown})"
    else:
        label = f"{noun} {word.value.shown} (any of {', '.join(repr(c.name) for c in candidates)})"
    per = [list(check(c, label)) for c in candidates]
    # Only what holds whichever entry it is: the same finding (same place, same value, same fix) for each.
    # A schedule that differs from two jobs' two schedules says nothing certain about either.
    common = set.intersection(*({_claim(f) for f in found} for found in per))
    yield from (f for f in per[0] if _claim(f) in common)


def _claim(f: Finding) -> tuple[str, Location, str | None, str | None]:
    return f.rule, f.location, f.actual, f.expected


def job_findings(
    cmd: GcloudCommand, job: SchedulerJob, label: str, infra: Infrastructure, urls: Mapping[str, str], today: dt.date
) -> Iterator[Finding]:
    ssot = infra.loc("job", job.name).path
    creating = cmd.verb == "create"
    expected_cron = schedule.parse_cron(job.schedule)
    sched_flag, tz_flag = cmd.flag("schedule"), cmd.flag("time-zone")
    deployed_cron: schedule.Cron | None = None
    schedule_differs = False
    sched_text = _text(sched_flag)
    if sched_flag is not None and sched_text is not None:
        try:
            deployed_cron = schedule.parse_cron(sched_text)
        except schedule.ScheduleError as exc:
            yield finding("schedule-mismatch", sched_flag.location, f"{label}: {exc}", ssot=ssot, symbol=job.name)
        else:
            schedule_differs = not deployed_cron.same_as(expected_cron)
            if schedule_differs:
                tz_written = _text(tz_flag) if tz_flag is not None else None
                hint = utc_hint(deployed_cron, expected_cron, job.time_zone, tz_written or job.time_zone, today)
                yield finding(
                    "schedule-mismatch",
                    sched_flag.location,
                    f"{label} gets schedule {sched_text!r} here; the SSOT says {job.schedule!r}",
                    ssot=ssot,
                    symbol=job.name,
                    actual=sched_text,
                    expected=f"--schedule={quote(job.schedule)}",
                    evidence=(hint,) if hint else (),
                )
    tz_text = _text(tz_flag) if tz_flag is not None else ("Etc/UTC" if creating else job.time_zone)
    tz_where = tz_flag.location if tz_flag is not None else cmd.location
    tz_differs = tz_text is not None and not same_zone(tz_text, job.time_zone)
    if tz_differs:
        how = f"time zone {tz_text!r} here" if tz_flag is not None else "no --time-zone (Cloud Scheduler uses Etc/UTC)"
        yield finding(
            "time-zone-mismatch",
            tz_where,
            f"{label} gets {how}; the SSOT says {job.time_zone!r}",
            ssot=ssot,
            symbol=job.name,
            actual=tz_text,
            expected=f"--time-zone={quote(job.time_zone)}",
        )
    cron = deployed_cron if sched_flag is not None else expected_cron
    if job.sla is not None and cron is not None and tz_text is not None and (schedule_differs or tz_differs):
        where = sched_flag.location if schedule_differs and sched_flag is not None else tz_where
        yield from _sla(label, job.sla, cron, tz_text, where, infra, today, ssot, job.name)
    yield from _job_target(cmd, job, label, ssot, infra, urls)


def utc_hint(
    deployed: schedule.Cron, expected: schedule.Cron, zone: str, written_zone: str, today: dt.date
) -> str | None:
    """Why a wrong schedule looks like the SSOT's wall time converted to UTC (and then labelled `zone`)."""
    if not same_zone(written_zone, zone) or same_zone(zone, "UTC") or deployed.minutes != expected.minutes:
        return None
    try:
        tz = schedule.zone(zone)
    except schedule.ScheduleError:
        return None
    for month in (1, 7):  # standard and summer time
        day = dt.date(today.year, month, 15)
        utc = {dt.datetime.combine(day, dt.time(h), tz).astimezone(dt.UTC).hour for h in expected.hours}
        if tuple(sorted(utc)) == deployed.hours:
            shown = ", ".join(f"{h:02d}" for h in deployed.hours)
            return f"hour {shown} is the SSOT's hour in UTC ({'January' if month == 1 else 'July'}), not in {zone}"
    return None


def _sla(
    label: str,
    sla_name: str,
    cron: schedule.Cron,
    tz_text: str,
    where: Location,
    infra: Infrastructure,
    today: dt.date,
    ssot: str,
    symbol: str,
) -> Iterator[Finding]:
    sla = infra.sla(sla_name)
    if sla is None:
        return
    try:
        breach = schedule.worst_breach(
            cron, schedule.zone(tz_text), schedule.parse_deadline(sla.deadline), schedule.zone(sla.time_zone), today
        )
    except schedule.ScheduleError as exc:
        yield finding("time-zone-mismatch", where, f"{label}: {exc}", ssot=ssot, symbol=symbol)
        return
    if breach is not None:
        yield finding(
            "sla-breach",
            where,
            f"{label} misses SLA {sla.name!r} ({sla.deadline} {sla.time_zone}): {breach.describe()}",
            ssot=ssot,
            symbol=symbol,
            actual=f"{cron.text} {tz_text}",
            expected=f"by {sla.deadline} {sla.time_zone}",
            extra=(("worst_date", breach.day.isoformat()), ("late_days", str(breach.late_days))),
        )


def _job_target(
    cmd: GcloudCommand, job: SchedulerJob, label: str, ssot: str, infra: Infrastructure, urls: Mapping[str, str]
) -> Iterator[Finding]:
    if cmd.kind == "http" and job.target is not None:
        target = job.target
        want = f"{target.method} {target.service} {target.path}"
        uri = cmd.flag("uri")
        if uri is not None and uri.value is not None:
            why = endpoint_of(uri.value.value, infra, urls).mismatch(target.service, target.path)
            if why:
                yield finding(
                    "endpoint-missing",
                    uri.location,
                    f"{label} calls {uri.value.value.shown}: {why}; the SSOT target is {want}",
                    ssot=ssot,
                    symbol=job.name,
                    actual=uri.value.value.shown,
                    expected=want,
                )
        method_flag = cmd.flag("http-method")
        method = _text(method_flag) if method_flag is not None else ("POST" if cmd.verb == "create" else None)
        if method is not None and method.upper() != target.method:
            where = method_flag.location if method_flag is not None else cmd.location
            yield finding(
                "endpoint-missing",
                where,
                f"{label} calls with {method.upper()}; the SSOT target is {want}",
                ssot=ssot,
                symbol=job.name,
                actual=method.upper(),
                expected=target.method,
            )
    elif cmd.kind == "pubsub" and job.topic is not None:
        topic = cmd.flag("topic")
        text = _text(topic)
        if topic is not None and text is not None and short(text, "topics") != job.topic:
            yield finding(
                "endpoint-missing",
                topic.location,
                f"{label} publishes to {text!r}; the SSOT target is topic {job.topic!r}",
                ssot=ssot,
                symbol=job.name,
                actual=text,
                expected=job.topic,
            )
    elif cmd.kind in ("http", "pubsub", "app-engine"):
        want = f"topic {job.topic!r}" if job.topic else "an HTTP target"
        yield finding(
            "endpoint-missing",
            cmd.location,
            f"{label} is deployed as a {cmd.kind} job; the SSOT wants {want}",
            ssot=ssot,
            symbol=job.name,
        )


def _subscription(
    cmd: GcloudCommand, sub: Subscription, label: str, infra: Infrastructure, urls: Mapping[str, str]
) -> Iterator[Finding]:
    ssot = infra.loc("subscription", sub.name).path
    creating = cmd.verb == "create"
    topic_flag = cmd.flag("topic")
    topic = _text(topic_flag)
    if topic_flag is not None and topic is not None:
        name = short(topic, "topics")
        if infra.topic(name) is None:
            yield finding(
                "topic-missing",
                topic_flag.location,
                f"{label} reads topic {name!r}, which the SSOT lacks",
                ssot=ssot,
                symbol=sub.name,
                actual=name,
                expected=sub.topic,
                fixable=False,
            )
        elif name != sub.topic:
            yield finding(
                "subscription-endpoint-mismatch",
                topic_flag.location,
                f"{label} reads topic {name!r}; the SSOT says {sub.topic!r}",
                ssot=ssot,
                symbol=sub.name,
                actual=name,
                expected=sub.topic,
            )
    push = cmd.flag("push-endpoint")
    want = sub.push_endpoint
    if want is None and push is not None:
        yield finding(
            "subscription-endpoint-mismatch",
            push.location,
            f"{label} is a pull subscription in the SSOT",
            ssot=ssot,
            symbol=sub.name,
        )
    elif want is not None and push is None and creating:
        yield finding(
            "subscription-endpoint-mismatch",
            cmd.location,
            f"{label} is created without --push-endpoint; the SSOT pushes to {want.service} {want.path}",
            ssot=ssot,
            symbol=sub.name,
        )
    elif want is not None and push is not None and push.value is not None:
        why = endpoint_of(push.value.value, infra, urls).mismatch(want.service, want.path)
        if why:
            yield finding(
                "subscription-endpoint-mismatch",
                push.location,
                f"{label} pushes to {push.value.value.shown}: {why}; the SSOT pushes to {want.service} {want.path}",
                ssot=ssot,
                symbol=sub.name,
                actual=push.value.value.shown,
                expected=f"{want.service} {want.path}",
            )
    yield from _dead_letter(cmd, sub, label, ssot)
    ack = cmd.flag("ack-deadline")
    ack_text = _text(ack) if ack is not None else ("10" if creating else None)
    if ack_text is not None and ack_text.isdigit() and int(ack_text) != sub.ack_deadline_seconds:
        yield finding(
            "subscription-endpoint-mismatch",
            ack.location if ack else cmd.location,
            f"{label} has an ack deadline of {ack_text}s; the SSOT says {sub.ack_deadline_seconds}s "
            "(for push, the endpoint's request timeout)",
            ssot=ssot,
            symbol=sub.name,
            actual=ack_text,
            expected=str(sub.ack_deadline_seconds),
        )


def _dead_letter(cmd: GcloudCommand, sub: Subscription, label: str, ssot: str) -> Iterator[Finding]:
    if sub.dead_letter_topic is None:
        return
    flag, cleared = cmd.flag("dead-letter-topic"), cmd.flag("clear-dead-letter-policy")
    want = sub.dead_letter_topic
    if cleared is not None:
        yield finding(
            "dead-letter-missing",
            cleared.location,
            f"{label} clears its dead-letter policy; the SSOT dead-letters to {want!r}",
            ssot=ssot,
            symbol=sub.name,
            expected=want,
        )
    elif flag is None and cmd.verb == "create":
        yield finding(
            "dead-letter-missing",
            cmd.location,
            f"{label} is created without --dead-letter-topic; the SSOT dead-letters to {want!r}",
            ssot=ssot,
            symbol=sub.name,
            expected=want,
        )
    elif flag is not None and (text := _text(flag)) is not None and short(text, "topics") != want:
        yield finding(
            "dead-letter-missing",
            flag.location,
            f"{label} dead-letters to {text!r}; the SSOT says {want!r}",
            ssot=ssot,
            symbol=sub.name,
            actual=text,
            expected=want,
        )
    attempts = cmd.flag("max-delivery-attempts")
    attempts_text = _text(attempts) if attempts is not None else ("5" if cmd.verb == "create" else None)
    wanted = sub.max_delivery_attempts
    if wanted is not None and attempts_text is not None and attempts_text != str(wanted):
        yield finding(
            "dead-letter-missing",
            attempts.location if attempts else cmd.location,
            f"{label} allows {attempts_text} delivery attempts before dead-lettering; the SSOT says {wanted}",
            ssot=ssot,
            symbol=sub.name,
            actual=attempts_text,
            expected=str(wanted),
        )


def _service(cmd: GcloudCommand, infra: Infrastructure) -> Iterator[Finding]:
    name = cmd.name.value.text if cmd.name else None
    service = infra.service(name) if name else None
    region = cmd.flag("region")
    text = _text(region)
    if service is not None and region is not None and text is not None and text != service.region:
        yield finding(
            "endpoint-missing",
            region.location,
            f"service {service.name!r} is deployed to {text}; the SSOT serves its endpoints from {service.region}",
            ssot=infra.loc("service", service.name).path,
            symbol=service.name,
            actual=text,
            expected=service.region,
        )


def _coverage(infra: Infrastructure, commands: Sequence[GcloudCommand]) -> Iterator[Finding]:
    """SSOT entries no script creates or updates, once some script creates that kind of resource."""
    kinds = (
        ("pubsub topics", "topic", infra.topics, "topic-missing", "creates"),
        ("pubsub subscriptions", "subscription", infra.subscriptions, "subscription-endpoint-mismatch", "creates"),
        ("scheduler jobs", "job", infra.jobs, "scheduler-job-missing", "creates or updates"),
    )
    for group, kind, entries, rule, verb in kinds:
        mine = [c for c in commands if c.group == group]
        if not any(c.verb == "create" for c in mine):
            continue  # only update commands here (a hotfix): they need not touch every entry
        words: list[Word] = [w for c in mine for w in (c.names if kind == "topic" else c.names[:1])]
        scripts = sorted({w.location.path for w in words})
        for entry in entries:
            if not any(w.value.matches(entry.name) for w in words):
                noun = "scheduler job" if kind == "job" else kind
                yield finding(
                    rule,
                    infra.loc(kind, entry.name),
                    f"{noun} {entry.name!r} is in the SSOT, but no deploy script ({', '.join(scripts[:3])}) {verb} it",
                    ssot=infra.loc(kind, entry.name).path,
                    symbol=entry.name,
                    fixable=False,
                )


def _text(flag: Flag | None) -> str | None:
    if flag is None or flag.value is None:
        return None
    value: Value = flag.value.value
    return value.text
