"""All-or-nothing file writes: temp file in the same directory + os.replace, with rollback.

Before anything is written every file is checked: it must still hold exactly the bytes the fix was
planned from (else someone edited it meanwhile) and it must be writable. Then all temp files are
written, then renamed into place one by one, each after a last look at the file; any failure puts
back every file already replaced. Modes are kept; a new file gets the mode of its source or 0644.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from driftbot.errors import DriftbotError

NEW_FILE_MODE = 0o644


@dataclass(frozen=True)
class Change:
    path: Path  # absolute
    shown: str  # repo-relative, for messages
    before: bytes | None  # None: the file does not exist yet
    after: bytes
    mode: int | None = None  # for a new file


@dataclass
class Transaction:
    changes: list[Change]
    done: list[Change] = field(default_factory=list)

    def commit(self) -> None:
        """Write every change or none; raises DriftbotError (exit 2) and leaves all files as they were."""
        for c in self.changes:
            self._precheck(c)
        temps: dict[Path, Path] = {}
        try:
            for c in self.changes:
                temps[c.path] = _write_temp(c.path, c.after, self._mode(c))
            for c in self.changes:
                if _current(c.path) != c.before:
                    raise DriftbotError(f"{c.shown}: changed while driftbot was fixing it; nothing was written")
                os.replace(temps.pop(c.path), c.path)
                self.done.append(c)
        except OSError as exc:
            self.rollback()
            raise DriftbotError(f"cannot write: {exc.strerror or exc} ({exc.filename}); nothing was written") from None
        except DriftbotError:
            self.rollback()
            raise
        finally:
            for t in temps.values():
                with contextlib.suppress(OSError):
                    t.unlink()

    def commit_verified(self, verify: Callable[[], str | None]) -> str | None:
        """Commit, then `verify` the written files: on a problem (returned) or an error (raised),
        every file is rolled back."""
        self.commit()
        try:
            problem = verify()
        except Exception:
            self.rollback()
            raise
        if problem is not None:
            self.rollback()
        return problem

    def rollback(self) -> None:
        """Put back every file this transaction replaced (newest first); remove the files it created."""
        failures: list[str] = []
        for c in reversed(self.done):
            try:
                if c.before is None:
                    c.path.unlink(missing_ok=True)
                else:
                    os.replace(_write_temp(c.path, c.before, self._mode(c)), c.path)
            except OSError as exc:
                failures.append(f"{c.shown} ({exc.strerror})")
        self.done.clear()
        if failures:
            raise DriftbotError("rollback failed for " + ", ".join(failures) + "; check these files by hand")

    def _precheck(self, c: Change) -> None:
        current = _current(c.path)
        if current != c.before:
            raise DriftbotError(f"{c.shown}: changed while driftbot was fixing it; nothing was written")
        if c.before is not None and not _writable(c.path):
            raise DriftbotError(f"{c.shown}: file is read-only; nothing was written")
        if not os.access(c.path.parent if c.path.parent.exists() else _existing_parent(c.path), os.W_OK):
            raise DriftbotError(f"{c.shown}: directory is not writable; nothing was written")

    def _mode(self, c: Change) -> int:
        if c.before is not None:
            with contextlib.suppress(OSError):
                return stat.S_IMODE(c.path.stat().st_mode)
        return c.mode if c.mode is not None else NEW_FILE_MODE


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DriftbotError(f"{path}: cannot read: {exc.strerror}") from None


def _writable(path: Path) -> bool:
    # root may write anywhere (os.access says yes), but a file without any write bit is meant read-only
    mode = path.stat().st_mode
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def _existing_parent(path: Path) -> Path:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _write_temp(path: Path, data: bytes, mode: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".driftbot")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, mode)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)
