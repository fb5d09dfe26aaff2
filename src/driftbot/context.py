"""What every checker sees: the repository, its SSOT and config, and what extraction found."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from driftbot import repofs
from driftbot.config import Config, IgnoreEntry
from driftbot.extract.budget import Budget
from driftbot.extract.plan import CLASS_LINES, class_definitions
from driftbot.ftypes import Binding, Collection, Location
from driftbot.inventory.known import REPO_DDL_READER, KnownTables, repo_ddl
from driftbot.ssot.models import Ssot
from driftbot.yamlpos import Positioned

if TYPE_CHECKING:
    from driftbot.inventory.base import Inventory, InventoryUnreachable


@dataclass(frozen=True)
class AuditContext:
    repo: Path
    ssot: Ssot
    config: Config
    files: tuple[str, ...]  # repo-relative POSIX paths of every file the audit may read
    collections: tuple[Collection, ...]  # string collections found in Python files
    bindings: tuple[Binding, ...]
    today: dt.date
    inventories: tuple[Inventory, ...] = ()  # what the `--inventory` sources list
    unreachable: tuple[InventoryUnreachable, ...] = ()  # sources that could not be read
    ignores: tuple[IgnoreEntry, ...] = ()  # entries of the ignore file
    ignore_doc: Positioned | None = None  # the ignore file itself, for positions
    budget: Budget = field(default_factory=lambda: Budget(None))  # checkers skip (and note) files past it
    reads: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # scan reader -> path -> its finds

    def read(self, rel_path: str, use: str = repofs.WHOLE) -> bytes:
        """The bytes of a repository file, through the path policy (`repofs.Refused` is an OSError).

        `use`: what the caller takes of them (`repofs.read_bytes`, `plan.ASPECTS`)."""
        return repofs.read_bytes(self.repo, rel_path, shown=rel_path, use=use)

    @cached_property
    def known_tables(self) -> KnownTables:
        """Which tables exist, from the SSOT and every inventory (see inventory/known.py for the API).

        Built on first use, from the repository's own DDL as the scan's workers read it (`known.DdlReader`).
        """
        declared = None
        if self.config.sql.repo_ddl:
            sql_files = [f for f in self.files if f.endswith(".sql")]
            declared = repo_ddl(self.repo, sql_files, self.reads.get(REPO_DDL_READER))
        return KnownTables.build(self.ssot, self.inventories, declared)

    @cached_property
    def defined_classes(self) -> Mapping[str, tuple[Location, ...]]:
        """Every class a scanned Python file defines (`class Name` at the start of a line) -> where.

        One read of the Python files, on first use (a rule asks only when a list may name classes).
        """
        found: dict[str, list[Location]] = {}
        for path in self.files:
            if not path.endswith(".py") or self.budget.spent():
                continue
            try:
                data = self.read(path, use=CLASS_LINES)
            except OSError:
                continue
            for name, line, column in class_definitions(data):
                found.setdefault(name, []).append(Location(path, line, column))
        return {name: tuple(where) for name, where in found.items()}
