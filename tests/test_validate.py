"""`driftbot validate` through the CLI: exact problems and exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.cli import main

ROOT = Path(__file__).resolve().parents[1]
PHASE2 = "ssot/processors/phase2_raw_processors.yaml"


@pytest.fixture
def ssot(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "ssot" / "processors", tmp_path / "ssot" / "processors")
    return tmp_path / "ssot"


def run(ssot: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--ssot", str(ssot)])
    return code, capsys.readouterr().out.splitlines()


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_repository_ssot_is_valid(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(ssot, capsys) == (0, ["SSOT valid: 3 phase(s), 16 processor(s)"])


def test_unknown_key_wrong_type_and_version(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = ssot / "processors" / "phase2_raw_processors.yaml"
    replace(f, 'version: "1.0"', 'version: "2.0"')
    replace(f, "    required: false\n", "    required: maybe\n    owner: data-team\n")
    code, out = run(ssot, capsys)
    assert code == 1
    assert out == [
        f"{PHASE2}:46:15: critical_processors.5.required: Input should be a valid boolean",
        f"{PHASE2}:47:5: unknown key 'owner'",
    ]


def test_schema_errors_are_positioned(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = ssot / "processors" / "phase2_raw_processors.yaml"
    replace(f, "    required: false\n", "    required: maybe\n    owner: data-team\n")
    code, out = run(ssot, capsys)
    assert code == 1
    assert out == [
        f"{PHASE2}:46:15: critical_processors.5.required: Input should be a valid boolean",
        f"{PHASE2}:47:5: unknown key 'owner'",
    ]


def test_version_and_count(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = ssot / "processors" / "phase2_raw_processors.yaml"
    replace(f, 'version: "1.0"', 'version: "2.0"')
    replace(f, "expected_count: 6", "expected_count: 7")
    code, out = run(ssot, capsys)
    assert code == 1
    assert out == [
        f"{PHASE2}:1:10: unsupported version '2.0' (supported: 1.0)",
        f"{PHASE2}:51:19: expected_count is 7 but 6 processors are listed",
    ]


def test_duplicate_name_across_phases(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = ssot / "processors" / "phase4_precompute_processors.yaml"
    replace(f, "  - name: player_daily_cache", "  - name: nbac_schedule")
    code, out = run(ssot, capsys)
    assert code == 1
    assert out == [
        "ssot/processors/phase4_precompute_processors.yaml:10:11: duplicate processor name 'nbac_schedule' "
        f"(first defined at {PHASE2}:28:11)"
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"version: '1.0'\nphase: [2\n", "invalid YAML"),
        (b"version: '1.0'\nphase: 2\x00\n", ":2:9: invalid YAML: character U+0000 is not allowed"),
        (b"version: '1.0'\nphase_name: \"caf\xe9\"\n", ":2:17: not valid UTF-8 (byte 0xe9)"),
    ],
)
def test_malformed_files(ssot: Path, capsys: pytest.CaptureFixture[str], content: bytes, expected: str) -> None:
    (ssot / "processors" / "phase2_raw_processors.yaml").write_bytes(content)
    code, out = run(ssot, capsys)
    assert code == 1
    assert len(out) == 1
    assert out[0].startswith(PHASE2 + ":")
    assert expected in out[0]


def test_yaml_bomb_is_refused(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    (ssot / "processors" / "phase2_raw_processors.yaml").write_text("\n".join(lines) + "\n")
    code, out = run(ssot, capsys)
    assert code == 1
    assert len(out) == 1
    assert "alias bomb" in out[0]


def test_missing_directory_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--ssot", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.strip().endswith("nope: SSOT directory not found")


def test_ssot_directory_comes_from_the_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "ssot" / "processors", tmp_path / "config" / "ssot" / "processors")
    (tmp_path / ".driftbot.yml").write_text("ssot: config/ssot\n")
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "SSOT valid: 3 phase(s), 16 processor(s)\n"
    (tmp_path / "config" / "ssot" / "processors" / "phase3_analytics_processors.yaml").write_text("phase: x\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "config/ssot/processors/phase3_analytics_processors.yaml:1:8: phase: Input should be a valid integer" in out


def test_renamed_from_must_not_be_a_current_name(ssot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = ssot / "processors" / "phase2_raw_processors.yaml"
    replace(f, "    required: false\n", "    required: false\n    renamed_from: [br_roster, nbac_schedule]\n")
    code, out = run(ssot, capsys)
    assert code == 1
    assert out == [f"{PHASE2}:47:31: renamed_from 'nbac_schedule' is a current processor name or table"]
