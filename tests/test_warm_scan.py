"""A warm scan (extract/cache.py, gitfiles.py) opens no unchanged file of a git work tree, reads
again what changed, and finds what a cold scan finds; a malformed cache entry is a miss, never a crash."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import driftbot
from driftbot import gitfiles, paths
from driftbot.cli import main
from driftbot.extract import cache as result_cache
from driftbot.extract import plan
from driftbot.extract.cache import Cache
from driftbot.extract.embedded_sql import EmbeddedReader
from driftbot.extract.infra_refs import WrittenReader
from driftbot.extract.scan import FileReader, PythonScan, scan_python
from driftbot.extract.scan import _result_type as result_type

NAMES = frozenset({"alpha_table", "beta_table", "gamma_table"})
READERS: dict[str, FileReader] = {
    "sql": EmbeddedReader((b"nba_raw", b"nba_analytics"), ()),
    "written": WrittenReader("ssot/", (b"phase",)),
}
CORPUS = {
    "tables.py": b"TABLES = ['alpha_table', 'beta_table']  # the two\n",
    "broken.py": b"X = ['alpha_table', 'beta_table'\n",
    "forced.py": b"ANY = ['x', 'y']\n",
    "pipeline.py": b"TOPIC = 'nba-phase2-done'\nQ = f\"SELECT * FROM nba_raw.games WHERE d = '{D}'\"\n",
    "jobs/queries.yaml": b"topic: nba-phase3-done\nquery: SELECT id FROM nba_analytics.players\n",
    "deploy/run.sh": b'#!/bin/bash\nbq query "SELECT 1 FROM nba_raw.teams"\n',
    "other.py": b"print('nothing to see')\n",
}
FORCED = frozenset({"forced.py"})
SUFFIXES = (".py", ".yaml", ".yml", ".sh")

# Every `open` of a file below a watched folder is logged, by this process and by the workers it forks.
_WATCHED: list[tuple[str, int]] = []


_LAUNCHED: list[list[list[str]]] = []  # and every process this one starts, while a list is here


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _WATCHED and isinstance(args[0], str) and args[0].startswith(_WATCHED[0][0]):
        os.write(_WATCHED[0][1], args[0].encode() + b"\n")
    elif event == "subprocess.Popen" and _LAUNCHED and isinstance(args[1], list):
        _LAUNCHED[0].append([os.fsdecode(a) for a in args[1]])


sys.addaudithook(_hook)


@contextlib.contextmanager
def opened_under(root: Path, log: Path) -> Iterator[list[str]]:
    """The repo-relative files opened inside the block, sorted, once it ends."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
    _WATCHED[:] = [(f"{root}{os.sep}", fd)]
    found: list[str] = []
    try:
        yield found
    finally:
        _WATCHED.clear()
        os.close(fd)
    found.extend(sorted({os.path.relpath(line, root) for line in log.read_text().splitlines()}))


@contextlib.contextmanager
def launched() -> Iterator[list[list[str]]]:
    """The command lines of the processes started inside the block."""
    _LAUNCHED[:] = [[]]
    try:
        yield _LAUNCHED[0]
    finally:
        _LAUNCHED.clear()


def git(repo: Path, *args: str) -> None:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", *who, *args], cwd=repo, check=True, capture_output=True)


def committed(root: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "corpus")
    return root


def scan(repo: Path, cache: Cache | None, readers: dict[str, FileReader] = READERS) -> PythonScan:
    listed = paths.walk(repo, [], SUFFIXES)
    return scan_python(repo, listed, NAMES, forced=FORCED, cache=cache, readers=readers)


def outcome(s: PythonScan) -> tuple[object, ...]:
    return s.collections, s.unparsable, s.read, s.files_scanned, s.files_parsed, s.unchecked


def filled(tmp_path: Path) -> tuple[Path, Path]:
    """A committed corpus and a cache directory filled by one scan of it."""
    repo = committed(tmp_path / "repo", CORPUS)
    where = tmp_path / "cache"
    cache = Cache(where)
    assert outcome(scan(repo, cache)) == outcome(scan(repo, None))
    cache.save()
    return repo, where


def test_the_corpus_exercises_every_reader_and_the_parse(tmp_path: Path) -> None:
    cold = scan(committed(tmp_path / "repo", CORPUS), None)
    assert sorted(cold.read["sql"]) == ["deploy/run.sh", "jobs/queries.yaml", "pipeline.py"]
    assert sorted(cold.read["written"]) == ["jobs/queries.yaml", "pipeline.py"]
    assert sorted({c.path for c in cold.collections}) == ["forced.py", "tables.py"]
    assert [u[0].path for u in cold.unparsable] == ["broken.py"]


def test_a_warm_scan_opens_no_unchanged_file(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    with opened_under(repo, tmp_path / "log") as cold_opens:
        cold = scan(repo, None)
    assert cold_opens == sorted(CORPUS)  # the watch sees what a scan opens
    with opened_under(repo, tmp_path / "log") as opened:
        warm = scan(repo, Cache(where))
    assert opened == []
    assert warm.files_opened == 0
    assert outcome(warm) == outcome(cold)


def test_a_changed_or_new_file_is_read_and_a_commit_keeps_it_known(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    (repo / "pipeline.py").write_bytes(CORPUS["pipeline.py"].replace(b"nba_raw.games", b"nba_raw.matches"))
    (repo / "new.py").write_bytes(b"NEW = ['alpha_table', 'gamma_table']\n")
    cache = Cache(where)
    with opened_under(repo, tmp_path / "log") as opened:
        warm = scan(repo, cache)
    assert opened == ["new.py", "pipeline.py"]
    assert outcome(warm) == outcome(scan(repo, None))
    assert [t.table for t in warm.read["sql"]["pipeline.py"].tables] == ["matches"]  # type: ignore[attr-defined]
    cache.save()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "change")
    with opened_under(repo, tmp_path / "log") as opened:
        again = scan(repo, Cache(where))
    assert opened == []  # the plans and results were stored under the blob ids git now has
    assert outcome(again) == outcome(warm)


def test_a_file_changed_without_a_new_size_or_after_touch_is_read(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    same_size = CORPUS["tables.py"].replace(b"beta_table", b"gamma_tabl")  # same length, other bytes
    (repo / "tables.py").write_bytes(same_size)
    os.utime(repo / "other.py")  # touched only: git compares the content, finds it clean
    with opened_under(repo, tmp_path / "log") as opened:
        warm = scan(repo, Cache(where))
    assert opened == ["tables.py"]
    assert outcome(warm) == outcome(scan(repo, None))


def test_other_names_or_reader_settings_miss(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    other = {**READERS, "sql": EmbeddedReader((b"nba_raw", b"nba_analytics"), (("D", "2024"),))}
    with opened_under(repo, tmp_path / "log") as opened:
        warm = scan(repo, Cache(where), other)
    assert opened == sorted(CORPUS)  # each plan depends on every reader's settings
    assert outcome(warm) == outcome(scan(repo, None, other))


def test_every_reader_of_driftbot_is_cached() -> None:
    """A reader whose result type the cache cannot hold would be read on every warm run: none is."""
    readers: dict[str, type] = {}
    for info in pkgutil.walk_packages(driftbot.__path__, "driftbot."):
        if info.name in ("driftbot.__main__", "driftbot.pytest_plugin"):
            continue
        module = importlib.import_module(info.name)
        for c in vars(module).values():
            if (
                isinstance(c, type)
                and c.__module__ == info.name
                and hasattr(c, "wants")
                and hasattr(c, "read")
                and c is not FileReader
            ):
                readers[c.__name__] = c
    assert {"ClassRefReader", "DdlReader", "EmbeddedReader", "MonitoringReader", "WrittenReader"} <= set(readers)
    assert [name for name, c in sorted(readers.items()) if result_type(c) is None] == []


def test_the_index_names_clean_files_only(tmp_path: Path) -> None:
    files = {"a.py": b"a\n", "b.py": b"b\n", "c.py": b"c\n", "d.py": b"d\n", "t\tab 0\t.py": b"t\n"}
    repo = committed(tmp_path / "repo", files)
    (repo / "b.py").write_bytes(b"bb\n")
    (repo / "new.py").write_bytes(b"n\n")
    git(repo, "update-index", "--assume-unchanged", "c.py")
    (repo / "c.py").write_bytes(b"changed behind git's back\n")
    listing = gitfiles.read(repo)
    assert sorted(listing.clean) == ["a.py", "d.py", "t\tab 0\t.py"]
    assert listing.clean_paths == tuple(listing.clean)  # the walk's paths, without the blob ids
    assert {p: listing.clean[p] for p in ("a.py", "t\tab 0\t.py")} == {
        "a.py": plan.blob_id(b"a\n"),
        "t\tab 0\t.py": plan.blob_id(b"t\n"),
    }
    assert sorted(listing.unsure) == ["b.py", "c.py", "new.py"]
    assert listing.changed == {b"b.py", b"new.py"}  # c.py: git does not look at it
    (tmp_path / "no-git").mkdir()
    outside = gitfiles.read(tmp_path / "no-git")
    assert (outside.raw, outside.clean, outside.clean_paths, outside.unsure, outside.changed) == (
        None,
        {},
        (),
        (),
        frozenset(),
    )


def test_the_two_processes_print_what_one_listing_prints(tmp_path: Path) -> None:
    files = {"a.py": b"a\n", "b.py": b"b\n", "d/c.py": b"c\n", ".gitignore": b"*.log\n", "t\tab.py": b"t\n"}
    repo = committed(tmp_path / "repo", files)
    (repo / "b.py").write_bytes(b"bb\n")
    (repo / "d/c.py").unlink()
    for rel in ("new.py", "d/new.sql", "skipped.log", "e/f/g.txt"):
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(b"n\n")
    one = ["git", "-c", "core.fsmonitor=false", "ls-files", "-z", "-s", "-v", "-m", "-o", "--exclude-standard"]
    expected = subprocess.run([*one, "--", "."], cwd=repo, check=True, capture_output=True).stdout
    assert expected.count(b"? ") == 3  # the listing has each kind of record: untracked, entries, modified
    assert expected.count(b"C 100644 ") == 2
    assert gitfiles.read(repo).raw == expected  # byte for byte: the memo's keys are what they were


# The listing's processes (`gitfiles.read`): the untracked files' walk, started first, then the filter
# query and the entries (their config, core.fsmonitor=false and the emptied filters, is in GIT_CONFIG_*).
LISTING = [["git", *gitfiles.UNTRACKED], ["git", *gitfiles.FILTER_QUERY], ["git", *gitfiles.ENTRIES]]


@pytest.mark.parametrize("cache", [("--cache-dir", "{cache}"), ("--no-cache",)])
def test_an_audit_asks_git_for_the_listing_once(
    example_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], cache: tuple[str, ...]
) -> None:
    """The memo, the walk, the screen and the scan share one listing (`gitfiles.read`: its `git ls-files`
    of the untracked files, the `git config` that finds the filter drivers to empty, its `git ls-files`
    of the entries), and no other process starts; without the memo (`--no-cache`)
    the walk asks git once all the same."""
    repo = committed(example_repo, EXTRA)
    argv = ["audit", str(repo), "--format", "json", "--offline", *(a.format(cache=tmp_path / "c") for a in cache)]
    assert main(argv) == 1
    filled = capsys.readouterr().out
    (repo / "bump.txt").write_text("x")  # untracked and not scanned: the memo misses
    with launched() as started:
        assert main(argv) == 1
    assert capsys.readouterr().out == filled
    assert started == LISTING
    if "--no-cache" not in cache:
        with launched() as started:  # a memo hit
            assert main(argv) == 1
        assert capsys.readouterr().out == filled
        assert started == LISTING


BAD_ENTRIES = [
    None,
    0,
    "x",
    [],
    {},
    {"p": None},
    {"p": [9, 0, []]},
    {"p": [1, 0, ["no-such-reader"]]},
    {"p": [1, 0, "sql"]},
    {"p": [True, 0, []]},
    {"p": [1, "0", []]},
    {"r": [[["x"]]]},
    {"r": {"a": 1}},
    {"r": [[], [], "bad", 7]},
    {"c": [["X", "weird", "a"]]},
    {"c": [[1, 2, 3, 4, 5, [[1]]]]},
    {"fail": [1]},
    {"c": [], "p": [1, 0, []], "r": None},
    json.loads("[" * 200 + "]" * 200),
]


@pytest.mark.parametrize("bad", BAD_ENTRIES, ids=[f"bad{i}" for i in range(len(BAD_ENTRIES))])
def test_a_malformed_entry_is_a_miss(tmp_path: Path, bad: object) -> None:
    repo, where = filled(tmp_path)
    stored = json.loads((where / result_cache.FILE_NAME).read_text())
    stored["entries"] = dict.fromkeys(stored["entries"], bad)
    (where / result_cache.FILE_NAME).write_text(json.dumps(stored))
    cache = Cache(where)
    assert outcome(scan(repo, cache)) == outcome(scan(repo, None))
    cache.save()
    with opened_under(repo, tmp_path / "log") as opened:
        assert outcome(scan(repo, Cache(where))) == outcome(scan(repo, None))
    assert opened == sorted(CORPUS)  # the cold scan's opens: the repaired cache answered the warm one


def test_a_cache_of_another_extractor_is_ignored_and_replaced(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    stored = json.loads((where / result_cache.FILE_NAME).read_text())
    assert stored["extractor"] == result_cache.extractor_digest()
    stored["extractor"] = "another driftbot"
    (where / result_cache.FILE_NAME).write_text(json.dumps(stored))
    cache = Cache(where)
    with opened_under(repo, tmp_path / "log") as opened:
        assert outcome(scan(repo, cache)) == outcome(scan(repo, None))
    assert opened == sorted(CORPUS)
    cache.save()
    assert json.loads((where / result_cache.FILE_NAME).read_text())["extractor"] == result_cache.extractor_digest()


def test_a_deeply_nested_cache_file_is_ignored(tmp_path: Path) -> None:
    repo, where = filled(tmp_path)
    (where / result_cache.FILE_NAME).write_text("[" * 100_000 + "]" * 100_000)
    assert outcome(scan(repo, Cache(where))) == outcome(scan(repo, None))


EXTRA = {  # beside the example monorepo: something for every reader of the scan
    "jobs/pipeline.py": (
        b"import os\n\n"
        b'TOPIC = os.environ.get("PHASE4_TOPIC", "nba-phase4-precompute-complet")\n'
        b'JOB = {"name": "prediction-coordinator-daily-prod", "schedule": "0 6 * * *", '
        b'"time_zone": "America/Los_Angeles"}\n\n\n'
        b"def load(client):\n"
        b"    return client.query(f\"SELECT * FROM nba_raw.no_such_games WHERE d = '{os.environ['D']}'\")\n"
    ),
    "jobs/queries.yaml": (
        b"topic: nba-phase5-trigger-dlqq\nchecks:\n  - name: freshness\n"
        b"    query: SELECT game_id FROM nba_analytics.missing_table\n"
    ),
    "deploy/refresh.sh": b'#!/bin/bash\nbq query --nouse_legacy_sql "SELECT * FROM nba_precompute.vanished_table"\n',
}


def test_audit_reports_are_byte_identical_cold_and_warm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], example_repo: Path
) -> None:
    repo = committed(example_repo, EXTRA)
    where = tmp_path / "cache"

    def audit(*extra: str) -> tuple[int, str]:
        (repo / "bump.txt").write_text(str(len(runs)))  # untracked and not scanned: the memo misses
        code = main(["audit", str(repo), "--format", "json", "--offline", *extra])
        return code, capsys.readouterr().out

    runs: list[tuple[int, str]] = []
    runs.append(audit("--no-cache"))
    rules = {f["rule"] for f in json.loads(runs[0][1])["findings"]}
    assert {"unknown-table", "topic-missing", "schedule-mismatch", "unknown-name"} <= rules
    runs.append(audit("--cache-dir", str(where)))  # fills the cache
    runs.append(audit("--cache-dir", str(where)))  # warm
    assert runs[0] == runs[1] == runs[2]
    kinds = {next(iter(v)) for v in json.loads((where / result_cache.FILE_NAME).read_text())["entries"].values()}
    assert kinds == {"t", "c", "r"}
    (repo / "jobs/queries.yaml").write_bytes(EXTRA["jobs/queries.yaml"].replace(b"missing_table", b"gone_table"))
    warm, cold = audit("--cache-dir", str(where)), audit("--no-cache")
    assert warm == cold
    assert "gone_table" in warm[1]
