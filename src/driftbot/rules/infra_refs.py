"""Topics, service URLs and job schedules written in code and config, against the infrastructure SSOT.

Precision first: a topic is reported only when the SSOT names a topic it nearly is (`x` for
`x-prod`, a typo), a URL only when its host is an SSOT service's and its path is not one of that
service's endpoints, a job definition only when the SSOT names the job (a templated name, `job-${ENV}`,
only when it fits exactly one SSOT job and is mostly literal text). Everything else (another team's
topic, a test fixture, a job the SSOT does not know, a template that fits several jobs) stays silent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping

from driftbot.extract.infra_refs import JobRecord, Ref, topic_name
from driftbot.extract.shell import Fetch, Flag, GcloudCommand, Hole, Value
from driftbot.ftypes import Finding, Location
from driftbot.rules.catalog import finding
from driftbot.rules.infra_common import endpoint_of
from driftbot.rules.infra_scripts import job_findings
from driftbot.ssot.infra import Infrastructure, SchedulerJob

PRODUCTION_SUFFIXES = ("prod", "production", "prd")
MAX_TOPIC_EDITS = 2  # a topic this many edits from an SSOT topic is a near miss (a typo)
OTHER_ENVIRONMENTS = frozenset({"dev", "develop", "staging", "stage", "test", "qa", "local", "sandbox", "uat"})


def check_refs(infra: Infrastructure, refs: Iterable[Ref], urls: Mapping[str, str]) -> Iterator[Finding]:
    for ref in refs:
        if ref.kind == "topic":
            yield from _topic(infra, ref)
        else:
            yield from _url(infra, ref, urls)


def _topic(infra: Infrastructure, ref: Ref) -> Iterator[Finding]:
    name = topic_name(ref.value)
    if infra.topic(name) is not None or not infra.topics:
        return
    near = near_topic(name, [t.name for t in infra.topics])
    if near is None:
        return
    declared, why = near
    where = infra.loc("topic", declared)
    suffix_only = declared.startswith(f"{name}-")
    yield finding(
        "topic-missing",
        ref.location,
        f"topic {name!r} ({ref.how}) is not in the SSOT; it declares {declared!r}",
        ssot=where.path,
        symbol=declared,
        actual=name,
        expected=declared,
        evidence=(ref.how, f"the SSOT declares {declared!r} at {where}", why),
        # The missing suffix is a certain rename; a typo is likely (`fix --confidence likely` applies it).
        confidence="certain" if suffix_only else "likely",
        fixable=ref.exact and name == ref.value,
    )


def near_miss_pieces(declared: str) -> set[str]:
    """Substrings of which every near miss of topic `declared` (as `near_topic` judges) holds one.

    A name within MAX_TOPIC_EDITS edits of `declared` keeps at least one of MAX_TOPIC_EDITS + 1
    disjoint pieces of it intact (each edit touches at most one piece); a name that lacks a production
    suffix is a prefix of `declared`, so it holds the first piece of the name without that suffix.
    The scan reads only files holding a piece: the others cannot name a near miss.
    """
    pieces = set(_pieces(declared, MAX_TOPIC_EDITS + 1))
    for suffix in PRODUCTION_SUFFIXES:
        if declared.endswith(f"-{suffix}"):
            pieces.add(_pieces(declared.removesuffix(f"-{suffix}"), MAX_TOPIC_EDITS + 1)[0])
    return pieces


def _pieces(text: str, count: int) -> list[str]:
    size = max(1, len(text) // count)
    cuts = [min(len(text), k * size) for k in range(count)] + [len(text)]
    return [text[a:b] for a, b in itertools.pairwise(cuts) if text[a:b]]


def near_topic(name: str, declared: list[str]) -> tuple[str, str] | None:
    """The one SSOT topic `name` is a near miss of, and why; None when there is none or no single one."""
    for suffix in PRODUCTION_SUFFIXES:
        if f"{name}-{suffix}" in declared:
            return f"{name}-{suffix}", f"the name lacks the -{suffix} suffix"
    base, _, env = name.rpartition("-")
    if env in OTHER_ENVIRONMENTS and base:
        return None  # another environment's topic, on purpose
    if len(name) < 6:
        return None
    scored = sorted((_distance(name, d, MAX_TOPIC_EDITS), d) for d in declared)
    best = [d for score, d in scored if score <= MAX_TOPIC_EDITS and score == scored[0][0]]
    if len(best) != 1:
        return None
    return best[0], f"{_distance(name, best[0], MAX_TOPIC_EDITS)} character(s) from it"


def _distance(a: str, b: str, cap: int) -> int:
    """Levenshtein distance, or cap + 1 once it is larger than `cap` (banded: linear in the length)."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [cap + 1] * len(b)
        for j in range(max(1, i - cap), min(len(b), i + cap) + 1):
            cost = 0 if ca == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        previous = current
    return min(previous[len(b)], cap + 1)


def _url(infra: Infrastructure, ref: Ref, urls: Mapping[str, str]) -> Iterator[Finding]:
    if ref.value.startswith(("https://", "http://")):
        yield from url_findings(infra, Value((ref.value,)), ref.location, ref.how, urls)


def check_fetches(infra: Infrastructure, fetches: Iterable[Fetch], urls: Mapping[str, str]) -> Iterator[Finding]:
    """URLs a deploy script hands to `curl` / `wget` / httpie, with the same evidence as URLs in code."""
    for f in fetches:
        yield from url_findings(infra, f.url.value, f.url.location, f"{f.client} in a shell script", urls)


def url_findings(
    infra: Infrastructure, value: Value, location: Location, how: str, urls: Mapping[str, str]
) -> Iterator[Finding]:
    """endpoint-missing when the URL's host is an SSOT service's (its Cloud Run host, its listed URL, or
    the URL `gcloud run services describe` gave) and its path is none of that service's endpoints."""
    target = endpoint_of(value, infra, urls)
    service = infra.service(target.service) if target.service else None
    path = target.path.text
    if service is None or path is None or path.rstrip("/") in ("", service.health_path):
        return
    served = [e.path for e in service.endpoints]
    if any(path.rstrip("/") == p or path.startswith(f"{p}/") for p in served):
        return  # an endpoint, or a resource under it (`/status/<batch>`)
    known = ", ".join(e.path for e in service.endpoints)
    where = infra.loc("service", service.name)
    first = value.parts[0] if value.parts else ""
    host = f"the host {first.label}" if isinstance(first, Hole) else "the host"  # `$URL`: a described service's
    yield finding(
        "endpoint-missing",
        location,
        f"{value.shown} ({how}) calls path {path} of service {service.name!r}, which serves {known}",
        ssot=where.path,
        symbol=service.name,
        actual=path,
        expected=known,
        evidence=(how, f"{host} is service {service.name!r}'s ({where})"),
    )


def check_records(
    infra: Infrastructure, records: Iterable[JobRecord], urls: Mapping[str, str], today: dt.date
) -> Iterator[Finding]:
    """A job definition (bash array element, YAML document) read like `gcloud scheduler jobs update`."""
    for record in records:
        name = record.name.value.text
        job = infra.job(name) if name else template_job(infra, record.name.value)
        if job is None or record.schedule is None:
            continue
        flags = [Flag("schedule", record.schedule, record.schedule.location)]
        if record.time_zone is not None:
            flags.append(Flag("time-zone", record.time_zone, record.time_zone.location))
        kind = None
        if record.target is not None and job.target is not None:
            flags.append(Flag("uri", record.target, record.target.location))
            kind = "http"
        command = GcloudCommand("scheduler jobs", "update", kind, (record.name,), tuple(flags), record.name.location)
        label = f"scheduler job {job.name!r} ({record.how})"
        where = infra.loc("job", job.name)
        fits = () if name else (f"{record.name.value.shown} fits no other SSOT job",)
        for f in job_findings(command, job, label, infra=infra, urls=urls, today=today):
            if f.rule == "endpoint-missing" and f.location == command.location:
                continue  # the kind of target is gcloud's business, not a definition's
            evidence = (record.how, f"the SSOT defines {job.name!r} at {where}", *fits, *f.evidence)
            yield dataclasses.replace(f, evidence=evidence)


MIN_TEMPLATE_TEXT = 5  # literal characters a templated job name must hold to be matched at all


def template_job(infra: Infrastructure, name: Value) -> SchedulerJob | None:
    """The one SSOT job a templated name (`job-${ENV}`) fits; None when none or several do, or when the
    name is mostly holes (`$job` fits anything: it names no job)."""
    literal = sum(len(p) for p in name.parts if isinstance(p, str))
    if literal < MIN_TEMPLATE_TEXT:
        return None
    fits = [j for j in infra.jobs if name.matches(j.name)]
    return fits[0] if len(fits) == 1 and literal * 2 >= len(fits[0].name) else None
