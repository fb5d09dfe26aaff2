"""What `driftbot init` knows exists: tables of the repository's CREATE statements and of inventories.

The repository's own `CREATE TABLE / VIEW` statements (every `.sql` file, read with the `ddl:`
inventory's reader) are always an inventory; `--inventory URL` and `inventory:` of an existing
`.driftbot.yml` add more. A file whose SQL cannot be tokenized is skipped: init only proposes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from driftbot.errors import DriftbotError
from driftbot.inventory.base import Inventory, TableInfo, load_inventories
from driftbot.inventory.ddl import declared_tables


@dataclass(frozen=True)
class KnownTables:
    tables: tuple[TableInfo, ...]
    sources: tuple[str, ...]  # what was read, for the summary line
    unreachable: tuple[str, ...] = ()  # inventories that could not be read, one line each
    _by_name: dict[str, tuple[TableInfo, ...]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, list[TableInfo]] = {}
        for t in self.tables:
            index.setdefault(t.table, []).append(t)
        self._by_name.update({k: tuple(v) for k, v in index.items()})

    def knows(self, name: str) -> bool:
        return name in self._by_name

    def names(self, dataset: str | None = None) -> frozenset[str]:
        return frozenset(t.table for t in self.tables if dataset is None or t.dataset == dataset)

    def dataset_of(self, names: Iterable[str]) -> str | None:
        """The dataset holding most of `names` (ties: alphabetical)."""
        counts = Counter(t.dataset for n in set(names) for t in self._by_name.get(n, ()))
        if not counts:
            return None
        return min(counts, key=lambda d: (-counts[d], d))

    def where(self, name: str) -> str:
        """`schemas/nba_raw.sql:120` for a declared table, else the inventory that lists it."""
        info = self._by_name[name][0]
        return str(info.declared_at).rsplit(":", 1)[0] if info.declared_at else f"{info.ref} in the inventory"


def read(repo: Path, sql_files: Sequence[str], urls: Sequence[str]) -> KnownTables:
    tables: dict[tuple[str, str], TableInfo] = {}
    declaring = 0
    for rel in sql_files:
        try:
            found = declared_tables(repo, rel)
        except DriftbotError:
            continue
        declaring += bool(found)
        for info in found:
            tables.setdefault((info.dataset, info.table), info)
    sources = [f"{len(tables)} tables created in {declaring} SQL files"] if tables else []
    listed: tuple[Inventory, ...] = ()
    failed: list[str] = []
    if urls:
        listed, unreachable = load_inventories(urls, repo, bigquery_endpoint=None)
        failed = [str(u) for u in unreachable]
    for inventory in listed:
        sources.append(f"{len(inventory.tables)} tables in {inventory.source}")
        for info in inventory.tables:
            tables.setdefault((info.dataset, info.table), info)
    ordered = tuple(sorted(tables.values(), key=lambda t: (t.dataset, t.table)))
    return KnownTables(ordered, tuple(sources), tuple(failed))
