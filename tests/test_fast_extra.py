"""The `fast` extra (`sqlglotc`: sqlglot compiled with mypyc, same version) changes no report.

Runs where sqlglotc is installed (`make install` installs it): each audit runs twice, once as
installed (compiled) and once with sqlglot's pure-Python sources forced, and the JSON must match.
"""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from example_helpers import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


pytestmark = pytest.mark.skipif(_installed("sqlglotc") is None, reason="the fast extra (sqlglotc) is not installed")

# Loads every sqlglot module from its .py source, ignoring the compiled extension modules beside it.
PURE = """
import importlib.machinery as m, sys
class Source:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] != "sqlglot":
            return None
        for entry in path or sys.path:
            spec = m.FileFinder(entry, (m.SourceFileLoader, m.SOURCE_SUFFIXES)).find_spec(name)
            if spec is not None:
                return spec
        return None
sys.meta_path.insert(0, Source)
"""
RUN = """
import sys
from driftbot.cli import main
import sqlglot.parser
print(sqlglot.parser.__file__.rpartition(".")[2], file=sys.stderr)
sys.argv = ["driftbot", "audit", {repo!r}, "--format", "json", "--no-cache"]
raise SystemExit(main(sys.argv[1:]))
"""


def audit(repo: Path, *, pure: bool) -> tuple[int, str, str]:
    code = (PURE if pure else "") + RUN.format(repo=str(repo))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    return done.returncode, done.stdout, done.stderr.splitlines()[0]


def test_sqlglotc_is_the_version_of_sqlglot() -> None:
    assert _installed("sqlglotc") == _installed("sqlglot")


@pytest.mark.parametrize("repo", [EXAMPLE, ROOT / "bench" / "corpus" / "realistic"], ids=["example", "realistic"])
def test_reports_are_the_same_with_and_without_the_compiled_sqlglot(repo: Path) -> None:
    compiled_code, compiled, compiled_kind = audit(repo, pure=False)
    pure_code, pure, pure_kind = audit(repo, pure=True)
    assert (compiled_kind, pure_kind) == ("so", "py")
    assert compiled_code == pure_code == 1  # drift found in both
    assert compiled == pure
