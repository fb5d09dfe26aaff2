"""One answer to "does this table exist?", over the SSOT and every inventory (`AuditContext.known_tables`).

Sources, and how much their word weighs:
  - the SSOT's target tables: a table the SSOT says a processor writes is always a known name (if it is
    missing for real, `table-missing` says so at the SSOT line, not every reference to it);
  - authoritative inventories, `bigquery://` (live) and `snapshot:` with BigQuery listings: for a dataset
    one of them covers, only they answer. A table in it exists; a table not in it does not, whatever DDL
    or the SSOT's completeness say;
  - declared inventories: `ddl:GLOB` URLs, and by default the repository's own `CREATE TABLE / VIEW /
    TABLE ... AS / OR REPLACE ...` statements in its `.sql` files (`sql.repo_ddl: false` in .driftbot.yml
    turns that off). They answer for datasets no authority covers;
  - an SSOT phase file with `complete: true` declares that it lists every table of its dataset: there,
    declared inventories do not count (an authority still does).

API (stable; rules and collection checks call only these):
  knows(table, dataset=None) -> str | None   evidence that the table exists ("in bigquery://p",
                                             "CREATE VIEW at sql/v.sql:3", "target table of phase 2
                                             in the SSOT"), None when nothing knows it. Without a
                                             dataset: in any dataset (SSOT processor names count too).
  declared(table, dataset) -> str | None     evidence from a declared inventory (the repo's DDL, `ddl:`)
                                             even where it does not count (a complete dataset): a name
                                             the repository creates is never renamed on a guess.
  absence(table, dataset=None) -> str         evidence that it does not exist, for an unknown table
                                             ("not in bigquery://p", "no CREATE TABLE in the
                                             repository and not in the SSOT").
  confirmed(table, dataset) -> str | None    evidence from an authoritative inventory only ("in
                                             bigquery://p"): the table certainly exists.
  listed(dataset) -> frozenset[str] | None   the tables authoritative inventories list for the dataset
                                             (None: no authority covers it); `decide_rename(listed=)`.
  authoritative(dataset) -> bool             whether an authoritative inventory covers the dataset
                                             (then an unknown table is certainly absent).
  complete(dataset) -> bool                  whether the SSOT declares the dataset complete.
  names(dataset=None) -> frozenset[str]      every table name `knows` accepts (rename candidates).
  homes(table) -> tuple[str, ...]            the datasets in which `knows(table, dataset)` answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from driftbot import repofs
from driftbot.errors import DriftbotError
from driftbot.extract.limits import MAX_DDL_BYTES
from driftbot.inventory.base import Inventory, TableInfo
from driftbot.ssot.models import Ssot

AUTHORITATIVE_SCHEMES = ("bigquery:", "snapshot:")
REPO_DDL = "CREATE statements in the repository"  # source name of the default declared inventory
_CREATE = re.compile(rb"(?i)\bcreate\b")


@dataclass(frozen=True)
class KnownTables:
    ssot: Ssot
    authorities: tuple[Inventory, ...] = ()
    declared_in: tuple[Inventory, ...] = ()  # ddl: inventories and the repository's own DDL
    _by_dataset: dict[str, dict[str, str]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def build(cls, ssot: Ssot, inventories: Iterable[Inventory], repo_ddl: Inventory | None = None) -> KnownTables:
        """`inventories`: what `--inventory`/`inventory:` listed; `repo_ddl`: the repository's own DDL."""
        listed = tuple(inventories)
        authorities = tuple(i for i in listed if i.source.startswith(AUTHORITATIVE_SCHEMES) and i.scope != ())
        declared = tuple(i for i in listed if not i.source.startswith(AUTHORITATIVE_SCHEMES))
        return cls(ssot, authorities, (*declared, *([repo_ddl] if repo_ddl else [])))

    def authoritative(self, dataset: str) -> bool:
        return any(inv.covers(dataset) for inv in self.authorities)

    def complete(self, dataset: str) -> bool:
        return any(s.complete for s in self.ssot.lists if dataset in s.datasets)

    def knows(self, table: str, dataset: str | None = None) -> str | None:
        if dataset is None:
            return self._knows_anywhere(table)
        return self._table_index(dataset).get(table)

    def confirmed(self, table: str, dataset: str) -> str | None:
        return next((f"in {i.source}" for i in self.authorities if i.covers(dataset) and i.has(dataset, table)), None)

    def declared(self, table: str, dataset: str) -> str | None:
        for inv in self.declared_in:
            for t in inv.tables_in(dataset):
                if t.table == table:
                    return _declared_evidence(inv, t)
        return None

    def listed(self, dataset: str) -> frozenset[str] | None:
        covering = [i for i in self.authorities if i.covers(dataset)]
        if not covering:
            return None
        return frozenset(t.table for i in covering for t in i.tables_in(dataset))

    def absence(self, table: str, dataset: str | None = None) -> str:
        if dataset is not None and self.authoritative(dataset):
            sources = ", ".join(i.source for i in self.authorities if i.covers(dataset))
            return f"not in {sources}"
        if dataset is not None and self.complete(dataset):
            return f"not in the SSOT, which declares {dataset} complete"
        where = "no CREATE TABLE/VIEW in the repository"
        if any(i.source != REPO_DDL for i in self.declared_in):
            where = "not declared in " + ", ".join(i.source for i in self.declared_in)
        return f"{where} and not in the SSOT"

    def names(self, dataset: str | None = None) -> frozenset[str]:
        if dataset is not None:
            return frozenset(self._table_index(dataset))
        found = set(self.ssot.all_names())
        for d in self._datasets():
            found.update(self._table_index(d))
        return frozenset(found)

    def homes(self, table: str) -> tuple[str, ...]:
        return tuple(d for d in self._datasets() if table in self._table_index(d))

    def _knows_anywhere(self, table: str) -> str | None:
        for s in self.ssot.lists:
            for p in s.processors:
                if table in (p.name, p.target_table):
                    return f"{'target table' if table == p.target_table else 'processor'} of {s.label} in the SSOT"
        for d in self._datasets():
            said = self._table_index(d).get(table)
            if said is not None:
                return said
        return None

    def _datasets(self) -> list[str]:
        seen = set(self.ssot.datasets)
        for inv in (*self.authorities, *self.declared_in):
            seen.update(t.dataset for t in inv.tables)
        return sorted(seen)

    def _table_index(self, dataset: str) -> dict[str, str]:
        """table -> evidence, for one dataset (built once per dataset)."""
        cached = self._by_dataset.get(dataset)
        if cached is not None:
            return cached
        index: dict[str, str] = {}
        if self.authoritative(dataset):
            for inv in self.authorities:
                if inv.covers(dataset):
                    for t in inv.tables_in(dataset):
                        index.setdefault(t.table, f"in {inv.source}")
        elif not self.complete(dataset):
            for inv in self.declared_in:
                for t in inv.tables_in(dataset):
                    index.setdefault(t.table, _declared_evidence(inv, t))
        for s in self.ssot.lists:
            for table in s.tables_in(dataset):
                index.setdefault(table, f"target table of {s.label} in the SSOT")
        self._by_dataset[dataset] = index
        return index


def _declared_evidence(inv: Inventory, t: TableInfo) -> str:
    noun = "VIEW" if t.type in ("VIEW", "MATERIALIZED_VIEW") else "TABLE"
    if t.declared_at is None:
        return f"in {inv.source}"
    return f"CREATE {noun} at {t.declared_at.path}:{t.declared_at.line}"


REPO_DDL_READER = "repo-ddl"  # the scan's reader of `repo_ddl` (`AuditContext.reads`)


def repo_ddl(repo: Path, sql_files: Sequence[str], read: Mapping[str, object] | None = None) -> Inventory:
    """The tables and views the repository's `.sql` files create (the default declared inventory).

    `read`: what `DdlReader` found in each file, in the scan's workers; a file missing there (the
    scan could not read it, or its time budget ran out) is read here. A file that cannot be read or
    tokenized is skipped (the SQL rules report unparsable monitoring queries themselves).
    """
    tables: dict[tuple[str, str], TableInfo] = {}
    for rel in sql_files:
        found = (read or {}).get(rel)
        if not isinstance(found, tuple):
            try:
                found = DdlReader().read(rel, repofs.read_bytes(repo, rel, max_bytes=MAX_DDL_BYTES, shown=rel))
            except OSError:
                continue
        for info in found:
            tables.setdefault((info.dataset, info.table), info)
    ordered = tuple(sorted(tables.values(), key=lambda t: (t.dataset, t.table)))
    return Inventory(REPO_DDL, ordered, tuple(sorted({t.dataset for t in ordered})))


@dataclass(frozen=True)
class DdlReader:
    """The scan's reader (`extract.scan.FileReader`) of `repo_ddl`: the tables a `.sql` file creates.

    Every `.sql` file is wanted, so that a file missing from the scan's result is one it could not read.
    Only files holding the word CREATE are tokenized; one that is not UTF-8 or cannot be tokenized
    declares nothing.
    """

    suffixes: tuple[str, ...] = (".sql",)
    weight: int = 1

    def wants(self, path: str, data: bytes) -> bool:
        return True

    def read(self, path: str, data: bytes) -> tuple[TableInfo, ...]:
        if not _CREATE.search(data):
            return ()
        from driftbot.inventory import ddl  # sqlglot: only a repository with CREATE statements pays its import

        try:
            return tuple(ddl.declared_in(data.removeprefix(b"\xef\xbb\xbf").decode("utf-8"), path))
        except (UnicodeDecodeError, DriftbotError, ddl.DdlError):
            return ()

    def prepare(self) -> None:
        from driftbot.inventory import ddl  # noqa: F401  (sqlglot)
