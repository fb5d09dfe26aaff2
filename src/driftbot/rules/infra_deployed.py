"""Deployed resources (gcloud inventories) against the infrastructure SSOT.

Findings sit at the SSOT line that states the truth; the message names the inventory it was read
from. A kind that no inventory lists is not checked (no listing is not the same as nothing deployed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from driftbot import schedule
from driftbot.extract.shell import Value
from driftbot.ftypes import Finding
from driftbot.rules.catalog import finding
from driftbot.rules.infra_common import Deployed, endpoint_of, same_zone
from driftbot.ssot.infra import Infrastructure, SchedulerJob


def check_deployed(infra: Infrastructure, deployed: Deployed, today: dt.date) -> Iterator[Finding]:
    yield from _topics(infra, deployed)
    yield from _subscriptions(infra, deployed)
    yield from _jobs(infra, deployed, today)
    yield from _services(infra, deployed)


def _topics(infra: Infrastructure, deployed: Deployed) -> Iterator[Finding]:
    if deployed.topics is None:
        return
    names = {t.name for t in deployed.topics}
    for topic in infra.topics:
        if topic.name not in names:
            loc = infra.loc("topic", topic.name)
            role = " (the dead-letter topic)" if topic.name in infra.dead_letter_topics else ""
            yield finding(
                "topic-missing",
                loc,
                f"topic {topic.name!r}{role} is not deployed ({deployed.source('topics')})",
                ssot=loc.path,
                symbol=topic.name,
                fixable=False,
            )


def _subscriptions(infra: Infrastructure, deployed: Deployed) -> Iterator[Finding]:
    if deployed.subscriptions is None:
        return
    source = deployed.source("subscriptions")
    for sub in infra.subscriptions:
        label = f"deployed subscription {sub.name!r}"
        ssot = infra.loc("subscription", sub.name).path
        dep = next((d for d in deployed.subscriptions if d.name == sub.name), None)
        if dep is None:
            yield finding(
                "subscription-endpoint-mismatch",
                infra.loc("subscription", sub.name),
                f"subscription {sub.name!r} is not deployed ({source})",
                ssot=ssot,
                symbol=sub.name,
            )
            continue
        if dep.topic != sub.topic:
            yield finding(
                "subscription-endpoint-mismatch",
                infra.loc("subscription", sub.name, "topic"),
                f"{label} reads topic {dep.topic!r}; the SSOT says {sub.topic!r} ({source})",
                ssot=ssot,
                symbol=sub.name,
                actual=dep.topic,
                expected=sub.topic,
            )
        want = sub.push_endpoint
        where = infra.loc("subscription", sub.name, "push_endpoint")
        if want is not None and dep.push_endpoint is None:
            yield finding(
                "subscription-endpoint-mismatch",
                where,
                f"{label} is a pull subscription; the SSOT pushes to {want.service} {want.path} ({source})",
                ssot=ssot,
                symbol=sub.name,
            )
        elif want is not None and dep.push_endpoint is not None:
            ref = endpoint_of(Value((dep.push_endpoint,)), infra, deployed.urls)
            why = ref.mismatch(want.service, want.path)
            if why:
                yield finding(
                    "subscription-endpoint-mismatch",
                    where,
                    f"{label} pushes to {dep.push_endpoint}: {why}; "
                    f"the SSOT pushes to {want.service} {want.path} ({source})",
                    ssot=ssot,
                    symbol=sub.name,
                    actual=dep.push_endpoint,
                    expected=f"{want.service} {want.path}",
                )
        if sub.dead_letter_topic is not None and dep.dead_letter_topic != sub.dead_letter_topic:
            has = f"dead-letters to {dep.dead_letter_topic!r}" if dep.dead_letter_topic else "has no dead-letter policy"
            yield finding(
                "dead-letter-missing",
                infra.loc("subscription", sub.name, "dead_letter_topic"),
                f"{label} {has}; the SSOT dead-letters to {sub.dead_letter_topic!r} ({source})",
                ssot=ssot,
                symbol=sub.name,
                actual=dep.dead_letter_topic,
                expected=sub.dead_letter_topic,
            )
        if dep.ack_deadline_seconds is not None and dep.ack_deadline_seconds != sub.ack_deadline_seconds:
            yield finding(
                "subscription-endpoint-mismatch",
                infra.loc("subscription", sub.name, "ack_deadline_seconds"),
                f"{label} has an ack deadline of {dep.ack_deadline_seconds}s; the SSOT says "
                f"{sub.ack_deadline_seconds}s ({source})",
                ssot=ssot,
                symbol=sub.name,
                actual=str(dep.ack_deadline_seconds),
                expected=str(sub.ack_deadline_seconds),
            )


def _jobs(infra: Infrastructure, deployed: Deployed, today: dt.date) -> Iterator[Finding]:
    if deployed.scheduler_jobs is None:
        return
    source = deployed.source("scheduler_jobs")
    for job in infra.jobs:
        ssot = infra.loc("job", job.name).path
        dep = next((d for d in deployed.scheduler_jobs if d.name == job.name), None)
        if dep is None or (dep.state or "ENABLED") != "ENABLED":
            how = "is not deployed" if dep is None else f"is deployed but {dep.state}"
            yield finding(
                "scheduler-job-missing",
                infra.loc("job", job.name),
                f"scheduler job {job.name!r} {how} ({source})",
                ssot=ssot,
                symbol=job.name,
            )
            if dep is None:
                continue
        label = f"deployed scheduler job {job.name!r}"
        at_schedule = infra.loc("job", job.name, "schedule")
        try:
            cron = schedule.parse_cron(dep.schedule)
        except schedule.ScheduleError as exc:
            yield finding("schedule-mismatch", at_schedule, f"{label}: {exc} ({source})", ssot=ssot, symbol=job.name)
            continue
        if not cron.same_as(schedule.parse_cron(job.schedule)):
            yield finding(
                "schedule-mismatch",
                at_schedule,
                f"{label} has schedule {dep.schedule!r}; the SSOT says {job.schedule!r} ({source})",
                ssot=ssot,
                symbol=job.name,
                actual=dep.schedule,
                expected=job.schedule,
            )
        if not same_zone(dep.time_zone, job.time_zone):
            yield finding(
                "time-zone-mismatch",
                infra.loc("job", job.name, "time_zone"),
                f"{label} runs in {dep.time_zone!r}; the SSOT says {job.time_zone!r} ({source})",
                ssot=ssot,
                symbol=job.name,
                actual=dep.time_zone,
                expected=job.time_zone,
            )
        yield from _sla(infra, job, cron, dep.time_zone, label, source, today)
        yield from _target(infra, deployed, job, dep.uri, dep.http_method, dep.topic, label, source)


def _sla(
    infra: Infrastructure, job: SchedulerJob, cron: schedule.Cron, tz: str, label: str, source: str, today: dt.date
) -> Iterator[Finding]:
    sla = infra.sla(job.sla) if job.sla else None
    if sla is None:
        return
    try:
        breach = schedule.worst_breach(
            cron, schedule.zone(tz), schedule.parse_deadline(sla.deadline), schedule.zone(sla.time_zone), today
        )
    except schedule.ScheduleError:
        return  # an unknown deployed zone is a time-zone-mismatch already
    if breach is not None:
        yield finding(
            "sla-breach",
            infra.loc("job", job.name, "schedule"),
            f"{label} misses SLA {sla.name!r} ({sla.deadline} {sla.time_zone}): {breach.describe()} ({source})",
            ssot=infra.loc("job", job.name).path,
            symbol=job.name,
            actual=f"{cron.text} {tz}",
            expected=f"by {sla.deadline} {sla.time_zone}",
            extra=(("worst_date", breach.day.isoformat()), ("late_days", str(breach.late_days))),
        )


def _target(
    infra: Infrastructure,
    deployed: Deployed,
    job: SchedulerJob,
    uri: str | None,
    method: str | None,
    topic: str | None,
    label: str,
    source: str,
) -> Iterator[Finding]:
    ssot = infra.loc("job", job.name).path
    where = infra.loc("job", job.name, "target" if job.target else "topic")
    if job.target is not None:
        want = f"{job.target.method} {job.target.service} {job.target.path}"
        ref = endpoint_of(Value((uri,)), infra, deployed.urls) if uri else None
        why = ref.mismatch(job.target.service, job.target.path) if ref else "no HTTP target"
        if why is None and method is not None and method != job.target.method:
            why = f"method {method}"
        if why:
            yield finding(
                "endpoint-missing",
                where,
                f"{label} calls {uri or 'nothing'}: {why}; the SSOT target is {want} ({source})",
                ssot=ssot,
                symbol=job.name,
                actual=uri or topic,
                expected=want,
            )
    elif job.topic is not None and topic != job.topic:
        yield finding(
            "endpoint-missing",
            where,
            f"{label} publishes to {topic or 'no topic'}; the SSOT target is topic {job.topic!r} ({source})",
            ssot=ssot,
            symbol=job.name,
            actual=topic,
            expected=job.topic,
        )


def _services(infra: Infrastructure, deployed: Deployed) -> Iterator[Finding]:
    if deployed.services is None:
        return
    source = deployed.source("services")
    for service in infra.services:
        dep = next((d for d in deployed.services if d.name == service.name), None)
        ssot = infra.loc("service", service.name).path
        paths = ", ".join(e.path for e in service.endpoints)
        if dep is None:
            yield finding(
                "endpoint-missing",
                infra.loc("service", service.name),
                f"service {service.name!r} is not deployed, so its endpoints ({paths}) are missing ({source})",
                ssot=ssot,
                symbol=service.name,
            )
        elif dep.region is not None and dep.region != service.region:
            yield finding(
                "endpoint-missing",
                infra.loc("service", service.name, "region"),
                f"service "
                f"{service.name!r} is deployed to {dep.region}; the SSOT serves its endpoints from "
                f"{service.region} ({source})",
                ssot=ssot,
                symbol=service.name,
                actual=dep.region,
                expected=service.region,
            )
