"""The speed benchmark's inputs (bench/generate.py, bench/realistic.py) have the shape issue 13 asks for,
and bench/bench_audit.py measures a process and its children."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(autouse=True)
def bench_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(BENCH))  # as when a bench script runs: it imports its neighbours


def test_realistic_profile_has_large_candidates_sql_and_vendored_copies(tmp_path: Path) -> None:
    from generate import generate

    made = generate(tmp_path, files=450, seed=7, profile="realistic")
    assert made.files == 450
    sql = sorted(tmp_path.rglob("*.sql"))
    assert made.sql == len(sql) >= 300
    creates = sum(p.read_text().count("CREATE ") for p in sql)
    assert creates > 400
    vendored = sorted(tmp_path.glob("orchestration/cloud_functions/*/shared/config/orchestration_config.py"))
    texts = {p.read_text() for p in vendored}
    assert len(vendored) >= 5
    assert len(texts) == 2  # byte-identical copies, one of them stale
    candidates = [
        p for p in tmp_path.rglob("*.py") if re.search(r"EXPECTED_PROCESSORS|PROCESSOR_TABLES|phase2_", p.read_text())
    ]
    assert len(candidates) == made.copies
    for path in candidates:
        lines = path.read_text().splitlines()
        at = next(
            i for i, line in enumerate(lines) if re.search(r"EXPECTED_PROCESSORS =|PROCESSOR_TABLES =|phase2_", line)
        )
        assert 500 <= len(lines) <= 2_300, path
        assert at > 100, path  # deep inside the class, not at the top
        assert re.search(r'f"""\n\s+SELECT .*\n\s+FROM `\{self\.project_id\}\.nba_\w+\.\w+`', path.read_text())


def test_synthetic_profile_stays_the_default(tmp_path: Path) -> None:
    from generate import generate

    made = generate(tmp_path, files=60, seed=1)
    assert (made.files, made.sql) == (60, 0)
    assert list(tmp_path.rglob("*.sql")) == []


def test_measure_reports_wall_cpu_peak_and_exit_code() -> None:
    from bench_audit import measure

    sample = measure([sys.executable, "-c", "x = bytearray(40 * 1024 * 1024); print(len(x))"])
    assert sample.code == 0
    assert sample.peak_mib >= 40
    assert sample.cpu > 0
    assert sample.wall > 0
    with pytest.raises(SystemExit, match="failed"):
        measure([sys.executable, "-c", "raise SystemExit(5)"])


def test_verdicts_pick_their_rows_by_label_not_position() -> None:
    from bench_audit import COLD, DELTA, GREP, INIT, MEMO, UNREAD, WARM, Row, verdicts

    walls = {GREP: 0.1, COLD: 0.5, DELTA: 0.14, WARM: 0.2, UNREAD: 0.09, MEMO: 0.11, INIT: 2.0}
    rows = [Row(label, wall, 0.0, 0.0) for label, wall in walls.items()]
    expected = [
        "synthetic audit cold (--no-cache): 5.00x git grep wall (meets <= 6x)",
        "synthetic audit delta (.py, no name): 1.40x git grep wall (meets <= 1.5x)",
        "synthetic audit warm (candidate edited): 2.00x git grep wall (MISSES <= 1.5x)",
        "synthetic audit memo (unchanged): 1.10x git grep wall (MISSES <= 1x)",
        "synthetic audit, an unread file changed: 0.90x git grep wall",
        "synthetic init: 4.0x the cold audit (MISSES <= 3x)",
    ]
    assert verdicts("synthetic", rows) == expected
    # A new row anywhere, and the rows in another order, leave every verdict as it was.
    moved = [rows[0], Row("audit something new", 9.9, 0.0, 0.0), *reversed(rows[1:])]
    assert verdicts("synthetic", moved) == expected
    with pytest.raises(KeyError):
        verdicts("synthetic", [r for r in rows if r.label != MEMO])
