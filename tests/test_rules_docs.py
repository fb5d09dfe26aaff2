"""`python -m driftbot.rules.docs`: a usage for --help, one line and exit 2 for a wrong root, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from driftbot.rules import docs

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "driftbot.rules.docs", *args], capture_output=True, text=True, env=env, cwd=cwd
    )


def test_help_prints_the_usage() -> None:
    done = run("--help")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("usage: python -m driftbot.rules.docs [-h] [root]\n")


def test_a_root_without_a_readme_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run(str(tmp_path / "nowhere"))
    readme = tmp_path / "nowhere" / "README.md"
    message = f"python -m driftbot.rules.docs: {readme}: cannot read (No such file or directory)\n"
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message)


def test_a_readme_without_the_table_markers_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hello\n")
    done = run(str(tmp_path))
    marker = f"no {docs.BEGIN} ... {docs.END} block to rewrite"
    assert (done.returncode, done.stderr) == (2, f"python -m driftbot.rules.docs: {tmp_path / 'README.md'}: {marker}\n")
    assert (tmp_path / "README.md").read_text() == "# hello\n"
    assert not (tmp_path / "docs").exists()


def test_it_rewrites_a_stale_table_and_the_reference(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = docs.readme_with_table(readme).replace(docs.table(), "| stale |")
    (tmp_path / "README.md").write_text(stale, encoding="utf-8")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "docs" / "rules.md").write_text("stale\n")
    done = run(cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == readme
    assert (tmp_path / "docs" / "rules.md").read_text(encoding="utf-8") == docs.rules_md()
