"""What `driftbot init` knows exists: the audit's `KnownTables`, built without an SSOT.

The repository's own `CREATE TABLE / VIEW` statements (every `.sql` file) are always read, as the
audit reads them by default; `--inventory URL` and `inventory:` of an existing `.driftbot.yml` add
more (an authoritative one, `bigquery://` or `snapshot:`, answers alone for the datasets it covers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from driftbot.inventory.base import Inventory, load_inventories
from driftbot.inventory.known import KnownTables, repo_ddl
from driftbot.ssot.models import Ssot

if TYPE_CHECKING:
    from driftbot.gitfiles import Listing

NO_SSOT = Ssot(root="", lists=())


@dataclass(frozen=True)
class InitTables:
    known: KnownTables
    inventories: tuple[Inventory, ...]  # every inventory read, the repository's DDL included
    unreachable: tuple[str, ...] = ()  # inventories that could not be read, one line each

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(f"{len(i.tables)} tables in {i.source}" for i in self.inventories if i.tables)

    def knows(self, name: str, dataset: str | None = None) -> str | None:
        """Evidence that the table exists ("CREATE TABLE at schemas/raw.sql:4"), None when nothing knows it."""
        return self.known.knows(name, dataset)

    def names(self, dataset: str | None = None) -> frozenset[str]:
        return self.known.names(dataset)

    def dataset_of(self, names: Iterable[str]) -> str | None:
        """The dataset that holds most of `names` (ties: alphabetical)."""
        wanted = set(names)
        counts = Counter({d: n for d in self._datasets() if (n := len(wanted & self.known.names(d)))})
        if not counts:
            return None
        return min(counts, key=lambda d: (-counts[d], d))

    def _datasets(self) -> list[str]:
        return sorted({t.dataset for i in self.inventories for t in i.tables})


def read(repo: Path, sql_files: Sequence[str], urls: Sequence[str], listing: Listing | None = None) -> InitTables:
    """`listing`: what git said of `repo` earlier in this run, for `ddl:` inventories; None: they ask git."""
    listed: tuple[Inventory, ...] = ()
    failed: list[str] = []
    if urls:
        listed, unreachable = load_inventories(urls, repo, bigquery_endpoint=None, listing=listing)
        failed = [str(u) for u in unreachable]
    declared = repo_ddl(repo, sql_files)
    return InitTables(KnownTables.build(NO_SSOT, listed, declared), (*listed, declared), tuple(failed))
