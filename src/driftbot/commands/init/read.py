"""Read a repository's Python files for `driftbot init`, within a time budget.

`progress(done, total)` is called as files are read. When the budget runs out, reading stops and
init proposes from what it read, saying how far it got.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot.extract.python import ParseFailure, extract
from driftbot.ftypes import Collection

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Read:
    collections: tuple[Collection, ...]
    files_read: int
    files_total: int

    @property
    def complete(self) -> bool:
        return self.files_read == self.files_total


def python_collections(
    repo: Path, files: Sequence[str], *, budget: float | None = None, progress: Progress | None = None
) -> Read:
    """Every string collection of `files`; unparsable files are skipped (`driftbot audit` reports them)."""
    deadline = None if budget is None else time.monotonic() + budget
    found: list[Collection] = []
    read = 0
    for rel in files:
        if deadline is not None and time.monotonic() > deadline:
            break
        with contextlib.suppress(ParseFailure, OSError):  # `driftbot audit` reports unparsable files
            found.extend(extract(rel, (repo / rel).read_bytes()))
        read += 1
        if progress is not None:
            progress(read, len(files))
    return Read(tuple(found), read, len(files))
