"""All-or-nothing file writes: a journal, temp files in the same directories, renames, and rollback.

Before anything is written every file is checked: it must be a place the path policy (`repofs`)
allows, still hold exactly the bytes the fix was planned from (else someone edited it meanwhile) and
be writable. Then the journal is written (the old bytes of every file), then all temp files, then
each temp file is renamed into place after a last look at the file. Any failure, an interrupted
verification or a SIGINT/SIGTERM puts back every file already replaced, but only a file that still
holds what driftbot wrote: an edit made in between is kept and reported. A run killed outright
(SIGKILL, power loss) leaves the journal; the next `fix`, `generate` or `sync-queries` rolls the
interrupted run back before it plans anything.

SIGINT and SIGTERM wait while files are being renamed or rolled back; at any other time they stop
the run at once, after the temp files are removed. Modes, owner and group are kept; a file with
several hard links is rewritten in place (after its temp copy was written and checked), so every
link sees the new bytes. A new file gets the mode of its source or 0644.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from driftbot import repofs
from driftbot.errors import DriftbotError

NEW_FILE_MODE = 0o644
TEMP_SUFFIX = ".driftbot"
JOURNAL_NAME = "fix-journal.json"
SLOW_RENAME_ENV = "DRIFTBOT_TEST_SLOW_RENAME"  # tests only: seconds to wait before each rename
SIGNALS = (signal.SIGINT, signal.SIGTERM)


@dataclass(frozen=True)
class Change:
    path: Path  # absolute
    shown: str  # repo-relative, for messages
    before: bytes | None  # None: the file does not exist yet
    after: bytes
    mode: int | None = None  # for a new file


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived; raised where the run may stop at once."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@dataclass
class Transaction:
    changes: list[Change]
    root: Path  # the repository: every change must stay inside it
    done: list[Change] = field(default_factory=list)

    def commit(self) -> None:
        """Write every change or none; raises DriftbotError (exit 2) and leaves all files as they were."""
        self.commit_verified(lambda: None)

    def commit_verified(self, verify: Callable[[], str | None]) -> str | None:
        """Commit, then `verify` the written files: on a problem (returned), an error (raised) or an
        interruption, every file is rolled back."""
        recover(self.root)
        for c in self.changes:
            self._precheck(c)
        journal = Journal(self.root)
        with _deferred_signals() as signals:
            try:
                journal.write(self.changes)
                self._replace_all(signals)
                problem = verify()
            except BaseException:
                with signals.critical():
                    self._rollback_and_forget(journal)
                raise
            with signals.critical():
                if problem is not None:
                    self._rollback_and_forget(journal)
                else:
                    journal.remove()
        return problem

    def rollback(self) -> None:
        """Put back every file this transaction replaced (newest first), unless it no longer holds
        what was written; remove the files it created (same condition)."""
        failures: list[str] = []
        kept: list[str] = []
        for c in reversed(self.done):
            try:
                if not _restore(c.path, c.before, c.after, self._mode(c)):
                    kept.append(c.shown)
            except OSError as exc:
                failures.append(f"{c.shown} ({exc.strerror or exc})")
        self.done.clear()
        if failures:
            raise DriftbotError("rollback failed for " + ", ".join(failures) + "; check these files by hand")
        if kept:
            raise DriftbotError(
                "rolled back, except " + ", ".join(kept) + ": edited after driftbot wrote it, so it was kept as is"
            )

    def _rollback_and_forget(self, journal: Journal) -> None:
        try:
            self.rollback()
        finally:
            journal.remove()

    def _replace_all(self, signals: _Signals) -> None:
        temps: dict[Path, Path] = {}
        try:
            for c in self.changes:
                temps[c.path] = _write_temp(c.path, c.after, self._mode(c), _owner(c.path))
            pause = float(os.environ.get(SLOW_RENAME_ENV) or 0)
            with signals.critical():  # a signal now waits until every file is renamed
                for c in self.changes:
                    if pause:
                        time.sleep(pause)
                    if _current(c.path) != c.before:
                        raise DriftbotError(f"{c.shown}: changed while driftbot was fixing it; nothing was written")
                    _install(temps.pop(c.path), c.path)
                    self.done.append(c)
        except OSError as exc:
            raise DriftbotError(f"cannot write: {exc.strerror or exc} ({exc.filename}); nothing was written") from None
        finally:
            for t in temps.values():
                with contextlib.suppress(OSError):
                    t.unlink()
        signals.raise_pending()

    def _precheck(self, c: Change) -> None:
        try:
            repofs.write_target(self.root, c.path, c.shown)
        except repofs.Refused as exc:
            raise DriftbotError(f"{exc}; nothing was written") from None
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


class Journal:
    """What an interrupted run needs to be rolled back: each file's old bytes and a hash of the new."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = journal_path(root)

    def write(self, changes: list[Change]) -> None:
        entries = [
            {
                "path": os.path.relpath(c.path, self.root),
                "before": None if c.before is None else base64.b64encode(c.before).decode("ascii"),
                "after_sha256": hashlib.sha256(c.after).hexdigest(),
            }
            for c in changes
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"version": 1, "pid": os.getpid(), "entries": entries}).encode("utf-8")
        _install(_write_temp(self.path, data, 0o600, None), self.path)  # never half-written

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
        if self.path.parent.name == "driftbot":
            with contextlib.suppress(OSError):
                self.path.parent.rmdir()


def journal_path(root: Path) -> Path:
    """Inside `.git/` when the repository has a git directory; else a hidden file at its root."""
    git = root / ".git"
    if git.is_dir() and not git.is_symlink():
        return git / "driftbot" / JOURNAL_NAME
    return root / f".driftbot-{JOURNAL_NAME}"


def recover(root: Path) -> list[str]:
    """Roll back a run that was killed before it finished (its journal is still there).

    Returns the repo-relative files put back. A file that holds neither its old bytes nor what the
    interrupted run wrote was edited since: it is kept, and named in a DriftbotError.
    """
    path = journal_path(root)
    if not path.is_file():
        return []
    try:
        entries: list[dict[str, Any]] = json.loads(path.read_bytes())["entries"]
    except (OSError, ValueError, KeyError, TypeError):
        message = f"{path}: unreadable journal of an interrupted fix; check the files, then delete it"
        raise DriftbotError(message) from None
    restored: list[str] = []
    kept: list[str] = []
    temps: dict[Path, set[str]] = {}  # directory -> names whose temp files may be left over
    for e in entries:
        rel = str(e["path"])
        target = root / rel
        try:
            repofs.write_target(root, rel, rel)
        except repofs.Refused:
            kept.append(rel)
            continue
        before = None if e["before"] is None else base64.b64decode(e["before"])
        current = _current(target)
        temps.setdefault(target.parent, set()).add(target.name)
        if current == before:
            continue
        if current is None or hashlib.sha256(current).hexdigest() != e["after_sha256"]:
            kept.append(rel)
            continue
        _restore(target, before, current, stat.S_IMODE(target.stat().st_mode))
        restored.append(rel)
    for directory, names in temps.items():
        _remove_temps(directory, names)
    Journal(root).remove()
    if kept:
        raise DriftbotError(
            f"an interrupted fix was rolled back ({len(restored)} files), except "
            + ", ".join(kept)
            + ": edited since, so kept as is; check them, then run again"
        )
    return restored


# --- signals ---------------------------------------------------------------------------------------


class _Signals:
    def __init__(self) -> None:
        self.pending: int | None = None
        self.depth = 0

    def handle(self, signum: int, frame: FrameType | None) -> None:
        if self.pending is None:
            self.pending = signum
        if self.depth == 0:
            raise Interrupted(signum)

    @contextlib.contextmanager
    def critical(self) -> Iterator[None]:
        """Signals wait until the block is done."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def raise_pending(self) -> None:
        if self.pending is not None and self.depth == 0:
            raise Interrupted(self.pending)


@contextlib.contextmanager
def _deferred_signals() -> Iterator[_Signals]:
    """SIGINT/SIGTERM handled by `_Signals` inside the block; on the way out the signal that stopped
    the run is delivered again with the previous handlers (KeyboardInterrupt, or death by SIGTERM)."""
    signals = _Signals()
    if threading.current_thread() is not threading.main_thread():
        yield signals  # handlers can only be set from the main thread
        return
    watched = [s for s in SIGNALS if signal.getsignal(s) is not signal.SIG_IGN]  # nohup: stay ignored
    previous = {s: signal.signal(s, signals.handle) for s in watched}
    try:
        yield signals
    except Interrupted:
        pass
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
    if signals.pending is not None:
        if signals.pending == signal.SIGINT and previous.get(signal.SIGINT) is signal.default_int_handler:
            raise KeyboardInterrupt
        os.kill(os.getpid(), signals.pending)
        raise DriftbotError("interrupted; every file was rolled back", 130)


# --- files -----------------------------------------------------------------------------------------


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DriftbotError(f"{path}: cannot read: {exc.strerror}") from None


def _restore(path: Path, before: bytes | None, written: bytes, mode: int) -> bool:
    """Put `before` back (or remove the file when it is None) if the file still holds `written`."""
    current = _current(path)
    if current == before:
        return True
    if current != written:
        return False
    if before is None:
        path.unlink(missing_ok=True)
    else:
        _install(_write_temp(path, before, mode, _owner(path)), path)
    return True


def _owner(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_uid, info.st_gid


def _install(temp: Path, path: Path) -> None:
    """Move the checked temp file into place: a rename, or, for a file with several hard links, a
    rewrite in place (a rename would detach this name from the other links)."""
    try:
        links = os.lstat(path).st_nlink
    except FileNotFoundError:
        links = 1
    if links <= 1:
        os.replace(temp, path)
        return
    data = temp.read_bytes()
    with open(path, "r+b") as out:
        out.write(data)
        out.truncate()
        out.flush()
        os.fsync(out.fileno())
    temp.unlink()


def _remove_temps(directory: Path, names: set[str]) -> None:
    """Remove the temp files (`.NAME.<random>.driftbot`) an interrupted run left for `names`."""
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            stem = name[1 : -len(TEMP_SUFFIX)].rpartition(".")[0]  # `.NAME.<random>.driftbot` -> NAME
            if name.startswith(".") and name.endswith(TEMP_SUFFIX) and stem in names:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _writable(path: Path) -> bool:
    # root may write anywhere (os.access says yes), but a file without any write bit is meant read-only
    mode = path.stat().st_mode
    return bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) and os.access(path, os.W_OK)


def _existing_parent(path: Path) -> Path:
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    return parent


def _write_temp(path: Path, data: bytes, mode: int, owner: tuple[int, int] | None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if owner is not None and hasattr(os, "chown"):
            with contextlib.suppress(PermissionError):  # only root may give a file away; others keep theirs
                os.chown(name, *owner)
        os.chmod(name, mode)  # after chown, which clears setuid/setgid bits
        if Path(name).read_bytes() != data:
            raise OSError(f"{name}: temp file does not hold what was written")
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)
