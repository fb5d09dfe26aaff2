"""What every checker sees: the repository, its SSOT and config, and what extraction found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from driftbot.config import Config
from driftbot.ftypes import Binding, Collection
from driftbot.ssot.models import Ssot


@dataclass(frozen=True)
class AuditContext:
    repo: Path
    ssot: Ssot
    config: Config
    files: tuple[str, ...]  # repo-relative POSIX paths of every file the audit may read
    collections: tuple[Collection, ...]  # string collections found in Python files
    bindings: tuple[Binding, ...]
    today: dt.date

    def read(self, rel_path: str) -> bytes:
        return (self.repo / rel_path).read_bytes()
