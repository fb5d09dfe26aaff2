"""Live BigQuery inventory: `bigquery://PROJECT[?location=US&datasets=a,b&timeout=30]`.

Reads with `tables.list` (full pagination, one listing per dataset, datasets in parallel), which needs only
roles/bigquery.metadataViewer: no query job, no bytes billed, no `bigquery.jobs.create`. Never one call
per table. Retries 429/5xx (and BigQuery's 403 rateLimitExceeded) with exponential backoff; a timeout,
a refused connection, missing credentials or a 401/403/404 become InventoryUnreachable with the
project and the missing permission in the message.

With an endpoint (`--bigquery-endpoint`, $DRIFTBOT_BIGQUERY_ENDPOINT) the client talks to that URL with
anonymous credentials: an emulator such as bqemulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from google.api_core import exceptions as api_exc
from google.api_core import retry as api_retry
from google.auth import exceptions as auth_exc

from driftbot.errors import DriftbotError
from driftbot.inventory.base import Inventory, InventoryUnreachable, TableInfo

DEFAULT_TIMEOUT = 30.0  # seconds per HTTP request; retries stop after RETRY_BUDGET * timeout
RETRY_BUDGET = 4
MAX_WORKERS = 8
_PROJECT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.:_\-]*$")  # incl. domain-scoped `example.com:proj`
_DATASET = re.compile(r"^[A-Za-z0-9_]+$")
_PARAMS = ("location", "datasets", "timeout")
# BigQuery signals some transient failures as 403/400 with these reasons (see google.cloud.bigquery.retry).
_RETRY_REASONS = frozenset({"rateLimitExceeded", "backendError", "internalError", "badGateway"})
_TRANSIENT = (
    api_exc.TooManyRequests,
    api_exc.InternalServerError,
    api_exc.BadGateway,
    api_exc.ServiceUnavailable,
    api_exc.GatewayTimeout,
)
_ERRNO = re.compile(r"\[Errno -?\d+\] [^'\")]+")


class QueryRejected(Exception):
    """BigQuery (or the emulator) refused a dry-run query: bad SQL, unknown table or column."""

    def __init__(self, message: str) -> None:
        self.message = " ".join(message.split())
        super().__init__(self.message)


@dataclass(frozen=True)
class BigQueryBackend:
    url: str
    project: str
    location: str | None = None
    datasets: tuple[str, ...] | None = None  # None: every dataset of the project
    timeout: float = DEFAULT_TIMEOUT
    endpoint: str | None = None

    def read(self) -> Inventory:
        client = make_client(self.project, self.endpoint, self.location, self.url)
        names = self.datasets if self.datasets is not None else self._list_datasets(client)
        with ThreadPoolExecutor(max_workers=max(1, min(MAX_WORKERS, len(names)))) as pool:
            listed = list(pool.map(lambda d: self._list_tables(client, d), names))
        tables = tuple(sorted((t for found in listed if found for t in found), key=lambda t: (t.dataset, t.table)))
        existing = tuple(sorted(d for d, found in zip(names, listed, strict=True) if found is not None))
        return Inventory(self.url, tables, existing, scope=self.datasets)

    def _list_datasets(self, client: Any) -> tuple[str, ...]:
        what = f"listing datasets of project {self.project}"
        with self._translated(
            what,
            permission="bigquery.datasets.get",
            not_found=f"project {self.project} not found, or the caller cannot see it",
        ):
            items = list(client.list_datasets(self.project, retry=self._retry(), timeout=self.timeout))
        wanted = self.location.lower() if self.location else None
        # DatasetListItem has no `location` attribute; the API resource carries it.
        return tuple(
            sorted(
                i.dataset_id
                for i in items
                if wanted is None or str(i._properties.get("location", "")).lower() == wanted
            )
        )

    def _list_tables(self, client: Any, dataset: str) -> tuple[TableInfo, ...] | None:
        """The dataset's tables, or None when the dataset does not exist."""
        what = f"listing tables of dataset {self.project}:{dataset}"
        try:
            with self._translated(what, permission="bigquery.tables.list", not_found=None):
                items = list(client.list_tables(f"{self.project}.{dataset}", retry=self._retry(), timeout=self.timeout))
        except api_exc.NotFound:
            return None
        return tuple(
            TableInfo(i.project, i.dataset_id, i.table_id, i.table_type or "TABLE", created=i.created) for i in items
        )

    def _retry(self) -> api_retry.Retry:
        return api_retry.Retry(
            predicate=_is_transient, initial=0.5, maximum=8.0, multiplier=2.0, timeout=RETRY_BUDGET * self.timeout
        )

    @contextmanager
    def _translated(self, what: str, *, permission: str, not_found: str | None) -> Iterator[None]:
        """Turn client exceptions into InventoryUnreachable; a NotFound passes through when `not_found` is None."""
        with _translated_errors(self.url, what, self.endpoint, self.timeout, permission, not_found):
            yield


@contextmanager
def _translated_errors(
    source: str, what: str, endpoint: str | None, timeout: float, permission: str, not_found: str | None
) -> Iterator[None]:
    host = endpoint or "bigquery.googleapis.com"
    try:
        yield
    except api_exc.NotFound as exc:
        if not_found is None:
            raise
        raise InventoryUnreachable(source, f"{not_found} ({_said(exc)})") from None
    except api_exc.Forbidden as exc:
        raise InventoryUnreachable(
            source,
            f"permission denied {what}: the caller needs {permission} (e.g. roles/bigquery.metadataViewer) "
            f"({_said(exc)})",
        ) from None
    except api_exc.Unauthorized as exc:
        raise InventoryUnreachable(
            source, f"not authenticated {what} ({_said(exc)}); run `gcloud auth application-default login`"
        ) from None
    except api_exc.RetryError as exc:
        last = exc.cause
        said = f"HTTP {last.code}: {_said(last)}" if isinstance(last, api_exc.GoogleAPICallError) else str(last)
        raise InventoryUnreachable(
            source, f"gave up after {RETRY_BUDGET * timeout:g}s of retries {what}; last answer: {said}"
        ) from None
    except api_exc.GoogleAPICallError as exc:
        raise InventoryUnreachable(source, f"HTTP {exc.code} {what}: {_said(exc)}") from None
    except requests.Timeout:
        raise InventoryUnreachable(source, f"no answer from {host} within {timeout:g}s {what}") from None
    except requests.ConnectionError as exc:
        reason = _ERRNO.search(str(exc))
        raise InventoryUnreachable(
            source, f"cannot connect to {host} {what}: {reason.group(0) if reason else type(exc).__name__}"
        ) from None
    except auth_exc.GoogleAuthError as exc:
        raise InventoryUnreachable(source, f"credentials failed {what}: {exc}") from None


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, _TRANSIENT):
        return True
    if isinstance(exc, api_exc.GoogleAPICallError):
        return any(isinstance(e, dict) and e.get("reason") in _RETRY_REASONS for e in exc.errors or ())
    return False


def _said(exc: api_exc.GoogleAPICallError) -> str:
    """The server's own message, without the method and URL the client prefixes."""
    for err in exc.errors or ():
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
    return str(exc.message)


def make_client(project: str, endpoint: str | None, location: str | None, source: str) -> Any:
    """A google-cloud-bigquery Client: ADC, or anonymous credentials against `endpoint`."""
    from google.cloud import bigquery

    if endpoint:
        from google.auth.credentials import AnonymousCredentials

        return bigquery.Client(
            project=project,
            location=location,
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
            client_options={"api_endpoint": endpoint},
        )
    try:
        return bigquery.Client(project=project, location=location)
    except auth_exc.GoogleAuthError as exc:
        raise InventoryUnreachable(
            source,
            "no usable Application Default Credentials (run `gcloud auth application-default login` "
            f"or set GOOGLE_APPLICATION_CREDENTIALS): {exc}",
        ) from None


def from_url(url: str, *, endpoint: str | None) -> BigQueryBackend:
    """Parse `bigquery://PROJECT[?location=..&datasets=a,b&timeout=..]`; DriftbotError when unusable."""
    parts = urlsplit(url)
    project = parts.netloc
    if parts.scheme != "bigquery" or not url.startswith("bigquery://") or not _PROJECT.match(project):
        raise DriftbotError(f"invalid inventory URL {url!r}: expected bigquery://PROJECT[?datasets=a,b]")
    if parts.path not in ("", "/") or parts.fragment:
        raise DriftbotError(f"invalid inventory URL {url!r}: nothing may follow the project but ?options")
    params: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in _PARAMS:
            raise DriftbotError(f"invalid inventory URL {url!r}: unknown option {key!r} (use {', '.join(_PARAMS)})")
        if key in params:
            raise DriftbotError(f"invalid inventory URL {url!r}: option {key!r} given twice")
        params[key] = value
    datasets = None
    if "datasets" in params:
        datasets = tuple(dict.fromkeys(d.strip() for d in params["datasets"].split(",")))
        bad = [d for d in datasets if not _DATASET.match(d)]
        if bad or not datasets:
            raise DriftbotError(f"invalid inventory URL {url!r}: bad dataset name {bad[0] if bad else ''!r}")
    timeout = DEFAULT_TIMEOUT
    if "timeout" in params:
        try:
            timeout = float(params["timeout"])
        except ValueError:
            timeout = -1.0
        if not 0 < timeout <= 3600:
            raise DriftbotError(f"invalid inventory URL {url!r}: timeout must be seconds between 0 and 3600")
    if endpoint is not None and not endpoint.startswith(("http://", "https://")):
        raise DriftbotError(f"invalid BigQuery endpoint {endpoint!r}: expected http(s)://HOST[:PORT]")
    return BigQueryBackend(url, project, params.get("location") or None, datasets, timeout, endpoint)


def dry_run(
    sql: str,
    project: str,
    endpoint: str | None,
    *,
    location: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Have BigQuery validate `sql` without running it (QueryJobConfig(dry_run=True)).

    Raises QueryRejected when the SQL is refused, InventoryUnreachable when BigQuery cannot be asked.
    """
    from google.cloud import bigquery

    source = f"bigquery://{project}"
    client = make_client(project, endpoint, location, source)
    config = bigquery.QueryJobConfig(dry_run=True, use_query_cache=False)
    retry = api_retry.Retry(predicate=_is_transient, initial=0.5, maximum=8.0, timeout=RETRY_BUDGET * timeout)
    with _translated_errors(source, "dry-running a query", endpoint, timeout, "bigquery.jobs.create", None):
        try:
            client.query(sql, job_config=config, timeout=timeout, retry=retry, job_retry=None)
        except (api_exc.BadRequest, api_exc.NotFound) as exc:
            raise QueryRejected(_said(exc)) from None
