"""extract/scan.py: the prefilter, forced files, unparsable candidates, parallel == serial."""

from __future__ import annotations

import gc
import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from driftbot.extract import python_tree, scan
from driftbot.extract.plan import count_names
from driftbot.extract.scan import PythonScan, scan_python
from driftbot.ftypes import Location

ROOT = Path(__file__).resolve().parents[1]
NAMES = frozenset({"bdl_player_boxscores", "nbac_schedule", "br_rosters_current", "player_game_summary"})


def write(repo: Path, files: dict[str, bytes]) -> list[str]:
    for rel, content in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_bytes(content)
    return sorted(files)


def summary(result: PythonScan) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.path, c.symbol, c.values) for c in result.collections]


def test_count_names_needs_delimited_occurrences() -> None:
    names = [b"br_roster", b"nbac_schedule", b"ml_feature_store"]
    assert count_names(b"x = ['br_roster', \"nbac_schedule\"]", names, 5) == 2
    assert count_names(b"t = 'nba_raw.br_roster'\n# nbac_schedule", names, 5) == 2
    assert count_names(b"br_roster_v2 legacy_nbac_schedule ml_feature_store_v2", names, 5) == 0
    assert count_names(b"br_roster_v2 br_roster", names, 5) == 1  # a later delimited occurrence counts
    assert count_names(b"br_roster nbac_schedule ml_feature_store", names, 2) == 2  # stops at `enough`


def test_prefilter_parses_candidates_and_forced_files_only(tmp_path: Path) -> None:
    paths = write(
        tmp_path,
        {
            "a/copy.py": b"EXPECTED = ['bdl_player_boxscores', 'nbac_schedule', 'br_roster']\nOTHER = ['x', 'y']\n",
            "b/one_name.py": b"DATA_SOURCE = 'br_rosters_current'\nCOLS = ['a', 'b']\n",
            "c/longer_names.py": b"JOBS = ['nbac_schedule_backfill', 'legacy_bdl_player_boxscores']\n",
            "d/forced.py": b"PHASE2 = ['only_stale_names']\n",
            "e/none.py": b"print('hello')\n",
        },
    )
    result = scan_python(tmp_path, paths, NAMES, forced=frozenset({"d/forced.py"}), workers=1)
    assert summary(result) == [
        ("a/copy.py", "EXPECTED", ("bdl_player_boxscores", "nbac_schedule", "br_roster")),
        ("d/forced.py", "PHASE2", ("only_stale_names",)),
    ]
    assert (result.unparsable, result.files_scanned, result.files_parsed) == ((), 5, 2)
    single = scan_python(tmp_path, paths, NAMES, min_hits=1, workers=1)
    assert single.files_parsed == 2  # b/one_name.py too, but its only collection names nothing of the SSOT
    assert [p for p, _, _ in summary(single)] == ["a/copy.py"]


def test_unparsable_candidates_are_reported_not_raised(tmp_path: Path) -> None:
    names = b"'bdl_player_boxscores', 'nbac_schedule'"
    paths = write(
        tmp_path,
        {
            "bad_syntax.py": b"X = [" + names + b",\n",
            "latin1.py": b"# -*- coding: latin-1 -*-\nX = [" + names + b", 'caf\xe9']\n",
            "latin1_not_candidate.py": b"X = ['caf\xe9']\n",
            "ok.py": b"X = [" + names + b"]\n",
        },
    )
    result = scan_python(tmp_path, [*paths, "forced_missing.py"], NAMES, forced=frozenset({"forced_missing.py"}))
    assert result.unparsable == (
        (Location("bad_syntax.py", 1, 5), "'[' was never closed"),
        (Location("forced_missing.py", 1, 1), "unreadable: No such file or directory"),
        (Location("latin1.py", 2, 51), "not valid UTF-8"),
    )
    assert summary(result) == [("ok.py", "X", ("bdl_player_boxscores", "nbac_schedule"))]
    assert (result.files_scanned, result.files_parsed) == (4, 3)


def test_parallel_and_serial_scans_are_identical(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {}
    for i in range(90):
        stale = "br_roster" if i % 3 == 0 else "br_rosters_current"
        files[f"pkg{i % 7}/mod_{i}.py"] = (
            f"class C{i}:\n    NAMES = ['bdl_player_boxscores', 'nbac_schedule', '{stale}']\n"
            f"TABLES = [('nba_raw', 'player_game_summary'), ('nba_raw', 'nbac_schedule')]\n"
        ).encode()
        files[f"pkg{i % 7}/plain_{i}.py"] = b"VALUES = ['a', 'b']\n"
    files["pkg0/broken.py"] = b"X = ['bdl_player_boxscores', 'nbac_schedule'\n"
    paths = write(tmp_path, files)
    # Small thresholds so both the prefilter and the parse go through the process pool here.
    monkeypatch.setattr(scan, "PARALLEL_MIN_FILES", 10)
    monkeypatch.setattr(scan, "PARALLEL_MIN_CANDIDATES", 10)
    monkeypatch.setattr(scan, "PREFILTER_CHUNK", 16)
    pools: list[int] = []
    real = scan.run_isolated

    def counted(fn: Any, items: Any, workers: int, **kwargs: Any) -> Any:  # the real pool, counted
        pools.append(workers)
        return real(fn, items, workers, **kwargs)

    monkeypatch.setattr(scan, "run_isolated", counted)
    calls: list[tuple[int, int]] = []
    parallel = scan_python(tmp_path, paths, NAMES, workers=2, progress=lambda done, total: calls.append((done, total)))
    serial = scan_python(tmp_path, paths, NAMES, workers=1)
    assert pools == [2, 1]  # one pool prefilters and parses; the serial scan still parses in a worker
    assert parallel == serial
    assert (len(serial.collections), len(serial.unparsable), serial.files_parsed) == (270, 1, 91)
    assert serial.collections[:3] == tuple(sorted(serial.collections[:3], key=lambda c: c.symbol))
    assert calls[-1] == (len(paths) + 91, len(paths) + 91)
    assert calls == sorted(calls)


def test_progress_reaches_the_total(tmp_path: Path) -> None:
    paths = write(tmp_path, {"a.py": b"X = ['bdl_player_boxscores', 'nbac_schedule']\n", "b.py": b"Y = 1\n"})
    calls: list[tuple[int, int]] = []
    scan_python(tmp_path, paths, NAMES, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 2), (2, 2), (3, 3)]


def test_bench_repo_prefilter_parses_exactly_the_copies(tmp_path: Path) -> None:
    """The synthetic monorepo of bench/: decoys naming one SSOT entry are never parsed."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate  # dataclasses look their module up while it loads
    spec.loader.exec_module(generate)
    made = generate.generate(tmp_path, files=400, seed=7)
    paths = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.py"))
    names = frozenset(v for ph in generate.load_phases(tmp_path / "ssot") for v in (*ph.names, *ph.tables))
    result = scan_python(tmp_path, paths, names, workers=1)
    assert (result.files_scanned, result.files_parsed, result.unparsable) == (400, made.copies, ())
    assert made.copies > 5
    assert made.decoys > 20
    assert {c.path for c in result.collections if "phase2" in c.symbol or "PROCESSOR" in c.symbol} <= set(paths)


def test_a_files_readers_share_its_tree_frozen_until_another_file_is_read() -> None:
    """The worker's sharing (`python_tree.share_parses`): one parse and one line index per text of a file,
    kept out of the collector's scans while the file is read, and thawed when the next file drops them."""
    assert gc.get_freeze_count() == 0
    text = "x = ['a', 'b']\n"
    try:
        python_tree.share_parses("a.py")
        tree = python_tree.tree_or_none(text)
        assert tree is not None
        assert python_tree.tree_or_none(text) is tree
        assert python_tree.shared_tree(text) is tree
        assert python_tree.line_index(text) is python_tree.line_index(text)
        assert gc.get_freeze_count() > 0
        python_tree.share_parses("a.py")  # the same file: kept
        assert python_tree.shared_tree(text) is tree
        python_tree.share_parses("b.py")
        assert gc.get_freeze_count() == 0
        assert python_tree.shared_tree(text) is None
        assert python_tree.tree_or_none(text) is not tree
    finally:
        python_tree.share_parses(None)
    assert gc.get_freeze_count() == 0
    assert python_tree.tree_or_none(text) is not python_tree.tree_or_none(text)  # unshared: parsed every time
