"""Baselines: write once, then only new drift is reported; malformed files fail with file:line:col."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from driftbot.baseline import filter_new, read_baseline, write_baseline
from driftbot.errors import EXIT_ERROR, DriftbotError
from driftbot.ftypes import Finding, Location, Report
from driftbot.report.json_report import render_json
from driftbot.rules.catalog import finding

CONFIG = "shared/config/orchestration_config.py"


def _stale(path: str = CONFIG, line: int = 32, actual: str = "br_roster") -> Finding:
    return finding(
        "unknown-name",
        Location(path, line, 9),
        f"{actual!r} is not a phase 2 processor",
        symbol="PhaseTransitionConfig.phase2_expected_processors",
        ssot="ssot/processors/phase2_raw_processors.yaml",
        actual=actual,
        expected="br_rosters_current",
    )


def _report(*findings: Finding) -> Report:
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), files_scanned=10, phases=("phase2",))


def test_written_baseline_is_readable_and_documented_format(tmp_path: Path) -> None:
    path = tmp_path / "driftbot-baseline.json"
    expired = finding("expired-suppression", Location(".driftbot-ignore.yml", 4, 5), "expired on 2024-01-31")
    assert write_baseline(_report(_stale(), expired), path) == 2
    assert json.loads(path.read_text(encoding="utf-8")) == {
        "version": 1,
        "findings": [
            {
                "fingerprint": "3f9e3fe8394bab8dd2e08ff09d18ade1",
                "rule": "expired-suppression",
                "path": ".driftbot-ignore.yml",
                "message": "expired on 2024-01-31",
            },
            {
                "fingerprint": "b3fbe585bc64618533e1e64dbb20c990",
                "rule": "unknown-name",
                "path": CONFIG,
                "symbol": "PhaseTransitionConfig.phase2_expected_processors",
                "message": "'br_roster' is not a phase 2 processor",
            },
        ],
    }
    assert path.read_text(encoding="utf-8").endswith("}\n")
    assert [e.rule for e in read_baseline(path).findings] == ["expired-suppression", "unknown-name"]
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_round_trip_hides_everything_recorded(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    report = _report(_stale(), _stale(path="vendored/" + CONFIG))
    write_baseline(report, path)
    filtered = filter_new(report, path)
    assert filtered.findings == ()
    assert (filtered.files_scanned, filtered.phases) == (10, ("phase2",))


def test_only_new_drift_survives_even_when_lines_move(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(_report(_stale(line=32)), path)
    moved = _stale(line=57)
    new = _stale(actual="br_rosterz", line=58)
    other_file = _stale(path="vendored/" + CONFIG)
    assert filter_new(_report(moved, new, other_file), path).findings == (new, other_file)


def test_matching_counts_multiplicity(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(_report(_stale(line=10), _stale(line=20)), path)
    three = _report(_stale(line=10), _stale(line=20), _stale(line=30))
    assert filter_new(three, path).findings == (_stale(line=30),)


def test_an_empty_baseline_hides_nothing(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(_report(), path)
    assert json.loads(path.read_text(encoding="utf-8")) == {"version": 1, "findings": []}
    report = _report(_stale())
    assert filter_new(report, path) == report


def test_fields_other_than_the_fingerprint_do_not_matter_for_matching(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    write_baseline(_report(_stale()), path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["findings"][0].update(message="edited by hand", path="elsewhere.py")
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert filter_new(_report(replace(_stale(), message="reworded")), path).findings == ()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '{\n  "version": 1,\n  "findings": [\n    {"fingerprint": "ab",}\n  ]\n}\n',
            "4:26: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        ('{\n  "version": 9,\n  "findings": []\n}\n', "2:14: version: Input should be 1 or 2"),
        (
            '{\n  "version": 1,\n  "findings": [\n    {"fingerprint": "XYZ", "rule": "r", "path": "a.py"}\n  ]\n}\n',
            "4:21: findings.0.fingerprint: String should match pattern '^[0-9a-f]{32}$'",
        ),
        (
            '{"version": 1,\n "findings": [\n  {"fingerprint": "3f9e3fe8394bab8dd2e08ff09d18ade1",\n   "rule": 7}]}',
            "4:12: findings.0.rule: Input should be a valid string (and 1 more)",
        ),
        ('{"version": 1, "findings": {}}', "1:28: findings: Input should be a valid list"),
        ("[]", "1:1: document: Input should be a valid dictionary or instance of BaselineFile"),
        ("", "1:1: invalid JSON: Expecting value"),
        (
            '{"version": 3, "findings": [{"rule": "r", "path": "a.py"}], "summary": {}}',
            "1:13: version: Input should be 1 or 2 (and 1 more)",
        ),
    ],
    ids=["syntax", "version", "fingerprint", "wrong-field-type", "wrong-type", "not-object", "empty", "two-errors"],
)
def test_malformed_baseline_is_one_positioned_error(tmp_path: Path, text: str, error: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DriftbotError) as caught:
        filter_new(_report(_stale()), path)
    assert caught.value.message == f"invalid baseline: {path}:{error}"
    assert caught.value.exit_code == EXIT_ERROR


def test_a_saved_json_report_is_a_baseline(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text(render_json(_report(_stale(line=10), _stale(line=20))), encoding="utf-8")
    assert filter_new(_report(_stale(line=11), _stale(line=21), _stale(line=31)), path).findings == (_stale(line=31),)


def test_missing_and_non_utf8_baselines(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(DriftbotError, match=r"nope\.json:1:1: cannot read file: No such file or directory$"):
        read_baseline(missing)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b'{"version": 1,\n "findings": ["\xff"]}')
    with pytest.raises(DriftbotError, match=r"bin\.json:2:16: not valid UTF-8 \(byte 0xff\)$"):
        read_baseline(binary)


def test_unwritable_baseline_is_a_driftbot_error(tmp_path: Path) -> None:
    with pytest.raises(DriftbotError, match="cannot write baseline"):
        write_baseline(_report(_stale()), tmp_path / "missing-dir" / "baseline.json")


def test_a_large_legacy_baseline_is_read(tmp_path: Path) -> None:
    # Bigger than the 5 MB cap on YAML inputs: baselines exist for exactly such repositories.
    path = tmp_path / "baseline.json"
    report = _report(*(_stale(path=f"pkg/m{i}.py", actual=f"stale_{i}") for i in range(24_000)))
    write_baseline(report, path)
    assert path.stat().st_size > 5_000_000
    assert filter_new(report, path).findings == ()
