"""What the infrastructure rules share: deployed resources, URL -> (service, path), small helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from driftbot.extract.shell import Hole, Value
from driftbot.inventory.gcloud import (
    DeployedJob,
    DeployedService,
    DeployedSubscription,
    DeployedTopic,
    GcloudListing,
)
from driftbot.ssot.infra import Infrastructure

_UTC_NAMES = frozenset({"utc", "etc/utc", "gmt", "etc/gmt", "zulu", "etc/zulu", "universal", "etc/universal"})


@dataclass(frozen=True)
class Deployed:
    """Resources read from inventories. A kind is None when no inventory listed it (then it is not checked)."""

    topics: tuple[DeployedTopic, ...] | None = None
    subscriptions: tuple[DeployedSubscription, ...] | None = None
    scheduler_jobs: tuple[DeployedJob, ...] | None = None
    services: tuple[DeployedService, ...] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)  # kind -> inventory URL(s), for messages

    @classmethod
    def merge(cls, listings: Iterable[tuple[str, GcloudListing]]) -> Deployed:
        found: dict[str, list[object]] = {}
        sources: dict[str, list[str]] = {}
        for source, listing in listings:
            found.setdefault(listing.kind, []).extend(getattr(listing, listing.kind))
            sources.setdefault(listing.kind, []).append(source)
        return cls(
            **{kind: tuple(items) for kind, items in found.items()},  # type: ignore[arg-type]
            sources={kind: ", ".join(urls) for kind, urls in sources.items()},
        )

    @property
    def empty(self) -> bool:
        return not self.sources

    def source(self, kind: str) -> str:
        return self.sources.get(kind, "inventory")

    @property
    def urls(self) -> dict[str, str]:
        return {s.name: s.url for s in self.services or () if s.url}


def same_zone(a: str, b: str) -> bool:
    return a == b or (a.lower() in _UTC_NAMES and b.lower() in _UTC_NAMES)


@dataclass(frozen=True)
class EndpointRef:
    """Where a URL points: a Cloud Run service (when its host tells) and a path."""

    service: str | None  # None: the host is not a known service's (see `any_service`)
    any_service: bool  # the host is unknown statically (a variable): it may be any service
    path: Value
    shown: str

    def mismatch(self, service: str, path: str) -> str | None:
        """Why this is not `path` on `service`, or None when it may be."""
        if not self.any_service and self.service != service:
            return f"not a URL of service {service!r}"
        if not self.path.matches(path):
            return f"path {self.path.shown or '/'}, not {path}"
        return None


_SENTINEL = "\x00"


def endpoint_of(value: Value, infra: Infrastructure, urls: Mapping[str, str]) -> EndpointRef:
    holes = [p for p in value.parts if isinstance(p, Hole)]
    rendered = "".join(p if isinstance(p, str) else _SENTINEL for p in value.parts)
    m = re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#]*)([^?#]*)", rendered)
    host, path = (m.group(1), m.group(2)) if m else ("", rendered)
    service: str | None = None
    any_service = False
    if _SENTINEL in host:
        if host == _SENTINEL and holes[0].service:
            service = holes[0].service
        else:
            any_service = True
    else:
        service = _service_for_host(host, infra, urls)
    rest = iter(holes[host.count(_SENTINEL) :])
    parts: list[str | Hole] = []
    for k, piece in enumerate(path.split(_SENTINEL)):
        if k:
            parts.append(next(rest))
        if piece:
            parts.append(piece)
    return EndpointRef(service, any_service, Value(tuple(parts) or ("/",)), value.shown)


def _service_for_host(host: str, infra: Infrastructure, urls: Mapping[str, str]) -> str | None:
    for name, url in urls.items():
        if urlsplit(url).netloc == host:
            return name
    # Cloud Run hosts: NAME-HASH-REGION.a.run.app or NAME-PROJECTNUMBER.REGION.run.app
    matches = [s.name for s in infra.services if host.startswith(f"{s.name}-") and host.endswith(".run.app")]
    return max(matches, key=len) if matches else None


def text_of(value: Value | None) -> str | None:
    return value.text if value is not None else None
