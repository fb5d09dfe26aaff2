"""The one path policy for every file the repository names: what driftbot may read and write.

A repository (often a pull request's checkout) is untrusted. Every path it names (scanned files,
`.driftbot.yml`, `ssot:`, `ignore_file:`, `mirrors:`, `sql.generate_into`, generate targets,
inventory files) is resolved here:

- it must resolve, symlinks followed, to a place inside the repository root, and never under `.git/`;
- only a regular file is opened (never a FIFO, device or directory): it is opened non-blocking and
  without following a last-moment symlink, then checked with `fstat`;
- its size is checked before a byte is read, and the read itself is bounded.

A refusal is a `Refused` error with a short reason; callers turn it into a finding or a one-line error.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import NoReturn

MAX_FILE_BYTES = 5_000_000  # a scanned file larger than this is reported, not read
GIT_DIR = ".git"
WHOLE = "whole"  # `read_bytes(use=...)`: the caller may depend on every byte


class Refused(OSError):
    """A path the policy does not allow; `reason` reads after the path: `x.sql: <reason>`.

    An OSError, so that every reader's "cannot read" handling also covers a refusal."""

    def __init__(self, shown: str, reason: str) -> None:
        super().__init__(f"{shown}: {reason}")
        self.shown = shown
        self.reason = reason
        self.strerror = reason

    def __str__(self) -> str:
        return f"{self.shown}: {self.reason}"


def relative_problem(value: str) -> str | None:
    """Why a path (or glob) written in a config is not a plain repository-relative path, else None."""
    if not value.strip():
        return "must not be empty"
    if PurePosixPath(value).is_absolute() or Path(value).is_absolute() or value.startswith("~"):
        return "must be relative to the repository"
    parts = value.replace("\\", "/").split("/")
    if ".." in parts:
        return "must stay inside the repository (no '..')"
    if any(p.casefold() == GIT_DIR for p in parts):
        return "must not name anything under .git/"
    return None


def _realpath(path: Path) -> Path:
    return Path(os.path.realpath(path))


def inside(path: Path, root: Path) -> bool:
    """Whether `path` stays inside `root` once every symlink on the way is resolved."""
    return _realpath(path).is_relative_to(_realpath(root))


def lexically_inside(path: Path, root: Path) -> bool:
    """Whether `path` names a place inside `root` as written (`..` collapsed, links not followed): such
    a path is the repository's to decide, so the policy applies even when the user gave it."""
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(root))


def folder_in(root: Path, folder: Path) -> str | None:
    """The `root`-relative POSIX path of `folder` when it lies strictly inside `root`, else None.

    The way into `root` is compared resolved (`root` named through a symlink, `folder` by its real path,
    or the other way round); below it no component may be a symlink (None then), so a link in the
    repository (`audit-state -> src`) never passes for the folder it names. It need not exist.
    """
    real_root = os.path.realpath(root)
    parts = Path(os.path.abspath(folder)).parts
    for at in range(len(parts) - 1, 0, -1):  # the longest head that is `root`
        if os.path.realpath(os.path.join(*parts[:at])) == real_root:
            below = parts[at:]
            break
    else:
        return None
    here = real_root
    for part in below:
        here = os.path.join(here, part)
        if os.path.islink(here):
            return None
    return "/".join(below)


def locate(root: Path, path: Path | str, shown: str | None = None) -> Path:
    """The resolved location of `path` (absolute, or relative to `root`), refused when it leaves
    `root` or lies under `.git/`. The path need not exist."""
    target = root / path
    real, _ = _located(root, target, shown if shown is not None else display_name(target, root))
    return Path(real)


def _located(root: Path, target: Path, shown: str) -> tuple[str, str]:
    """`locate` on strings (a Path per step costs more than the `lstat`s): the real path of `target`,
    and of the repository root, as `os.path.realpath` gives them, both absolute."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(target)
    inner = _inner(real, real_root)
    if inner is None:
        _refuse(shown, "resolves outside the repository (a symlink or '..')")
    if any(part.casefold() == GIT_DIR for part in inner.split(os.sep)):
        _refuse(shown, "is under .git/")
    return real, real_root


def _inner(real: str, real_root: str) -> str | None:
    """`real` relative to `real_root` ("" for the root itself); None when outside. Both are `realpath`s:
    absolute and normalised, so a prefix that ends at a separator is the ancestor relation."""
    if real == real_root:
        return ""
    prefix = os.path.join(real_root, "")
    return real[len(prefix) :] if real.startswith(prefix) else None


def read_bytes(
    root: Path, path: Path | str, *, max_bytes: int = MAX_FILE_BYTES, shown: str | None = None, use: str = WHOLE
) -> bytes:
    """The bytes of a regular file inside `root`, at most `max_bytes` of them; else `Refused`.

    `use`: what the caller takes from them, for `logged` (WHOLE: anything; another word: only what it names)."""
    target = root / path
    shown = shown if shown is not None else display_name(target, root)
    real, real_root = _located(root, target, shown)
    for log in _LOGS:  # before the read: a file that cannot be read tells something too
        resolved = (_inner(real, real_root) or ".").replace(os.sep, "/")
        for rel in (Path(os.path.relpath(target, root)).as_posix(), resolved):
            log.setdefault(rel, set()).add(use)
    return read_regular(Path(real), shown, max_bytes=max_bytes)


_LOGS: list[dict[str, set[str]]] = []


@contextlib.contextmanager
def logged() -> Iterator[dict[str, set[str]]]:
    """Within: every repository file `read_bytes` is asked for, relative to its root, as given and
    resolved, with what each caller took of it (`use`). The audit's reads of files besides the scan's
    (suppressions, checkers, inventories, the SSOT) all go through `read_bytes`; the memo
    (`extract.memo_delta`) learns from this which files the report read, and how."""
    log: dict[str, set[str]] = {}
    _LOGS.append(log)
    try:
        yield log
    finally:
        _LOGS[:] = [other for other in _LOGS if other is not log]


def read_regular(path: Path, shown: str, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file `path` (not confined: for paths the user gave), size-capped."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            _refuse(shown, "is a dangling symlink")
        raise  # plain absence: callers tell "missing" from "refused"
    except OSError as exc:
        _refuse(shown, f"cannot read: {exc.strerror or exc}")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            _refuse(shown, "is not a regular file")
        if info.st_size > max_bytes:
            _refuse(shown, f"is larger than {max_bytes} bytes")
        chunks: list[bytes] = []
        left = max_bytes + 1  # bounded even if the file grows after fstat
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except Refused:
        raise
    except OSError as exc:
        _refuse(shown, f"cannot read: {exc.strerror or exc}")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        _refuse(shown, f"is larger than {max_bytes} bytes")
    return data


def write_target(root: Path, path: Path | str, shown: str | None = None) -> Path:
    """Where a write to `path` may go: inside `root`, not under `.git/`, and, when the file exists,
    a regular file that is not itself a symlink (its target would be written, not the link)."""
    target = root / path
    shown = shown if shown is not None else display_name(target, root)
    real = locate(root, target, shown)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return real
    except OSError as exc:
        _refuse(shown, f"cannot write: {exc.strerror or exc}")
    if stat.S_ISLNK(info.st_mode):
        _refuse(shown, "is a symlink; driftbot does not write through links")
    if not stat.S_ISREG(info.st_mode):
        _refuse(shown, "is not a regular file")
    return real


def directory(root: Path, path: Path | str, shown: str | None = None) -> Path | None:
    """The resolved directory `path` inside `root`; None when there is no such directory; `Refused`
    when it leaves `root`."""
    real = locate(root, path, shown)
    return real if real.is_dir() else None


def screen(root: Path, rel_paths: list[str], max_bytes: int = MAX_FILE_BYTES) -> tuple[list[str], list[Refused]]:
    """Split walked repo-relative files into those the policy allows and the refusals, without
    reading any: links leaving the repository, dangling links, loops, non-regular or too large files.

    Every file is checked here, also one git calls clean (`gitfiles`): git does not tell its size nor
    whether this process may read it, and it follows a directory that became a symlink."""
    real_root = os.path.realpath(root)
    under_root = os.path.join(real_root, "")
    real_dirs = {"": real_root}
    dir_ok: dict[str, bool] = {}
    kept: list[str] = []
    refused: list[Refused] = []
    prefix = os.path.join(root, "")  # os calls take the joined string: a Path per file costs more than its lstat
    for rel in rel_paths:
        full = prefix + rel
        parent = rel.rpartition("/")[0]
        ok = dir_ok.get(parent)
        if ok is None:
            real = _real_dir(prefix, parent, real_dirs)
            ok = dir_ok[parent] = real == real_root or real.startswith(under_root)
        try:
            if not ok:
                _refuse(rel, "resolves outside the repository (a symlink or '..')")
            try:
                info = os.lstat(full)
            except OSError as exc:
                _refuse(rel, f"cannot read: {exc.strerror or exc}")
            if stat.S_ISLNK(info.st_mode):
                locate(root, rel, rel)
                try:
                    info = os.stat(full)
                except FileNotFoundError:
                    _refuse(rel, "is a dangling symlink")
                except OSError as exc:
                    _refuse(rel, f"cannot read: {exc.strerror or exc}")
            if not stat.S_ISREG(info.st_mode):
                _refuse(rel, "is not a regular file")
            if info.st_size > max_bytes:
                _refuse(rel, f"is larger than {max_bytes} bytes")
            if not os.access(full, os.R_OK):
                _refuse(rel, "cannot read: Permission denied")
        except Refused as exc:
            refused.append(exc)
            continue
        kept.append(rel)
    return kept, refused


def _real_dir(prefix: str, rel_dir: str, known: dict[str, str]) -> str:
    """`os.path.realpath(prefix + rel_dir)`, resolved from its parent's known real path: one `lstat` per
    directory, not one per component of its path (`known`: repo-relative directory -> real path)."""
    real = known.get(rel_dir)
    if real is None:
        parent, _, name = rel_dir.rpartition("/")
        real = os.path.join(_real_dir(prefix, parent, known), name)
        try:
            is_link = stat.S_ISLNK(os.lstat(real).st_mode)
        except OSError:  # as realpath: a missing component stays as written
            is_link = False
        if is_link:
            real = os.path.realpath(prefix + rel_dir)
        known[rel_dir] = real
    return real


def display_name(target: Path, root: Path) -> str:
    """How a path is named in messages: repo-relative as written, without resolving links (a link's
    target outside the repository is nobody's business)."""
    try:
        return target.relative_to(root).as_posix()
    except ValueError:
        pass
    try:
        return target.absolute().relative_to(root.absolute()).as_posix()
    except ValueError:
        return target.as_posix()


def _refuse(shown: str, reason: str) -> NoReturn:
    raise Refused(shown, reason)
