"""The whole-report memo: an unchanged repository is answered from the last identical run.

The per-file cache (`extract/cache.py`) makes a warm run read only what changed, but the run still
imports the pipeline, walks and checks everything. The memo skips all of it: it stores the rendered
report and its exit code under a key of everything the report depends on, and answers with them
when nothing changed. It imports nothing heavy (only this module, `repofs`, `gitfiles`, `extract.scanned`
and the standard library), so a hit costs one listing (`gitfiles.read`: a `git config` and two
`git ls-files`, one of them beside the other two) and a few hashes. A miss hands git's answer
(`gitfiles.Listing`) to the audit: its walk and scan then do not ask git again.

The key (sha256 of):
- the audited tree as git sees it, the listing the audit walks (`gitfiles.read`): the index entries
  (tag, path, mode and blob sha of every tracked file) plus every file git lists as modified, deleted
  or untracked-not-ignored, each with a hash of its current content (symlinks by their target text);
- the command line (every option, as parsed), whether colour is wanted, and today's date (SLA
  deadlines and ignore expiry depend on it);
- the code: the driftbot package's files (size and mtime) and the installed distributions' names
  with versions (`*.dist-info`), plus the Python version.

A run that read no repository file but scanned ones (`extract.scanned`) and its dependencies (no
`mirrors:`) is stored under a scoped key instead, whose tree part leaves out the content of every
other file (its path, mode and type still count): an edit of a README or a `.txt` file is answered
too. A scanned path that is a symlink (it reads another file's content) gives no scoped key.

Inputs the tree may not show (a file git ignores, or outside the repository) are listed in the
entry as dependencies with their content digests, recomputed on every check: the config file, the
SSOT directory, the ignore file, `snapshot:` inventories and the `--baseline` report. They are
derived when the entry is stored, from the parsed configuration; the configuration itself is one of
them, so a change to it also changes where the others are.

Never memoised (the entry is not written): a report that depends on the world rather than on the
files, i.e. an inventory other than `ddl:` and `snapshot:` (a live `bigquery://` is read afresh every
time) or `--probe-http`; an incomplete report (exit 3: unreachable inventory, time budget); a report
over MAX_TEXT_BYTES; a dependency that is a symlink or not a regular file or directory; a directory
outside git (there is no cheap, trustworthy tree digest).

Storage: one JSON file per key, `<cache dir>/memo/<key>.json`, next to the per-file cache. Written to
a temporary file in that directory and `os.replace`d, so concurrent runs never see half an entry;
at most MAX_ENTRIES are kept (oldest removed first); an entry that cannot be read, of another
format, or not a regular file is a miss. Nothing here reads outside the repository, the named
dependencies and the cache directory: repository paths are opened with O_NOFOLLOW, never followed.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import site
import stat
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from driftbot import gitfiles, repofs
from driftbot.extract.scanned import scanned

if TYPE_CHECKING:
    from driftbot.extract import memo_delta

FORMAT = 1
DIR_NAME = "memo"
MAX_ENTRIES = 16
MAX_TEXT_BYTES = 32_000_000  # a larger report is not memoised
MAX_HASHED_BYTES = 256_000_000  # dirty and untracked files hashed for one key; past it, no memo
MAX_TREE_FILES = 10_000  # files of one dependency directory (the SSOT); past it, no memo
PIECE_ITEMS = 10_000  # of a large map in an entry, encoded at once when it is written (`json_pieces`)
STATIC_SCHEMES = ("ddl:", "snapshot:")  # inventories that are files of the repository
PACKAGE = Path(__file__).resolve().parents[1]


def default_dir(repo: Path) -> Path:
    """`<git dir>/driftbot/cache` when `repo` is a git checkout, else the user's cache directory."""
    dot_git = repo / repofs.GIT_DIR
    git_dir: Path | None = None
    if dot_git.is_dir() and not dot_git.is_symlink():
        git_dir = dot_git
    elif dot_git.is_file():  # a worktree or submodule: `gitdir: <path>`
        try:
            line = repofs.read_regular(dot_git, ".git", max_bytes=4096).decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            line = ""
        if line.startswith("gitdir:"):
            target = Path(line.removeprefix("gitdir:").strip())
            git_dir = target if target.is_absolute() else repo / target
    if git_dir is not None and git_dir.is_dir():
        return git_dir / "driftbot" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "driftbot"


class Answer(NamedTuple):
    """A memoised run: what it printed and how it exited."""

    text: str
    exit_code: int


class Memo:
    """The memo entry of one run's inputs; `key` is None when this run cannot be memoised."""

    def __init__(self, cache_dir: Path, repo: Path, options: Iterable[tuple[str, object]]) -> None:
        self.directory = cache_dir / DIR_NAME
        self.repo = repo
        self.index = gitfiles.read(repo)  # the audit reuses it on a miss
        self.skipped = skipped_prefix(repo, cache_dir, self.index)  # the cache folder's names, when it is in the tree
        trees = tree_digest(repo, self.index, self.skipped)
        self.key: str | None = None
        self.scoped_key: str | None = None  # the key that sees only scanned files' content (`extract.scanned`)
        self.shape_key: str | None = None  # the key of the delta entry, that sees no file's content (`memo_delta`)
        if trees is not None:
            rest = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in options)).encode())
            rest.update(f"\0{time.strftime('%Y-%m-%d')}".encode())  # today, as `dt.date.today()`
            head, tail = f"driftbot-memo\0{FORMAT}\0{code_digest()}\0", f"\0{rest.hexdigest()}"

            def key(tree: str | None, kind: str = "") -> str | None:
                return None if tree is None else hashlib.sha256(f"{head}{kind}{tree}{tail}".encode()).hexdigest()

            self.key = key(trees.full)
            self.scoped_key = key(trees.scoped, "scoped\0")
            self.shape_key = key(trees.shape, "shape\0")
        self._hashed: tuple[tuple[Path, ...], dict[str, str] | None] | None = None  # `_digests`

    def _path(self, key: str | None) -> Path | None:
        return None if key is None else self.directory / f"{key}.json"

    @property
    def path(self) -> Path | None:
        return self._path(self.key)

    def lookup(self) -> Answer | None:
        """The stored answer when every input is as it was; None on a miss or an unreadable entry.

        An entry stored for the scoped key (`store(..., scoped=True)`) answers too when only files
        the audit does not read (`extract.scanned`) changed content.
        """
        for key in (self.key, self.scoped_key):
            answer = self._entry(key)
            if answer is not None:
                return answer
        return self._delta()

    def _delta(self) -> Answer | None:
        """The delta entry's answer (`extract.memo_delta`), when only files the report does not depend on changed."""
        if self.shape_key is None:
            return None
        from driftbot.extract import memo_delta  # a miss of the memo's own keys only

        try:
            doc = memo_delta.load(self.directory / memo_delta.DIR_NAME / f"{self.shape_key}.json", self.shape_key)
            answer = self._answer(doc)
            if answer is None or not memo_delta.answers(self.repo, self.index, self.skipped, doc):
                return None
        except (OSError, ValueError, TypeError, KeyError, RecursionError):  # missing, refused, corrupt: a miss
            return None
        return answer

    def _entry(self, key: str | None) -> Answer | None:
        path = self._path(key)
        if path is None:
            return None
        try:
            entry = json.loads(repofs.read_regular(path, str(path), max_bytes=MAX_TEXT_BYTES * 2))
            if entry["format"] != FORMAT or entry["key"] != key:
                return None
            return self._answer(entry)
        except (OSError, ValueError, TypeError, KeyError, RecursionError):  # missing, refused, corrupt: a miss
            return None

    def _answer(self, entry: Any) -> Answer | None:
        """The answer an entry of this key holds, when its dependencies are as they were."""
        deps: dict[str, str] = entry["deps"]
        if not isinstance(deps, dict) or any(self._digest(Path(p)) != d for p, d in deps.items()):
            return None
        text, code = entry["text"], entry["exit"]
        if not isinstance(text, str) or not isinstance(code, int) or isinstance(code, bool):
            return None
        return Answer(text, code)

    def store(self, answer: Answer, deps: Sequence[Path], *, scoped: bool = False) -> bool:
        """Remember `answer` for this key, with the digests of `deps`; never raises. True when written.

        `scoped`: the run read no file outside `extract.scanned` but `deps` (no `mirrors:`), so the
        answer holds whatever other files contain; stored for the scoped key when there is one.
        """
        key = self.scoped_key if scoped and self.scoped_key is not None else self.key
        path = self._path(key)
        digests = self._digests(deps)
        if path is None or len(answer.text) > MAX_TEXT_BYTES or digests is None:
            return False
        doc = {"format": FORMAT, "key": key, "deps": digests, "exit": answer.exit_code, "text": answer.text}
        return _write(self.directory, path, doc, MAX_ENTRIES)

    def store_delta(self, answer: Answer, deps: Sequence[Path], trace: memo_delta.Trace) -> bool:
        """Remember `answer` in a delta entry (`extract.memo_delta`) from the audit's `trace`; never raises.

        Only for an audit that read no file outside `extract.scanned` but `deps` (no `mirrors:`). True when written.
        """
        from driftbot.extract import memo_delta

        digests = self._digests(deps)
        if self.shape_key is None or len(answer.text) > MAX_TEXT_BYTES or digests is None:
            return False
        head = {"key": self.shape_key, "deps": digests, "exit": answer.exit_code, "text": answer.text}
        try:
            doc = memo_delta.entry(self.repo, self.index, self.skipped, trace, head)
        except OSError:  # a file that cannot be read as `memo_delta.content_ids` says
            return False
        if doc is None:
            return False
        folder = self.directory / memo_delta.DIR_NAME
        return _write(folder, folder / f"{self.shape_key}.json", doc, memo_delta.MAX_ENTRIES, memo_delta.MAX_BYTES)

    def _digests(self, deps: Sequence[Path]) -> dict[str, str] | None:
        """The digests of `deps` by path (None: one cannot be trusted), made once a run: `store` and
        `store_delta` ask for the same dependencies, and the SSOT is read whole to hash it."""
        asked = tuple(deps)
        if self._hashed is None or self._hashed[0] != asked:
            self._hashed = asked, self._hash(asked)
        return self._hashed[1]

    def _hash(self, deps: Sequence[Path]) -> dict[str, str] | None:
        digests: dict[str, str] = {}
        for dep in dict.fromkeys(p.absolute() for p in deps):
            digest = self._digest(dep)
            if digest is None:
                return None
            digests[str(dep)] = digest
        return digests

    def _digest(self, dep: Path) -> str | None:
        """`dep_digest`, for a path in the repository only where it resolves inside it (no symlinked folder)."""
        if repofs.lexically_inside(dep, self.repo) and not repofs.inside(dep.parent, self.repo):
            return None
        return dep_digest(dep)


def _write(folder: Path, path: Path, doc: dict[str, Any], keep: int, max_bytes: int = MAX_TEXT_BYTES * 2) -> bool:
    """Write entry `doc` to `path` atomically, then keep the `keep` newest entries of `folder`; never raises.

    Not written when its JSON is over `max_bytes` (ASCII: its length is its size)."""
    import tempfile  # on a miss only: a hit imports as little as it can

    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".memo-", suffix=".tmp", dir=folder)
        try:
            size = 0
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                for piece in json_pieces(doc):
                    size += len(piece)
                    if size > max_bytes:
                        raise _TooLarge
                    fh.write(piece)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(folder, keep)
    except (OSError, _TooLarge):
        return False
    return True


class _TooLarge(Exception):
    """An entry's JSON is over its bound: it is not written."""


def json_pieces(doc: dict[str, Any], items: int = PIECE_ITEMS) -> Iterator[str]:
    """`json.dumps(doc, separators=(",", ":"))` in pieces: a dict value of more than `items` items (the delta
    entry's `irrelevant`, a file each) by `items`, so neither its text nor the encoder's parts of it are
    ever held whole (about 10 MB and twice that at 100k files)."""
    yield "{"
    for n, (k, v) in enumerate(doc.items()):
        head = f"{',' if n else ''}{_dumps(k)}:"
        if type(v) is not dict or len(v) <= items:
            yield head + _dumps(v)
            continue
        yield head + "{"
        left = iter(v.items())
        first = True
        while chunk := dict(itertools.islice(left, items)):
            yield ("" if first else ",") + _dumps(chunk)[1:-1]
            first = False
        yield "}"
    yield "}"


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _prune(folder: Path, keep: int) -> None:
    """Keep the `keep` newest entries of `folder`; another run may be pruning too."""
    aged: list[tuple[int, str]] = []
    with os.scandir(folder) as it:
        for e in it:
            if e.name.endswith(".json") and e.is_file(follow_symlinks=False):
                aged.append((e.stat(follow_symlinks=False).st_mtime_ns, e.name))
    for _, name in sorted(aged, reverse=True)[keep:]:
        try:
            os.unlink(folder / name)
        except FileNotFoundError:  # another run pruned it first
            continue


def memoisable(inventories: Iterable[str], *, probe_http: bool) -> bool:
    """Whether a report with these inputs depends only on files (no live inventory, no HTTP probe)."""
    return not probe_http and all(url.startswith(STATIC_SCHEMES) for url in inventories)


class Trees(NamedTuple):
    """`tree_digest`: what the audit can see of a repository, at three depths."""

    full: str  # every file's content
    scoped: str | None  # the content of scanned files only (None: a scanned symlink)
    shape: str | None  # no file's content: paths, modes and types only (None: a scanned symlink or odd file)


def tree_digest(repo: Path, index: gitfiles.Listing, skipped: bytes = b"\0") -> Trees | None:
    """Digests of what the audit can see of `repo` (module docstring) from git's `index` of it; None on trouble.

    Three digests: of every file's content; scoped: of the content of scanned files only
    (`extract.scanned`), every other file by path, mode and type alone (None when a scanned path is a
    symlink: what it reads is another file's content); and the shape, of no file's content (for the
    delta entry, `extract.memo_delta`, which checks scanned files' content one by one): every listed
    path with its mode and type, and whether it is untracked or deleted, but not whether a tracked
    regular file is modified. No shape when a scanned path is not a regular file or is unmerged.
    `skipped`: the names left out start with it (`skipped_prefix`: the cache folder in the work tree, whose
    writes are no change).
    """
    if index.raw is None:
        return None
    h = hashlib.sha256()  # of the index entries, each NUL-terminated, fed one by one (a copy: ~100 bytes a file)
    scoped, shape, unscanned, tracked = _scoped_index(index.raw, h)
    budget = MAX_HASHED_BYTES
    for name in sorted(index.changed):
        if name.startswith(skipped):
            continue
        looked = name not in unscanned and scanned(os.fsdecode(name))
        h.update(b"\0" + name + b"\0")
        try:
            info = os.lstat(repo / os.fsdecode(name))
        except FileNotFoundError:
            h.update(b"deleted")
            for digest in (scoped, shape):
                if digest is not None:
                    digest.update(b"\0" + name + b"\0deleted")
            continue
        except OSError:
            return None
        kind = f"type:{stat.S_IFMT(info.st_mode)}".encode()
        if stat.S_ISLNK(info.st_mode):
            content = b"link:" + os.fsencode(os.readlink(repo / os.fsdecode(name)))
            if looked:
                scoped = shape = None
        elif stat.S_ISREG(info.st_mode):
            budget -= info.st_size
            if budget < 0:
                return None
            try:
                content = _file_digest(repo / os.fsdecode(name)).encode()
            except OSError:
                return None
        else:  # a directory (an untracked nested repository) or something stranger: its type only
            content = f"mode:{stat.S_IFMT(info.st_mode)}".encode()
            if looked:
                shape = None
        h.update(content)
        if name in unscanned:  # an unscanned tracked file changed: its path is listed
            continue
        if scoped is not None:
            scoped.update(b"\0" + name + b"\0" + (content if looked else kind))
        if shape is not None and not (looked and name in tracked):  # a scanned tracked file's content: checked apart
            shape.update(b"\0" + name + b"\0" + kind)
    return Trees(
        h.hexdigest(), None if scoped is None else scoped.hexdigest(), None if shape is None else shape.hexdigest()
    )


def skipped_prefix(repo: Path, skip: Path | None, index: gitfiles.Listing) -> bytes:
    """The listed names under `skip` (the cache folder: the audit's walk leaves them out too) start with this.

    b"\\0" (no name starts with NUL) when `skip` is not a folder of the work tree (`repofs.folder_in`:
    outside, or reached through a symlink in it) or git tracks a file in it: that is the repository's."""
    rel = None if skip is None else repofs.folder_in(repo, skip)
    if rel is None:
        return b"\0"
    prefix = os.fsencode(rel) + b"/"
    tracked = index.raw is not None and b"\t" + prefix in index.raw  # an index entry's path follows a tab
    return b"\0" if tracked else prefix


def _scoped_index(
    raw: bytes, full: hashlib._Hash
) -> tuple[hashlib._Hash | None, hashlib._Hash | None, set[bytes], set[bytes]]:
    """Digests of the index entries of git's listing `raw` (`gitfiles.Listing.raw`): with the blob ids of
    unscanned files left out (None: a scanned symlink), and with every blob id left out (None: a scanned
    symlink or unmerged path); the unscanned files' names, and every name. `full` is fed each entry whole."""
    h: hashlib._Hash | None = hashlib.sha256()
    shape: hashlib._Hash | None = hashlib.sha256()
    unscanned: set[bytes] = set()
    names: set[bytes] = set()
    entries = (r for r in raw.split(b"\0") if r and r[:2] not in gitfiles.CHANGED_TAGS)
    for record in itertools.chain(entries, [b""]):  # "<tag> <mode> <blob> <stage>\t<path>"; then b"", as ever
        if record:
            full.update(record + b"\0")
        if h is None:  # a scanned symlink: only `full` is left
            continue
        meta, _, name = record.partition(b"\t")
        fields = meta.split(b" ")
        names.add(name)
        looked = len(fields) != 4 or scanned(os.fsdecode(name))
        if shape is not None and record:
            if len(fields) != 4 or (looked and (fields[1] == b"120000" or fields[3] != b"0")):
                shape = None
            else:
                shape.update(b" ".join((fields[0], fields[1], fields[3])) + b"\t" + name + b"\0")
        if not looked:  # not read: its blob does not count
            h.update(b" ".join((fields[0], fields[1], fields[3])) + b"\t" + name + b"\0")
            unscanned.add(name)
        elif fields[1:2] == [b"120000"]:
            h = shape = None
        else:
            h.update(record + b"\0")
    return h, shape, unscanned, names


@functools.cache  # once per process: the per-file cache keys on it too
def code_digest() -> str:
    """What driftbot's output depends on besides its input: its own files and installed distributions."""
    h = hashlib.sha256(f"{sys.version}\0{sys.executable}\0".encode())
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            info = os.stat(os.path.join(root, name))
            h.update(f"{root}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    h.update(distributions().encode())
    return h.hexdigest()


@functools.cache
def distributions() -> str:
    """The installed distributions' names with their versions (`*.dist-info` folders), one string."""
    found: list[str] = []
    for folder in site.getsitepackages():
        try:
            found.append("\0".join(sorted(n for n in os.listdir(folder) if n.endswith(".dist-info"))))
        except OSError:
            continue
    return "\n".join(found)


def dep_digest(path: Path) -> str | None:
    """The digest of a dependency: a regular file's content, a directory's files, or "missing".

    None when it cannot be trusted (a symlink anywhere, a FIFO or device, too large, unreadable).
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return "missing"
    except OSError:
        return None
    try:
        if stat.S_ISREG(info.st_mode):
            return "file:" + _file_digest(path)
        if stat.S_ISDIR(info.st_mode):
            return _tree_of(path)
    except OSError:
        return None
    return None


def _tree_of(folder: Path) -> str | None:
    h = hashlib.sha256(b"dir")
    count = 0
    for root, dirs, files in os.walk(folder, onerror=_raise, followlinks=False):
        dirs.sort()
        for name in (*sorted(files), *(d for d in dirs if os.path.islink(os.path.join(root, d)))):
            full = os.path.join(root, name)
            count += 1
            if count > MAX_TREE_FILES or not stat.S_ISREG(os.lstat(full).st_mode):
                return None
            h.update(f"\0{os.path.relpath(full, folder)}\0{_file_digest(Path(full))}".encode())
    return h.hexdigest()


def _raise(exc: OSError) -> None:
    raise exc


def _file_digest(path: Path) -> str:
    return hashlib.sha256(repofs.read_regular(path, str(path), max_bytes=MAX_HASHED_BYTES)).hexdigest()
