"""The `--notify-state` file: first-seen dates (`report.seen`) kept between scheduled runs.

A missing file is the first run: every open finding is new. A file that is not a driftbot state
(corrupt, truncated by hand, another format) is an error (exit 2) rather than an empty state: read
as empty, it would announce every open finding again, and a storage problem would go unnoticed.
The error says how to start over (delete the file). Writes are atomic: the new state goes to a
temporary file next to it first (which also proves the directory is writable before anything is
posted) and replaces the old one only once the message went out, so a failed post is retried by
the next run.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from driftbot.errors import DriftbotError
from driftbot.report import seen

MAX_BYTES = 64 * 1024 * 1024
CORRUPT = "{path}: not a driftbot notify state ({why}); delete it to start over (every open finding is then new)"


def read(path: Path) -> seen.Since:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise DriftbotError(f"{path}: cannot read notify state: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise DriftbotError(CORRUPT.format(path=path, why=f"over {MAX_BYTES:,} bytes"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise DriftbotError(CORRUPT.format(path=path, why="not UTF-8")) from None
    try:
        return seen.decode(text)
    except ValueError as exc:
        raise DriftbotError(CORRUPT.format(path=path, why=exc)) from None


class Pending:
    """A new state written next to `path`; `commit` puts it in place, `discard` drops it."""

    def __init__(self, path: Path, since: Mapping[str, dt.date]) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        try:
            with self.tmp.open("w", encoding="utf-8") as out:
                out.write(seen.encode(since) + "\n")
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            self.discard()
            raise DriftbotError(f"{path}: cannot write notify state: {exc.strerror}") from None

    def commit(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            raise DriftbotError(f"{self.path}: cannot write notify state: {exc.strerror}") from None

    def discard(self) -> None:
        self.tmp.unlink(missing_ok=True)
