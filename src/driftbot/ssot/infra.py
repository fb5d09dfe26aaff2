"""The infrastructure SSOT under `ssot/infrastructure/`: Pub/Sub, Cloud Run, Cloud Scheduler and SLAs.

Three optional files, each pydantic-validated with positioned errors, then cross-checked: names are
unique, every reference (SLA, service, endpoint, topic) resolves, and no scheduler job fires after its
own SLA deadline on any day of the coming year (see `driftbot.schedule`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from driftbot import repofs, schedule, yamlpos
from driftbot.ftypes import Location
from driftbot.paths import display
from driftbot.ssot.models import SUPPORTED_VERSIONS, Strict
from driftbot.yamlpos import Positioned, Problem, YamlProblems

NAME = r"^[A-Za-z0-9_\-.]+$"
PATH = r"^/[^\s?#]*$"
Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]


class _Deferred(Strict):
    """Validators built when the first infrastructure file is read: a repository without one never builds them."""

    model_config = ConfigDict(defer_build=True)


class Topic(_Deferred):
    name: str = Field(pattern=NAME)
    description: str | None = None


class PushEndpoint(_Deferred):
    service: str
    path: str = Field(pattern=PATH)


class Subscription(_Deferred):
    name: str = Field(pattern=NAME)
    topic: str
    push_endpoint: PushEndpoint | None = None  # None: a pull subscription
    dead_letter_topic: str | None = None
    max_delivery_attempts: int | None = Field(default=None, ge=5, le=100)
    ack_deadline_seconds: int = Field(default=10, ge=10, le=600)
    description: str | None = None


class PubsubFile(_Deferred):
    version: str
    topics: list[Topic] = Field(default_factory=list)
    subscriptions: list[Subscription] = Field(default_factory=list)


class Endpoint(_Deferred):
    path: str = Field(pattern=PATH)
    method: Method = "POST"
    description: str | None = None


class Service(_Deferred):
    name: str = Field(pattern=NAME)
    region: str
    health_path: str = Field(default="/health", pattern=PATH)
    endpoints: list[Endpoint] = Field(default_factory=list)
    description: str | None = None

    def endpoint(self, path: str) -> Endpoint | None:
        return next((e for e in self.endpoints if e.path == path), None)


class ServicesFile(_Deferred):
    version: str
    services: list[Service] = Field(default_factory=list)


class Sla(_Deferred):
    name: str = Field(pattern=NAME)
    deadline: str  # "HH:MM", local time in `time_zone`
    time_zone: str
    description: str | None = None


class HttpTarget(_Deferred):
    service: str
    path: str = Field(pattern=PATH)
    method: Method = "POST"


class SchedulerJob(_Deferred):
    name: str = Field(pattern=NAME)
    schedule: str
    time_zone: str = "Etc/UTC"  # Cloud Scheduler's default
    target: HttpTarget | None = None
    topic: str | None = None  # a Pub/Sub target instead of an HTTP one
    sla: str | None = None  # the SLA this job's runs must meet
    location: str | None = None
    description: str | None = None

    @model_validator(mode="after")
    def _one_target(self) -> SchedulerJob:
        if (self.target is None) == (self.topic is None):
            raise ValueError("a scheduler job needs exactly one of 'target' (HTTP) or 'topic' (Pub/Sub)")
        return self


class SchedulerFile(_Deferred):
    version: str
    slas: list[Sla] = Field(default_factory=list)
    scheduler_jobs: list[SchedulerJob] = Field(default_factory=list)


FILES: dict[str, type[BaseModel]] = {
    "pubsub_topics": PubsubFile,
    "cloud_run_services": ServicesFile,
    "cloud_scheduler_jobs": SchedulerFile,
}
WhereKey = tuple[str, str, str]  # (kind, name, field), e.g. ("job", "phase5-retry-1", "schedule")


@dataclass(frozen=True)
class Infrastructure:
    root: str  # repo-relative path of ssot/infrastructure
    topics: tuple[Topic, ...] = ()
    subscriptions: tuple[Subscription, ...] = ()
    services: tuple[Service, ...] = ()
    slas: tuple[Sla, ...] = ()
    jobs: tuple[SchedulerJob, ...] = ()
    where: Mapping[WhereKey, Location] = field(default_factory=dict, compare=False)

    def loc(self, kind: str, name: str, attr: str = "name") -> Location:
        """Where the SSOT states `attr` of `name` (falls back to the entry, then the directory)."""
        return self.where.get((kind, name, attr)) or self.where.get((kind, name, "name")) or Location(self.root, 1, 1)

    def topic(self, name: str) -> Topic | None:
        return next((t for t in self.topics if t.name == name), None)

    def subscription(self, name: str) -> Subscription | None:
        return next((s for s in self.subscriptions if s.name == name), None)

    def service(self, name: str) -> Service | None:
        return next((s for s in self.services if s.name == name), None)

    def sla(self, name: str) -> Sla | None:
        return next((s for s in self.slas if s.name == name), None)

    def job(self, name: str) -> SchedulerJob | None:
        return next((j for j in self.jobs if j.name == name), None)

    @property
    def dead_letter_topics(self) -> frozenset[str]:
        return frozenset(s.dead_letter_topic for s in self.subscriptions if s.dead_letter_topic)


def check(
    infra_dir: Path, repo: Path, today: dt.date | None = None, *, root: Path | None = None
) -> tuple[Infrastructure | None, list[Problem]]:
    """Load `infra_dir`; return it (None when a file is unusable) and every problem, unsorted."""
    problems: list[Problem] = []
    models: dict[str, BaseModel] = {}
    docs: dict[str, Positioned] = {}
    failed = False
    for path in sorted(infra_dir.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not (path.is_file() or path.is_symlink()):
            continue  # a link is read (and refused when it leaves the repository), never skipped silently
        shown = repofs.display_name(path, repo)
        kind = FILES.get(path.stem)
        if kind is None:
            known = ", ".join(f"{k}.yaml" for k in FILES)
            problems.append(Problem(shown, 1, 1, f"unknown infrastructure file (expected one of {known})"))
            continue
        if path.stem in docs:
            problems.append(Problem(shown, 1, 1, f"{path.stem} is already defined in {docs[path.stem].display_path}"))
            continue
        try:
            doc = yamlpos.load(path, shown, root=root if root is not None else repo)
            models[path.stem] = yamlpos.validate(kind, doc)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            failed = True
            continue
        docs[path.stem] = doc
        version = getattr(models[path.stem], "version", "")
        if version not in SUPPORTED_VERSIONS:
            supported = ", ".join(SUPPORTED_VERSIONS)
            problems.append(doc.problem(("version",), f"unsupported version {version!r} (supported: {supported})"))
    if failed:
        return None, problems  # cross-checks against a half-read SSOT would only add noise
    pubsub = models.get("pubsub_topics")
    services = models.get("cloud_run_services")
    scheduler = models.get("cloud_scheduler_jobs")
    assert pubsub is None or isinstance(pubsub, PubsubFile)
    assert services is None or isinstance(services, ServicesFile)
    assert scheduler is None or isinstance(scheduler, SchedulerFile)
    infra = Infrastructure(
        root=display(infra_dir, repo),
        topics=tuple(pubsub.topics) if pubsub else (),
        subscriptions=tuple(pubsub.subscriptions) if pubsub else (),
        services=tuple(services.services) if services else (),
        slas=tuple(scheduler.slas) if scheduler else (),
        jobs=tuple(scheduler.scheduler_jobs) if scheduler else (),
        where=dict(_positions(docs)),
    )
    problems.extend(_cross_check(infra, today or dt.date.today()))
    return infra, problems


def _positions(docs: Mapping[str, Positioned]) -> Iterator[tuple[WhereKey, Location]]:
    layout = {
        "pubsub_topics": (("topics", "topic"), ("subscriptions", "subscription")),
        "cloud_run_services": (("services", "service"),),
        "cloud_scheduler_jobs": (("slas", "sla"), ("scheduler_jobs", "job")),
    }
    for stem, doc in docs.items():
        for key, kind in layout[stem]:
            for i, entry in enumerate((doc.data or {}).get(key) or []):
                if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                    continue
                for attr in entry:
                    line, col = doc.where((key, i, attr))
                    yield (kind, entry["name"], str(attr)), Location(doc.display_path, line, col)
                    sub = entry[attr]
                    if isinstance(sub, dict):
                        for inner in sub:
                            line, col = doc.where((key, i, attr, inner))
                            yield (kind, entry["name"], f"{attr}.{inner}"), Location(doc.display_path, line, col)


def _cross_check(infra: Infrastructure, today: dt.date) -> Iterator[Problem]:
    def problem(kind: str, name: str, attr: str, message: str) -> Problem:
        loc = infra.loc(kind, name, attr)
        return Problem(loc.path, loc.line, loc.column, message)

    for kind, entries in (
        ("topic", infra.topics),
        ("subscription", infra.subscriptions),
        ("service", infra.services),
        ("sla", infra.slas),
        ("job", infra.jobs),
    ):
        seen: set[str] = set()
        for entry in entries:
            name = entry.name
            if name in seen:
                yield problem(kind, name, "name", f"duplicate {kind} name {name!r}")  # at its last occurrence
            seen.add(name)
    for sub in infra.subscriptions:
        if infra.topic(sub.topic) is None:
            yield problem(
                "subscription", sub.name, "topic", f"subscription {sub.name!r} reads unknown topic {sub.topic!r}"
            )
        if sub.dead_letter_topic and infra.topic(sub.dead_letter_topic) is None:
            yield problem(
                "subscription",
                sub.name,
                "dead_letter_topic",
                f"subscription {sub.name!r} dead-letters to unknown topic {sub.dead_letter_topic!r}",
            )
        if sub.push_endpoint:
            why = _endpoint_problem(infra, sub.push_endpoint.service, sub.push_endpoint.path, "POST")
            if why:
                yield problem("subscription", sub.name, "push_endpoint", f"subscription {sub.name!r} pushes to {why}")
    for sla in infra.slas:
        try:
            schedule.parse_deadline(sla.deadline)
            schedule.zone(sla.time_zone)
        except schedule.ScheduleError as exc:
            attr = "deadline" if "deadline" in str(exc) else "time_zone"
            yield problem("sla", sla.name, attr, f"SLA {sla.name!r}: {exc}")
    for job in infra.jobs:
        yield from (problem("job", job.name, attr, msg) for attr, msg in _job_problems(infra, job, today))


def _endpoint_problem(infra: Infrastructure, service_name: str, path: str, method: str) -> str | None:
    """Why `method path` on `service_name` is not a declared endpoint, or None when it is."""
    service = infra.service(service_name)
    if service is None:
        known = ", ".join(s.name for s in infra.services) or "none declared"
        return f"unknown service {service_name!r} (known: {known})"
    endpoint = service.endpoint(path)
    if endpoint is None:
        paths = ", ".join(e.path for e in service.endpoints) or "none declared"
        return f"unknown endpoint {path!r} of service {service_name!r} (endpoints: {paths})"
    if endpoint.method != method:
        return f"{service_name!r} {path} with {method}, but the endpoint takes {endpoint.method}"
    return None


def _job_problems(infra: Infrastructure, job: SchedulerJob, today: dt.date) -> Iterator[tuple[str, str]]:
    label = f"scheduler job {job.name!r}"
    if job.target is not None:
        why = _endpoint_problem(infra, job.target.service, job.target.path, job.target.method)
        if why:
            yield "target", f"{label} targets {why}"
    if job.topic is not None and infra.topic(job.topic) is None:
        yield "topic", f"{label} publishes to unknown topic {job.topic!r}"
    try:
        cron = schedule.parse_cron(job.schedule)
    except schedule.ScheduleError as exc:
        yield "schedule", f"{label}: {exc}"
        return
    try:
        job_tz = schedule.zone(job.time_zone)
    except schedule.ScheduleError as exc:
        yield "time_zone", f"{label}: {exc}"
        return
    if job.sla is None:
        return
    sla = infra.sla(job.sla)
    if sla is None:
        known = ", ".join(s.name for s in infra.slas) or "none declared"
        yield "sla", f"{label} names unknown SLA {job.sla!r} (known: {known})"
        return
    try:
        deadline, sla_tz = schedule.parse_deadline(sla.deadline), schedule.zone(sla.time_zone)
    except schedule.ScheduleError:
        return  # reported at the SLA
    breach = schedule.worst_breach(cron, job_tz, deadline, sla_tz, today)
    if breach is not None:
        yield "schedule", f"{label} misses SLA {sla.name!r}: {breach.describe()}"
