"""Every walkthrough in docs/procedures/ runs, command by command, in a fresh copy of the example.

Each starts with the same step, `cp -r examples/nba-props-platform /tmp/demo && cd /tmp/demo`: the
test runs that copy from the checkout's root (into its own temporary directory instead of /tmp/demo)
and the following steps in the copy.

The format, written for people first: in a ```console block, a line `$ COMMAND` is run in the
example's root with bash; the lines under it are its output (stdout and stderr together), shown
exactly, except that a line `...` stands for any number of lines and a line ending in `...` for
any line that starts with what precedes it; a last line `[exit N]` gives the exit code (none: 0).
Commands may only be `driftbot`, `sed -i` and `cat`: file edits are `sed -i` one-liners, so each
walkthrough stays a copy-paste recipe.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from integrations.conftest import ROOT

DOCS = sorted((ROOT / "docs" / "procedures").glob("*.md"))
ALLOWED = frozenset({"driftbot", "sed", "cat"})
FORBIDDEN_TOKENS = frozenset({"|", "||", "&&", ";", ">", ">>", "<", "&"})
SETUP = "cp -r examples/nba-props-platform /tmp/demo && cd /tmp/demo"
EXIT = re.compile(r"^\[exit (\d+)\]$")
BLOCK = re.compile(r"^```console\n(.*?)^```", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Step:
    line: int  # in the markdown file, for failure messages
    command: str
    output: tuple[str, ...]
    exit_code: int


def steps(doc: Path) -> list[Step]:
    text = doc.read_text(encoding="utf-8")
    out: list[Step] = []
    for block in BLOCK.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        current: list[str] = []
        start, command = 0, ""
        for offset, line in enumerate([*block.group(1).splitlines(), "$ "]):
            if not line.startswith("$ "):
                current.append(line.rstrip())
                continue
            if command:
                code = 0
                if current and (m := EXIT.match(current[-1])):
                    code = int(m.group(1))
                    current.pop()
                out.append(Step(start, command, tuple(current), code))
            start, command, current = first_line + offset, line[2:].strip(), []
    return out


def check_allowed(step: Step) -> None:
    words = shlex.split(step.command, comments=True)
    assert words, f"line {step.line}: empty command"
    assert words[0] in ALLOWED, f"line {step.line}: only {sorted(ALLOWED)} may run: {step.command}"
    assert not FORBIDDEN_TOKENS & set(words), f"line {step.line}: no pipes, redirections or chains: {step.command}"
    if words[0] == "sed":
        assert words[1] == "-i", f"line {step.line}: sed only edits files in place (-i): {step.command}"


def matches(expected: tuple[str, ...], actual: list[str]) -> bool:
    """Exact line match; a `...` line stands for any run of lines (also none), `text...` for a line starting so."""

    def line(e: str) -> str:
        if e == "...":
            return r"(?:.*\n)*?"
        return re.escape(e[:-3]) + r".*\n" if e.endswith("...") else re.escape(e) + r"\n"

    pattern = "".join(line(e) for e in expected)
    return re.fullmatch(pattern, "".join(a + "\n" for a in actual)) is not None


def run(step: Step, repo: Path) -> tuple[int, list[str]]:
    bin_dir = str(Path(sys.executable).parent)  # the driftbot of this checkout
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        ["bash", "-c", step.command], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    return done.returncode, [line.rstrip() for line in done.stdout.splitlines()]


def test_every_procedure_has_steps() -> None:
    names = [d.name for d in DOCS]
    assert names == ["add-a-processor.md", "change-processor-count.md", "emergency-sync.md", "rename-a-table.md"]
    for doc in DOCS:
        assert len(steps(doc)) >= 4, doc.name


@pytest.mark.parametrize("doc", DOCS, ids=[d.stem for d in DOCS])
def test_procedure_runs_as_written(doc: Path, tmp_path: Path) -> None:
    setup, *rest = steps(doc)
    assert (setup.command, setup.output, setup.exit_code) == (SETUP, (), 0), f"{doc.name}: start with `$ {SETUP}`"
    scratch = tmp_path / "demo"
    code, output = run(Step(setup.line, SETUP.replace("/tmp/demo", str(scratch)), (), 0), ROOT)
    assert (code, output) == (0, [])
    for step in rest:
        check_allowed(step)
        code, output = run(step, scratch)
        shown = "\n".join(output)
        where = f"{doc.name}:{step.line}: $ {step.command}"
        assert code == step.exit_code, f"{where}\nexit {code}, documented {step.exit_code}; output:\n{shown}"
        assert matches(step.output, output), f"{where}\noutput differs from the documented one:\n{shown}"


def test_matching_rules() -> None:
    assert matches(("a", "...", "d"), ["a", "b", "c", "d"])
    assert matches(("a", "...", "b"), ["a", "b"])
    assert not matches(("a", "d"), ["a", "b", "d"])
    assert matches(("1 finding ...",), ["1 finding (1 info) in 1 file"])
    assert not matches(("2 findings ...",), ["1 finding (1 info) in 1 file"])
    assert matches((), [])
    assert not matches((), ["unexpected"])
