"""The command registry imports a command's module only when that command runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from driftbot.commands import COMMANDS
from example_helpers import EXAMPLE

HEAVY = ("libcst", "sqlglot", "pydantic", "google", "github", "ruamel", "yaml", "driftbot.audit")
PROBE = """
import sys
from driftbot.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m.startswith("driftbot."))))
"""


def loaded(argv: list[str]) -> set[str]:
    code = PROBE.format(argv=argv, heavy={h.split(".")[0] for h in HEAVY})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split("\n")[-2].split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []], ids=["help", "version", "nothing"])
def test_top_level_imports_no_command(argv: list[str]) -> None:
    modules = loaded(argv)
    assert {m for m in modules if m.startswith(HEAVY)} == set()
    assert not any(m.startswith("driftbot.commands.") for m in modules)


def test_a_command_imports_only_itself() -> None:
    modules = loaded(["validate", "--help"])
    assert "driftbot.commands.validate" in modules
    others = ("driftbot.commands.audit", "driftbot.commands.fix", "libcst", "sqlglot")
    assert not any(m.startswith(others) for m in modules)


def test_version_is_printed_on_stdout() -> None:
    run = subprocess.run([sys.executable, "-m", "driftbot", "--version"], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.startswith("driftbot ")
    assert run.stderr == ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registry_help_is_the_commands_own(name: str) -> None:
    entry = COMMANDS[name]
    assert entry.load().help == entry.help


def test_audit_reads_python_without_libcst() -> None:
    """Detection reads Python with CPython's `ast`: libcst, the parser of every edit, is never imported."""
    modules = loaded(["audit", str(EXAMPLE), "--format", "json", "--no-cache"])
    assert "driftbot.extract.python_ast" in modules
    assert not any(m.split(".")[0] == "libcst" for m in modules)
    assert "driftbot.extract.python" not in modules
