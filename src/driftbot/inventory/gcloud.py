"""Deployed Pub/Sub, Cloud Scheduler and Cloud Run resources, read from `gcloud ... list --format=json`.

The snapshot backend hands any top-level JSON list to `parse`, which recognises the four listings by
their shape (full resource names such as `projects/P/topics/T`, or Knative `kind: Service`):

    gcloud pubsub topics list --format=json          > gcloud_topics.json
    gcloud pubsub subscriptions list --format=json   > gcloud_subscriptions.json
    gcloud scheduler jobs list --location=REGION --format=json > gcloud_scheduler_jobs.json
    gcloud run services list --format=json           > gcloud_run_services.json

Field names are those of the REST resources (camelCase), which is what gcloud prints as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["topics", "subscriptions", "scheduler_jobs", "services"]


@dataclass(frozen=True)
class DeployedTopic:
    name: str  # short name; `project` holds the rest of the resource name
    project: str | None = None


@dataclass(frozen=True)
class DeployedSubscription:
    name: str
    topic: str  # short name
    push_endpoint: str | None = None  # None: a pull subscription
    dead_letter_topic: str | None = None  # short name
    max_delivery_attempts: int | None = None
    ack_deadline_seconds: int | None = None


@dataclass(frozen=True)
class DeployedJob:
    name: str
    schedule: str
    time_zone: str  # Cloud Scheduler's default when unset: Etc/UTC
    uri: str | None = None
    http_method: str | None = None
    topic: str | None = None  # Pub/Sub target, short name
    location: str | None = None
    state: str | None = None  # ENABLED, PAUSED, ...


@dataclass(frozen=True)
class DeployedService:
    name: str
    url: str | None = None
    region: str | None = None
    ready: bool | None = None


@dataclass(frozen=True)
class GcloudListing:
    kind: Kind
    topics: tuple[DeployedTopic, ...] = ()
    subscriptions: tuple[DeployedSubscription, ...] = ()
    scheduler_jobs: tuple[DeployedJob, ...] = ()
    services: tuple[DeployedService, ...] = ()


class GcloudFormatError(ValueError):
    """The JSON is a list, but not one of the four gcloud listings (message says which item)."""


def short(resource: str, collection: str) -> str:
    """`projects/p/topics/t` -> `t`; a name that is already short stays as it is."""
    marker = f"/{collection}/"
    return resource.rsplit(marker, 1)[1] if marker in resource else resource


def _project(resource: str) -> str | None:
    parts = resource.split("/")
    return parts[1] if len(parts) > 2 and parts[0] == "projects" else None


def kind_of(items: list[Any]) -> Kind | None:
    """Which listing `items` is, from its first item; None when it is none of them (or empty)."""
    first = items[0] if items else None
    if not isinstance(first, dict):
        return None
    name = first.get("name")
    if first.get("kind") == "Service" and isinstance(first.get("metadata"), dict):
        return "services"
    if not isinstance(name, str):
        return None
    if "/jobs/" in name and "schedule" in first:
        return "scheduler_jobs"
    if "/subscriptions/" in name:
        return "subscriptions"
    if "/topics/" in name:
        return "topics"
    return None


def parse(items: list[Any], kind: Kind | None = None) -> GcloudListing:
    """Parse one listing. `kind` is required for an empty list (nothing to recognise it by)."""
    found = kind or kind_of(items)
    if found is None:
        raise GcloudFormatError("not a gcloud topics/subscriptions/scheduler jobs/run services listing")
    parsed: list[Any] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise GcloudFormatError(f"item {index} is not an object")
        try:
            parsed.append(_PARSERS[found](item))
        except (KeyError, TypeError, AttributeError) as exc:
            raise GcloudFormatError(f"item {index} of the {found} listing lacks {exc}") from None
    return GcloudListing(found, **{found: tuple(parsed)})


def _topic(item: dict[str, Any]) -> DeployedTopic:
    return DeployedTopic(short(item["name"], "topics"), _project(item["name"]))


def _subscription(item: dict[str, Any]) -> DeployedSubscription:
    push = item.get("pushConfig") or {}
    dead = item.get("deadLetterPolicy") or {}
    return DeployedSubscription(
        name=short(item["name"], "subscriptions"),
        topic=short(item["topic"], "topics"),
        push_endpoint=push.get("pushEndpoint") or None,
        dead_letter_topic=short(dead["deadLetterTopic"], "topics") if dead.get("deadLetterTopic") else None,
        max_delivery_attempts=dead.get("maxDeliveryAttempts"),
        ack_deadline_seconds=item.get("ackDeadlineSeconds"),
    )


def _job(item: dict[str, Any]) -> DeployedJob:
    http = item.get("httpTarget") or {}
    pubsub = item.get("pubsubTarget") or {}
    parts = item["name"].split("/")
    return DeployedJob(
        name=parts[-1],
        schedule=item["schedule"],
        time_zone=item.get("timeZone") or "Etc/UTC",
        uri=http.get("uri"),
        http_method=http.get("httpMethod") if http else None,
        topic=short(pubsub["topicName"], "topics") if pubsub.get("topicName") else None,
        location=parts[3] if len(parts) > 3 and parts[2] == "locations" else None,
        state=item.get("state"),
    )


def _service(item: dict[str, Any]) -> DeployedService:
    metadata = item["metadata"]
    status = item.get("status") or {}
    labels = metadata.get("labels") or {}
    conditions = status.get("conditions") or []
    ready = next((c.get("status") == "True" for c in conditions if c.get("type") == "Ready"), None)
    return DeployedService(
        name=metadata["name"],
        url=status.get("url"),
        region=labels.get("cloud.googleapis.com/location"),
        ready=ready,
    )


_PARSERS = {"topics": _topic, "subscriptions": _subscription, "scheduler_jobs": _job, "services": _service}


def kind_from_name(name: str) -> Kind | None:
    """An empty listing has no shape; the file name tells (`gcloud_scheduler_jobs.json`)."""
    for kind in ("subscriptions", "scheduler_jobs", "topics", "services"):
        if kind in name or kind.replace("_", "-") in name:
            return kind
    return None
