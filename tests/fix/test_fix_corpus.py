"""Property test over a large real corpus nobody here wrote: every .py file of networkx (from PyPI).

Every file: libcst parse -> unparse is byte-identical. Every second file (a deterministic sample,
to stay well under a minute of CPU): renaming one string of a collection, found by the real
extractor, changes exactly that line, and on it only that token (plus the spaces before a trailing
comment, which may be re-aligned).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import libcst as cst
import pytest

from driftbot.extract.python import extract
from driftbot.fix import codemod, source
from driftbot.ftypes import Element, Finding, Location, Severity

networkx = pytest.importorskip("networkx")
CORPUS = Path(networkx.__file__).resolve().parent
FILES = sorted(p for p in CORPUS.rglob("*.py") if "__pycache__" not in p.parts)
CHUNKS = 4  # separate tests, so that pytest-xdist spreads the corpus over the cores
DUMMY = Finding("unknown-name", Severity.HIGH, Location("x.py", 1, 1), "property test")
BEFORE_COMMENT = re.compile(r"[ \t]+#")


def pick(elements: list[Element], lines: list[str]) -> Element | None:
    """An element alone on its line (one string token there), so the expected line is unambiguous."""
    for e in elements:
        line = lines[e.location.line - 1]
        if "\\" not in line and line.count("'") + line.count('"') == 2:
            return e
    return None


def test_corpus_is_large_enough() -> None:
    assert len(FILES) > 300


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_round_trip_and_single_line_rename(chunk: int) -> None:
    renamed = 0
    for index in range(chunk, len(FILES), CHUNKS):
        path = FILES[index]
        rel = path.relative_to(CORPUS).as_posix()
        data = path.read_bytes()
        if (index // CHUNKS) % 2:
            assert cst.parse_module(data).bytes == data, f"{rel}: parse -> unparse is not byte-identical"
            continue
        src = source.load(rel, data)
        assert src.encode(src.module) == data, f"{rel}: parse -> unparse is not byte-identical"
        lines = src.text.splitlines(keepends=True)
        e = pick([e for c in extract(rel, data) for e in c.elements], lines)
        if e is None:
            continue
        outcome = codemod.apply(
            src, [codemod.Rename((e.location.line, e.location.column), e.value, e.value + "_x", DUMMY)]
        )
        assert outcome.skipped == (), f"{rel}:{e.location.line}: {outcome.skipped}"
        new_lines = outcome.data.decode("utf-8").splitlines(keepends=True)
        opcodes = difflib.SequenceMatcher(None, lines, new_lines, autojunk=False).get_opcodes()
        changed = [(tag, i1, i2, j1, j2) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]
        n = e.location.line - 1
        assert changed == [("replace", n, n + 1, n, n + 1)], f"{rel}: {changed}"
        old_line, new_line = lines[n], new_lines[n]
        start = e.location.column - 1
        token = src.members[(e.location.line, e.location.column)].string
        token_end = start + len(token.prefix) + len(token.quote) + len(e.value)
        expected = old_line[:token_end] + "_x" + old_line[token_end:]
        assert BEFORE_COMMENT.sub(" #", new_line) == BEFORE_COMMENT.sub(" #", expected), rel
        renamed += 1
    assert renamed > 20  # of about 70 sampled files per chunk, those with a collection of strings
