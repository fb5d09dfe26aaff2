"""How driftbot ships: version, the light install (no cloud clients), quiet sqlglot, package metadata."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from driftbot import __version__

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nba-props-platform"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

# Runs driftbot in a fresh interpreter where google-cloud-bigquery and PyGithub cannot be imported:
# what `pip install driftbot` (no extras) gives the pre-commit hook and the pytest plugin.
LIGHT = """
import importlib.abc, sys
class NoCloud(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in {"google", "github", "requests", "croniter"}:
            raise ImportError(f"No module named {name!r}")
sys.meta_path.insert(0, NoCloud())
import driftbot.pytest_plugin
from driftbot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def light(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-c", LIGHT, *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300, check=False)


def test_version_is_the_package_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, f"driftbot {PYPROJECT['version']}\n", "")
    assert __version__ == PYPROJECT["version"]


def test_the_core_runs_without_the_cloud_extras(tmp_path: Path) -> None:
    repo = shutil.copytree(EXAMPLE, tmp_path / "example")
    done = light("audit", str(repo), "--format", "json")
    assert (done.returncode, done.stderr) == (1, "")
    assert json.loads(done.stdout)["summary"]["findings"] > 0
    done = light("audit", str(repo), "--inventory", "bigquery:proj")
    assert done.returncode == 2
    assert done.stderr.startswith("driftbot: bigquery:proj: needs the bigquery extra (")
    assert done.stderr.endswith("pip install 'driftbot[bigquery]'\n")
    assert done.stderr.count("\n") == 1
    done = light("action")
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert done.stderr.endswith("pip install 'driftbot[github]'\n")


def test_unsupported_sql_is_an_info_finding_not_a_warning_on_stderr(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot" / "processors", tmp_path / "ssot" / "processors")
    (tmp_path / "q.sql").write_text(
        "CREATE OR REPLACE PROCEDURE nba_raw.p() BEGIN SELECT 1 FROM nba_raw.nbac_bogus; END;\n"
        "SELECT * FROM nba_raw.nbac_schedule;\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "audit", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stderr == ""
    found = [(f["rule"], f["line"], f["column"], f["severity"]) for f in json.loads(done.stdout)["findings"]]
    assert ("unparsable-sql", 1, 1, "info") in found


def test_metadata_license_and_extras() -> None:
    assert PYPROJECT["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert "Framework :: Pytest" in PYPROJECT["classifiers"]
    assert not any(c.startswith("License ::") for c in PYPROJECT["classifiers"])  # SPDX `license` replaces them
    assert {"bigquery", "github", "test", "dev"} <= PYPROJECT["optional-dependencies"].keys()
    core = " ".join(PYPROJECT["dependencies"]).lower()
    assert not any(heavy in core for heavy in ("google-cloud", "pygithub", "croniter", "requests"))


def test_the_wheel_builds_without_warnings_and_ships_license_and_schemas(tmp_path: Path) -> None:
    src = shutil.copytree(
        ROOT,
        tmp_path / "src",
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "tests", "bench", "examples", "build", "*.egg-info"
        ),
    )
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr
    wheel = next(tmp_path.glob("driftbot-*.whl"))
    names = subprocess.run(
        [sys.executable, "-m", "zipfile", "-l", str(wheel)], capture_output=True, text=True, check=True
    ).stdout
    assert "/licenses/LICENSE" in names
    for kind in ("config", "ssot", "ignore", "report"):
        assert f"driftbot/schemas/{kind}.schema.json" in names


def test_make_demo_commands_work_with_relative_paths_from_the_checkout() -> None:
    """`make demo` runs these from the repository root with relative paths."""
    example = "examples/nba-props-platform"
    for args, code in (
        (["validate", "--ssot", f"{example}/ssot"], 0),
        (["audit", example], 1),
        (["fix", "--dry-run", example], 1),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "driftbot", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
        assert (done.returncode, done.stderr.count("cannot read")) == (code, 0), done.stdout + done.stderr
