"""Which of some byte strings a file's bytes hold, in fewer passes over the bytes than one per string.

The scan asks each file, for each reader, whether it holds some strings (SSOT names, class names,
pieces of topic names, datasets); each `in` is a pass over the whole file, and they were most of the
prefilter's time. Three things give the same answers with fewer passes:
- strings sharing a piece of ANCHOR bytes (the classes' `Processo`, `game_sum`) are searched for only
  where the file holds the piece, so most files answer "none of them" in one pass (`Needles`);
- for "does it hold any" (`any_in`), a string holding another (`nba-phase4` holds `nba-pha`) is not
  searched for: wherever it occurs, so does the shorter one;
- the answers for the file being read are kept (`occurs`), so the readers asking for the same string
  (the prefilter's SSOT names hold the registry reader's classes) pay one pass.
A compiled set is kept per tuple of strings (`needles`): built once per process, or before the workers
fork.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

ANCHOR = 7  # bytes of a shared piece: longer pieces are rarer in files, shorter ones shared by more strings
MIN_SHARED = 3  # strings sharing a piece for it to be searched first (with two, a piece found costs more than it saves)
WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@dataclass(frozen=True)
class _Node:
    """`piece` is searched for; where found, the node is one of the strings (`below` empty), or what all of
    `below` hold."""

    piece: bytes
    below: tuple[_Node, ...] = ()


class Needles:
    """Some strings (repeats count), compiled into pieces searched first."""

    def __init__(self, strings: Sequence[bytes]) -> None:
        self.strings = tuple(strings)
        self.nodes = _nodes(self.strings, False)
        self.minimal = _nodes(_minimal(self.strings), False)  # for `any_in`

    def found(self, data: bytes) -> Iterator[bytes]:
        """The strings `data` holds (a repeated string as often as it was given), in no promised order."""
        return _found(self.nodes, data)

    def any_in(self, data: bytes) -> bool:
        return next(_found(self.minimal, data), None) is not None

    def count_delimited(self, data: bytes, enough: int) -> int:
        """How many strings occur in `data` not preceded or followed by an ASCII letter, digit or `_`,
        counting no further than `enough` (at least one)."""
        count = 0
        for string in _found(self.nodes, data):
            if delimited(data, string):
                count += 1
                if count >= enough:
                    break
        return count


@functools.lru_cache(maxsize=64)
def needles(strings: tuple[bytes, ...]) -> Needles:
    """The compiled `Needles` of `strings`, built once per process."""
    return Needles(strings)


def delimited(data: bytes, string: bytes) -> bool:
    """Whether `string` occurs in `data` with no ASCII letter, digit or `_` right before or after it."""
    start = data.find(string)
    while start != -1:
        end = start + len(string)
        if (start == 0 or data[start - 1] not in WORD_BYTES) and (end == len(data) or data[end] not in WORD_BYTES):
            return True
        start = data.find(string, start + 1)
    return False


_seen: tuple[bytes, dict[bytes, bool]] = (b"", {})  # the last `data` asked about, and its answers


def occurs(data: bytes, string: bytes) -> bool:
    """`string in data`, remembered for the last `data` asked about (the same `bytes` object: the same bytes).
    Each call keeps the answers with their own bytes (one tuple), so threads can only repeat a search."""
    global _seen
    if type(data) is not bytes:  # a bytearray can change: not remembered
        return string in data
    seen = _seen
    if seen[0] is not data:
        seen = _seen = (data, {})
    hit = seen[1].get(string)
    if hit is None:
        hit = seen[1][string] = string in data
    return hit


def _found(nodes: tuple[_Node, ...], data: bytes) -> Iterator[bytes]:
    for node in nodes:
        if occurs(data, node.piece):
            if node.below:
                yield from _found(node.below, data)
            else:
                yield node.piece


def _minimal(strings: Sequence[bytes]) -> list[bytes]:
    """The distinct strings that hold none of the others: one of `strings` occurs iff one of these does."""
    distinct = sorted(set(strings), key=len)
    kept: list[bytes] = []
    for s in distinct:
        if not any(k in s for k in kept):
            kept.append(s)
    return kept


def _nodes(strings: Sequence[bytes], nested: bool) -> tuple[_Node, ...]:
    """Greedily, the piece most of `strings` hold (MIN_SHARED at least) groups them, and so on below it; the
    rest stand alone. Deterministic: ties go to the greater piece."""
    holders: dict[bytes, list[int]] = {}
    for i, s in enumerate(strings):
        for piece in {s[k : k + ANCHOR] for k in range(len(s) - ANCHOR + 1)}:
            holders.setdefault(piece, []).append(i)
    if nested:  # a piece all of them hold (their parent's, or nearly) would add a pass and no answer
        holders = {p: held for p, held in holders.items() if len(held) < len(strings)}
    taken: set[int] = set()
    nodes: list[_Node] = []
    while True:
        count, piece = max(((sum(i not in taken for i in held), p) for p, held in holders.items()), default=(0, b""))
        if count < MIN_SHARED:
            break
        members = [i for i in holders.pop(piece) if i not in taken]
        taken.update(members)
        nodes.append(_Node(piece, _nodes([strings[i] for i in members], True)))
    nodes.extend(_Node(s) for i, s in enumerate(strings) if i not in taken)
    return tuple(nodes)
