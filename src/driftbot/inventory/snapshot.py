"""Offline inventory: `snapshot:FILE`, JSON exported by `bq ls --format=json` (and gcloud listings).

The file holds one or more JSON values back to back (`for d in ...; do bq ls ...; done > FILE`):
  - a list of table resources (`bq ls --format=json PROJECT:DATASET`), each with `tableReference`;
  - a list of dataset resources (`bq ls --format=json --project_id=PROJECT`), each with `datasetReference`,
    which records datasets that hold no table yet;
  - one table resource (`bq show --format=json PROJECT:DATASET.TABLE`), which also has `lastModifiedTime`;
  - a gcloud Pub/Sub, Cloud Scheduler or Cloud Run listing (see `gcloud.py`).
A snapshot that lists tables or datasets speaks for every dataset: a dataset absent from it does not exist.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from driftbot.errors import DriftbotError
from driftbot.inventory import files, gcloud
from driftbot.inventory.base import Inventory, TableInfo

MAX_BYTES = 50_000_000


@dataclass(frozen=True)
class SnapshotBackend:
    url: str
    path: Path
    shown: str  # repo-relative, for messages
    repo: Path

    def read(self) -> Inventory:
        text = files.read_text(self.path, self.shown, repo=self.repo, max_bytes=MAX_BYTES, what="snapshot file")
        tables: dict[tuple[str, str, str], TableInfo] = {}
        datasets: set[str] = set()
        listings: dict[str, list[Any]] = {}
        saw_bigquery = False
        for value, where in _values(text, self.shown):
            items = value if isinstance(value, list) else [value]
            if not items:
                continue
            kind = gcloud.kind_of(items)
            if kind is not None:
                try:
                    listing = gcloud.parse(items, kind)
                except gcloud.GcloudFormatError as exc:
                    raise DriftbotError(f"{self.shown}:{where}: {exc}") from None
                listings.setdefault(kind, []).extend(getattr(listing, kind))
                continue
            saw_bigquery = True
            for index, item in enumerate(items):
                try:
                    table, dataset = _resource(item)
                except ValueError as exc:
                    raise DriftbotError(f"{self.shown}:{where}: item {index}: {exc}") from None
                if table is not None:
                    tables.setdefault((table.project, table.dataset, table.table), table)
                datasets.add(dataset)
        if not saw_bigquery and not listings:
            empty = gcloud.kind_from_name(self.path.name) if text.strip() == "[]" else None
            if empty is not None:  # an empty gcloud listing, recognised by its file name
                listings[empty] = []
            else:
                saw_bigquery = True  # `bq ls` of an empty dataset
        ordered = tuple(sorted(tables.values(), key=lambda t: (t.dataset, t.table, t.project)))
        kinds = {kind: tuple(items) for kind, items in listings.items()}
        return Inventory(
            self.url,
            ordered,
            tuple(sorted(datasets)),
            scope=None if saw_bigquery else (),
            **kinds,
        )


def _values(text: str, shown: str) -> list[tuple[Any, str]]:
    """Every top-level JSON value in `text`, with the `line:col` where it starts."""
    decoder = json.JSONDecoder()
    out: list[tuple[Any, str]] = []
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            return out
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise DriftbotError(f"{shown}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
        line = text.count("\n", 0, pos) + 1
        out.append((value, f"{line}:{pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"))
        pos = end


def _resource(item: object) -> tuple[TableInfo | None, str]:
    """(table, its dataset) for a table resource, (None, dataset) for a dataset resource."""
    if isinstance(item, dict) and isinstance(item.get("tableReference"), dict):
        table = _table(item)
        return table, table.dataset
    if isinstance(item, dict) and isinstance(item.get("datasetReference"), dict):
        return None, _text(item["datasetReference"], "datasetId")
    raise ValueError("neither a BigQuery table nor a dataset resource (expected `bq ls --format=json` output)")


def _table(item: dict[str, Any]) -> TableInfo:
    ref = item["tableReference"]
    return TableInfo(
        project=_text(ref, "projectId"),
        dataset=_text(ref, "datasetId"),
        table=_text(ref, "tableId"),
        type=str(item.get("type") or "TABLE"),
        created=_millis(item.get("creationTime")),
        modified=_millis(item.get("lastModifiedTime")),
    )


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{key} is missing or not a string")
    return value


def _millis(value: object) -> dt.datetime | None:
    """BigQuery resources give times as strings of epoch milliseconds."""
    if isinstance(value, str | int) and str(value).isdigit():
        return dt.datetime.fromtimestamp(int(value) / 1000, tz=dt.UTC)
    return None


def from_url(url: str, repo: Path) -> SnapshotBackend:
    """The file must be inside the repository: a fork's `.driftbot.yml` must not read /dev/zero or ~/.ssh."""
    rel = url.partition(":")[2].strip()
    if not files.is_repo_relative(rel):
        raise DriftbotError(f"invalid inventory URL {url!r}: expected snapshot:FILE relative to the repository")
    path = repo / rel
    if not files.inside(path, repo):
        raise DriftbotError(f"invalid inventory URL {url!r}: {rel} resolves outside the repository (a symlink?)")
    return SnapshotBackend(url, path, Path(rel).as_posix(), repo)
