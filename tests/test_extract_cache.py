"""extract/cache.py: a warm scan reuses per-file results; keys, location, bounds, corruption, atomic writes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.extract import cache as result_cache
from driftbot.extract import plan
from driftbot.extract.cache import Cache
from driftbot.extract.memo import default_dir
from driftbot.extract.scan import scan_python
from driftbot.ftypes import Location

NAMES = frozenset({"alpha_table", "beta_table", "gamma_table"})
GOOD = b"TABLES = ['alpha_table', 'beta_table']  # the two\n"
BROKEN = b"X = ['alpha_table', 'beta_table'\n"


def repo_with(tmp_path: Path, files: dict[str, bytes]) -> Path:
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return tmp_path


def scan(repo: Path, cache: Cache | None, names: frozenset[str] = NAMES) -> tuple[object, object]:
    result = scan_python(repo, sorted(p.name for p in repo.glob("*.py")), names, cache=cache)
    return result.collections, result.unparsable


def git_blob_id(data: bytes) -> str:
    done = subprocess.run(["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True)
    return done.stdout.decode().strip()


def entries(directory: Path) -> dict[str, object]:
    data = json.loads((directory / result_cache.FILE_NAME).read_text())
    assert data["format"] == result_cache.FORMAT
    found: dict[str, object] = data["entries"]
    return found


def test_warm_scan_equals_cold_and_reads_the_cache(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "r", {"a.py": GOOD, "b.py": BROKEN})
    where = tmp_path / "cache"
    cold = scan(repo, None)
    first = Cache(where)
    assert scan(repo, first) == cold
    first.save()
    assert len(entries(where)) == 2  # the failure is cached too
    assert scan(repo, Cache(where)) == cold
    # prove the warm run used the cache: doctor the cached symbol
    doctored = {k: json.loads(json.dumps(v).replace('"TABLES"', '"FROM_CACHE"')) for k, v in entries(where).items()}
    stored = {"format": result_cache.FORMAT, "extractor": result_cache.extractor_digest(), "entries": doctored}
    (where / result_cache.FILE_NAME).write_text(json.dumps(stored))
    collections, _ = scan(repo, Cache(where))
    assert [c.symbol for c in collections] == ["FROM_CACHE"]  # type: ignore[attr-defined]


def test_changed_bytes_or_names_miss(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "r", {"a.py": GOOD})
    where = tmp_path / "cache"
    c = Cache(where)
    scan(repo, c)
    c.save()
    (repo / "a.py").write_bytes(GOOD.replace(b"TABLES", b"RENAMED"))
    collections, _ = scan(repo, Cache(where))
    assert [x.symbol for x in collections] == ["RENAMED"]  # type: ignore[attr-defined]
    collections, _ = scan(repo, Cache(where), NAMES | {"delta_table"})  # other names: parsed again
    assert [x.symbol for x in collections] == ["RENAMED"]  # type: ignore[attr-defined]
    salt = Cache.salt("collections", result_cache.names_digest(NAMES))
    assert result_cache.key(GOOD, salt) == result_cache.content_key(plan.blob_id(GOOD), salt)
    assert plan.blob_id(GOOD) == git_blob_id(GOOD)
    assert result_cache.key(GOOD, salt) != result_cache.key(GOOD, Cache.salt("collections", "whole"))


@pytest.mark.parametrize(
    "content",
    [b"not json", b"[]", b'{"format": 1, "entries": {}}', b"\xff\xfe", b"[" * 100_000, None],
    ids=["garbage", "list", "other-format", "binary", "too-deep", "malformed-entry"],
)
def test_a_corrupt_cache_is_ignored_and_replaced(tmp_path: Path, content: bytes | None) -> None:
    repo = repo_with(tmp_path / "r", {"a.py": GOOD})
    where = tmp_path / "cache"
    where.mkdir()
    cold = scan(repo, None)
    if content is None:  # a well-formed file whose entry for a.py is nonsense
        filled = Cache(where)
        scan(repo, filled)
        filled.save()
        content = json.dumps(
            {
                "format": result_cache.FORMAT,
                "extractor": result_cache.extractor_digest(),
                "entries": {k: {"c": [["X", "weird", "a"]]} for k in entries(where)},
            }
        ).encode()
    (where / result_cache.FILE_NAME).write_bytes(content)
    c = Cache(where)
    assert scan(repo, c) == cold
    c.save()
    assert len(entries(where)) == 1
    assert scan(repo, Cache(where)) == cold


def test_a_cache_that_is_not_a_regular_file_is_ignored(tmp_path: Path) -> None:
    repo = repo_with(tmp_path / "r", {"a.py": GOOD})
    where = tmp_path / "cache"
    where.mkdir()
    (where / result_cache.FILE_NAME).symlink_to("/dev/zero")
    assert scan(repo, Cache(where)) == scan(repo, None)


def test_save_is_atomic_bounded_and_quiet_on_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"m{i}.py": GOOD.replace(b"TABLES", f"T{i}".encode()) for i in range(5)}
    repo = repo_with(tmp_path / "r", files)
    where = tmp_path / "cache"
    monkeypatch.setattr(result_cache, "MAX_ENTRIES", 3)
    c = Cache(where)
    scan(repo, c)
    c.save()
    assert len(entries(where)) == 3
    assert sorted(p.name for p in where.iterdir()) == [result_cache.FILE_NAME]  # no temporary file left
    monkeypatch.setattr(result_cache, "MAX_BYTES", 500)  # two of these entries fit, not three
    c = Cache(where)
    scan(repo, c)
    c.save()
    assert len((where / result_cache.FILE_NAME).read_bytes()) <= 500
    assert 1 <= len(entries(where)) < 3
    blocked = tmp_path / "file"
    blocked.write_text("")
    c2 = Cache(blocked / "sub")  # cannot be created: the run goes on without a cache
    scan(repo, c2)
    c2.save()


def test_default_dir_is_in_the_git_dir_else_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_dir(plain) == tmp_path / "xdg" / "driftbot"
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    assert default_dir(repo) == repo / ".git" / "driftbot" / "cache"
    worktree = tmp_path / "wt"
    worktree.mkdir()
    (worktree / ".git").write_text(f"gitdir: {repo / '.git' / 'worktrees' / 'wt'}\n")
    (repo / ".git" / "worktrees" / "wt").mkdir(parents=True)
    assert default_dir(worktree) == repo / ".git" / "worktrees" / "wt" / "driftbot" / "cache"


def test_audit_cli_is_the_same_warm_and_without_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], example_repo: Path
) -> None:
    where = tmp_path / "cache"
    runs = []
    for extra in (["--cache-dir", str(where)], ["--cache-dir", str(where)], ["--no-cache"]):
        code = main(["audit", str(example_repo), "--format", "json", "--offline", *extra])
        runs.append((code, capsys.readouterr().out))
    assert runs[0] == runs[1] == runs[2]
    assert entries(where)


def test_plans_are_one_table_with_a_row_per_path_blob_and_forced(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "c")
    table = cache.plans("setting")
    candidate = plan.Plan(plan.FOCUSED, 120, ("sql",))
    table.put("a.py", "b" * 40, False, plan.Plan(plan.NOT_CANDIDATE, 77, ()))
    table.put("b.py", "c" * 40, True, candidate)
    cache.save()
    skipped_row, candidate_row = row("a.py", "b" * 40, False), row("b.py", "c" * 40, True)
    assert entries(tmp_path / "c") == {"setting": {"t": [skipped_row, {candidate_row: [1, 120, ["sql"]]}]}}
    assert len(skipped_row) == 2 * result_cache.ROW_BYTES  # a skipped file: 16 bytes, in hex
    again = Cache(tmp_path / "c").plans("setting")
    assert again.get("a.py", "b" * 40, False) == plan.SKIPPED == plan.Plan(0, 0, ())
    assert again.get("b.py", "c" * 40, True) == candidate
    assert again.get("b.py", "c" * 40, False) is None  # forced is part of the row
    assert again.get("b.py", "d" * 40, True) is None  # another content
    assert Cache(tmp_path / "c").plans("other").get("b.py", "c" * 40, True) is None  # another setting


def row(path: str, content: str, forced: bool) -> str:
    return result_cache.row_key(path, content, forced).hex()


@pytest.mark.parametrize("bad", [[9, 1, []], [1, "1", []], [1, 1, [3]], [1, 1], "x", 1, None, False, 0.0, 0])
def test_a_malformed_plan_row_is_a_miss_and_dropped(tmp_path: Path, bad: object) -> None:
    cache = Cache(tmp_path / "c")
    cache.plans("setting").put("ok.py", "a" * 40, False, plan.SKIPPED)
    cache.save()
    doc = json.loads((tmp_path / "c" / result_cache.FILE_NAME).read_text())
    doc["entries"]["setting"]["t"][1][row("bad.py", "a" * 40, False)] = bad
    (tmp_path / "c" / result_cache.FILE_NAME).write_text(json.dumps(doc))
    cache = Cache(tmp_path / "c")
    table = cache.plans("setting")
    assert table.get("bad.py", "a" * 40, False) is None
    assert table.get("ok.py", "a" * 40, False) == plan.SKIPPED
    cache.save()
    assert entries(tmp_path / "c") == {"setting": {"t": [row("ok.py", "a" * 40, False), {}]}}


@pytest.mark.parametrize(
    "table",
    [
        [1, 2],
        {"a": 0},
        ["", {}, 1],
        ["", []],
        [None, {}],
        ["ab", {}],  # not a whole row name
        ["zz" * 16, {}],  # not hex
        [" " + "a" * 31, {}],  # `bytes.fromhex` skips spaces: no row of 15 bytes
        ["0" * 32],
    ],
)
def test_a_malformed_plan_table_is_empty(tmp_path: Path, table: object) -> None:
    (tmp_path / "c").mkdir()
    cache = Cache(tmp_path / "c")
    cache.entries["setting"] = {"t": table}
    loaded = cache.plans("setting")
    assert loaded.rows == {}
    assert loaded.skipped == set()
    assert "setting" not in cache.entries


def test_a_plan_table_of_an_older_cache_format_is_ignored(tmp_path: Path) -> None:
    """Format 2 kept a key string per row (`"path\\0blob\\0forced": 0`): its file is another, and a file of
    that format under this name is dropped whole."""
    (tmp_path / "c").mkdir()
    rows = {f"a.py\0{'b' * 40}\0000": 0}
    doc = {"format": 2, "extractor": result_cache.extractor_digest(), "entries": {"setting": {"t": rows}}}
    (tmp_path / "c" / result_cache.FILE_NAME).write_text(json.dumps(doc))
    cache = Cache(tmp_path / "c")
    assert cache.entries == {}
    assert cache.plans("setting").get("a.py", "b" * 40, False) is None
    assert result_cache.FILE_NAME == "extract-v3.json"


def test_writing_the_cache_removes_the_files_of_earlier_formats(tmp_path: Path) -> None:
    """An older driftbot's `extract-v2.json` (13 MB at 100k files) has no reader left: a save removes it."""
    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("extract-v1.json", "extract-v2.json", "notes.json"):
        (folder / name).write_text("{}")
    Cache(folder).save()  # nothing changed: nothing written, nothing removed
    assert sorted(p.name for p in folder.iterdir()) == ["extract-v1.json", "extract-v2.json", "notes.json"]
    cache = Cache(folder)
    cache.plans("s").put("a.py", "a" * 40, False, plan.SKIPPED)
    cache.save()
    assert sorted(p.name for p in folder.iterdir()) == ["extract-v3.json", "notes.json"]


def test_a_directory_named_like_an_earlier_format_is_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    (folder / "extract-v2.json").mkdir(parents=True)
    cache = Cache(folder)
    cache.plans("s").put("a.py", "a" * 40, False, plan.SKIPPED)
    cache.save()
    assert sorted(p.name for p in folder.iterdir()) == ["extract-v2.json", "extract-v3.json"]


def test_a_non_utf8_path_has_a_plan_row(tmp_path: Path) -> None:
    """A path `os.fsdecode` made of bytes that are not UTF-8 holds surrogates: its row is named all the same."""
    cache = Cache(tmp_path / "c")
    name = os.fsdecode(b"caf\xe9.py")
    cache.plans("s").put(name, "a" * 40, False, plan.SKIPPED)
    cache.save()
    assert Cache(tmp_path / "c").plans("s").get(name, "a" * 40, False) == plan.SKIPPED
    assert Cache(tmp_path / "c").plans("s").get("caf\u00e9.py", "a" * 40, False) is None


def test_a_plan_table_keeps_this_runs_rows_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(result_cache, "MAX_PLANS", 2)
    cache = Cache(tmp_path / "c")
    for name in ("old1.py", "old2.py"):
        cache.plans("s").put(name, "a" * 40, False, plan.SKIPPED)
    cache.save()
    cache = Cache(tmp_path / "c")
    table = cache.plans("s")
    assert table.get("old2.py", "a" * 40, False) == plan.SKIPPED
    table.put("new.py", "a" * 40, False, plan.SKIPPED)
    cache.save()
    names = entries(tmp_path / "c")["s"]["t"][0]
    assert sorted([names[:32], names[32:]]) == sorted([row("old2.py", "a" * 40, False), row("new.py", "a" * 40, False)])


def test_a_plan_table_used_but_unchanged_is_saved_whole(tmp_path: Path) -> None:
    """A run that looks plans up (each row moves to the run's own, one key string per file) and saves for
    another entry writes every row back, and a row looked up twice is found twice."""
    cache = Cache(tmp_path / "c")
    focused = plan.Plan(plan.FOCUSED, 9, ())
    cache.plans("s").put("a.py", "a" * 40, False, focused)
    cache.plans("s").put("b.py", "b" * 40, False, plan.SKIPPED)
    cache.save()
    before = entries(tmp_path / "c")
    cache = Cache(tmp_path / "c")
    table = cache.plans("s")
    assert [table.get("a.py", "a" * 40, False) for _ in range(2)] == [focused, focused]
    assert not table.changed
    cache.put("k", ([], None))
    cache.save()
    assert entries(tmp_path / "c") == {**before, "k": {"c": []}}


@pytest.mark.parametrize("per_piece", [1, 2, 3, 10_000])
def test_a_saved_cache_is_compact_json_whatever_the_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_piece: int
) -> None:
    """The plan table is written by pieces of rows: the file is what `json.dumps` writes of the whole."""
    monkeypatch.setattr(result_cache, "ROWS_PER_PIECE", per_piece)
    cache = Cache(tmp_path / "c")
    for i in range(5):
        planned = plan.Plan(plan.FOCUSED, i, ("sql",)) if i % 2 else plan.SKIPPED
        cache.plans("s").put(f"f{i}.py", "a" * 40, False, planned)
    cache.plans("t").put("é.py", "b" * 40, True, plan.SKIPPED)  # a table of one row: not split
    cache.put("k", ([], (Location("x.py", 1, 2), "bad \u2028 byte")))
    cache.save()
    text = (tmp_path / "c" / result_cache.FILE_NAME).read_text()
    doc = json.loads(text)
    assert text == json.dumps(doc, separators=(",", ":"))
    assert list(doc["entries"]) == ["k", "s", "t"]
    skipped_rows, rows = doc["entries"]["s"]["t"]
    assert rows == {row(f"f{i}.py", "a" * 40, False): [1, i, ["sql"]] for i in (1, 3)}
    assert sorted(skipped_rows[i : i + 32] for i in range(0, 96, 32)) == sorted(
        row(f"f{i}.py", "a" * 40, False) for i in (0, 2, 4)
    )
