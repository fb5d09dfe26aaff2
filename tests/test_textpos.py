"""`textpos.line_starts` is the split-based form of its definition: 0, then the end of each NEWLINE match."""

from __future__ import annotations

import itertools

import pytest

from driftbot.textpos import NEWLINE, LineIndex, line_starts

PIECES = ("a", "\n", "\r", "\r\n", "é")


def by_definition(text: str) -> list[int]:
    return [0, *(m.end() for m in NEWLINE.finditer(text))]


@pytest.mark.parametrize("text", ["", "a", "\n", "\r", "\r\n", "\n\r", "\r\r\n", "a\r\nb\rc\nd", "x\n\n", "\r\n\r\n"])
def test_line_starts_match_the_newline_matches(text: str) -> None:
    assert line_starts(text) == by_definition(text)
    assert LineIndex(text).starts == by_definition(text)


def test_every_mix_of_line_breaks_up_to_five_pieces() -> None:
    for n in range(6):
        for pieces in itertools.product(PIECES, repeat=n):
            text = "".join(pieces)
            assert line_starts(text) == by_definition(text), repr(text)
