"""Inventory types, the backend Protocol, and the registry of backends keyed by URL scheme.

    bigquery://PROJECT[?location=US&datasets=a,b&timeout=30]   live, Application Default Credentials
    ddl:GLOB                                                    CREATE TABLE/VIEW in the repo's SQL files
    snapshot:FILE                                               `bq ls --format=json` (and gcloud) exports

A URL that cannot be used is a DriftbotError (exit 2) before anything is read; a backend that cannot
be read raises InventoryUnreachable, which the audit reports as its own state (exit 3).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from driftbot.errors import DriftbotError
from driftbot.ftypes import Location
from driftbot.inventory.gcloud import DeployedJob, DeployedService, DeployedSubscription, DeployedTopic

if TYPE_CHECKING:
    from driftbot.gitfiles import Listing

ENDPOINT_ENV = "DRIFTBOT_BIGQUERY_ENDPOINT"
# Table types as the BigQuery API names them (`Table.table_type`); views never hold a processor's output.
VIEW_TYPES = frozenset({"VIEW", "MATERIALIZED_VIEW"})


@dataclass(frozen=True)
class TableInfo:
    project: str  # "" when the source does not say (an unqualified DDL name)
    dataset: str
    table: str
    type: str  # TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL, SNAPSHOT, CLONE
    created: datetime | None = None
    modified: datetime | None = None
    declared_at: Location | None = None  # ddl: the CREATE statement's table name

    @property
    def ref(self) -> str:
        return f"{self.dataset}.{self.table}"


@dataclass(frozen=True)
class Inventory:
    """What one source lists. Infrastructure kinds are None when the source does not list that kind."""

    source: str  # the URL as given, used in messages
    tables: tuple[TableInfo, ...]
    datasets: tuple[str, ...]  # datasets that exist in this source, sorted
    scope: tuple[str, ...] | None = None  # datasets this source was asked for; None: all of them
    topics: tuple[DeployedTopic, ...] | None = None
    subscriptions: tuple[DeployedSubscription, ...] | None = None
    scheduler_jobs: tuple[DeployedJob, ...] | None = None
    services: tuple[DeployedService, ...] | None = None

    def covers(self, dataset: str) -> bool:
        """Whether this source can tell if a table of `dataset` exists (a missing dataset counts)."""
        return self.scope is None or dataset in self.scope

    def tables_in(self, dataset: str) -> tuple[TableInfo, ...]:
        return self._by_dataset.get(dataset, ())

    @cached_property
    def _by_dataset(self) -> dict[str, tuple[TableInfo, ...]]:
        """`tables` by dataset, in their order: built once, as a check asks for one dataset per reference."""
        found: dict[str, list[TableInfo]] = {}
        for t in self.tables:
            found.setdefault(t.dataset, []).append(t)
        return {dataset: tuple(tables) for dataset, tables in found.items()}

    def has(self, dataset: str, table: str) -> bool:
        return any(t.dataset == dataset and t.table == table for t in self.tables)


class InventoryUnreachable(Exception):
    """The source could not be read (network, credentials, permission, timeout): the audit is incomplete."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = " ".join(message.split())  # always one line
        super().__init__(f"{source}: {self.message}")


class Backend(Protocol):
    def read(self) -> Inventory: ...


# (url, repo, bigquery endpoint, what git said of the repo earlier in this run: None, ask git when needed)
BackendFactory = Callable[[str, Path, "str | None", "Listing | None"], Backend]


def _bigquery(url: str, repo: Path, endpoint: str | None, listing: Listing | None) -> Backend:
    try:
        from driftbot.inventory import bigquery
    except ImportError as exc:  # the light install: no google-cloud-bigquery
        raise DriftbotError(f"{url}: needs the bigquery extra ({exc}): pip install 'driftbot[bigquery]'") from exc

    return bigquery.from_url(url, endpoint=endpoint)


def _ddl(url: str, repo: Path, endpoint: str | None, listing: Listing | None) -> Backend:
    from driftbot.inventory import ddl

    return ddl.from_url(url, repo, listing)


def _snapshot(url: str, repo: Path, endpoint: str | None, listing: Listing | None) -> Backend:
    from driftbot.inventory import snapshot

    return snapshot.from_url(url, repo)


BACKENDS: dict[str, BackendFactory] = {
    "bigquery": _bigquery,
    "ddl": _ddl,
    "snapshot": _snapshot,
}


def backend_for(
    url: str, repo: Path, *, bigquery_endpoint: str | None = None, listing: Listing | None = None
) -> Backend:
    scheme, sep, _ = url.partition(":")
    if not sep or scheme not in BACKENDS:
        known = ", ".join(f"{s}:" for s in BACKENDS)
        raise DriftbotError(f"invalid inventory URL {url!r}: unknown scheme (use one of {known})")
    return BACKENDS[scheme](url, repo, bigquery_endpoint, listing)


def load_inventories(
    urls: Sequence[str], repo: Path, *, bigquery_endpoint: str | None, listing: Listing | None = None
) -> tuple[tuple[Inventory, ...], tuple[InventoryUnreachable, ...]]:
    """Read every URL. All URLs are checked before any is read; unreadable sources are returned, not raised.

    `bigquery_endpoint` None falls back to $DRIFTBOT_BIGQUERY_ENDPOINT (an emulator, anonymous credentials).
    `listing`: what git said of `repo` earlier in this run (`gitfiles.read`), for a `ddl:` inventory's
    `.sql` files; None: it asks git itself.
    """
    endpoint = bigquery_endpoint or os.environ.get(ENDPOINT_ENV) or None
    backends = [backend_for(url, repo, bigquery_endpoint=endpoint, listing=listing) for url in dict.fromkeys(urls)]
    found: list[Inventory] = []
    failed: list[InventoryUnreachable] = []
    for backend in backends:
        try:
            found.append(backend.read())
        except InventoryUnreachable as exc:
            failed.append(exc)
    return tuple(found), tuple(failed)
