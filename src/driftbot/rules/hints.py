"""Rename hints: which known name a stale one stands for, and how sure driftbot is of it.

`decide_rename` is the one routine every rule that suggests a rename goes through (names, SQL
tables, inventory tables). String similarity only finds candidates; what makes a rename `certain`
is evidence (documented in the README, "Renames"):

  1. the SSOT declares it (`renamed_from: [old]` on the processor);
  2. the caller saw the name pair up: a complete copy holds exactly this one unknown name and misses
     exactly one SSOT name, the only candidate, and the two are close (`paired=True`);
  3. an authoritative inventory lists the candidate but not the word, and the candidate is the only
     close one (`listed=`).
Otherwise a single close candidate is `likely` and several are `possible`. A word that exists
anywhere (`exists=`: SSOT names and tables, inventory tables) is never renamed: it names something
else (`nbac_player_boxscores` is a real table, not a stale `bdl_player_boxscores`).
"""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from driftbot.ftypes import Confidence

CUTOFF = 0.6  # difflib ratio from which a name is a candidate at all


@dataclass(frozen=True)
class Rename:
    """A rename suggestion: `target` with its confidence and the evidence for it."""

    target: str
    confidence: Confidence
    evidence: tuple[str, ...]
    others: tuple[str, ...] = ()  # further close candidates (confidence `possible`)

    @property
    def candidates(self) -> tuple[str, ...]:
        return (self.target, *self.others)


def decide_rename(
    word: str,
    candidates: Iterable[str],
    *,
    declared: Mapping[str, str],
    paired: bool = False,
    listed: Collection[str] | None = None,
    exists: Collection[str] = (),
    cutoff: float = CUTOFF,
) -> Rename | None:
    """What `word` (a name seen in code, SQL or config) was renamed to, or None when nothing says so.

    - `candidates`: names it may stand for (SSOT names or tables of the right kind, inventory tables);
    - `declared`: old name -> new name from the SSOT's `renamed_from` (always wins, `certain`);
    - `paired`: the caller's evidence that `word` is the only unknown name of a complete copy and
      `candidates` is the one SSOT name that copy misses;
    - `listed`: the names an authoritative inventory lists for the word's dataset (None: none speaks);
    - `exists`: every name known to exist (SSOT, inventories): such a word is not a stale name.
    """
    if word in declared:
        return Rename(declared[word], "certain", (f"'{word}' declared renamed_from in the SSOT",))
    if word in exists:
        return None
    hits = close_matches(word, candidates, cutoff)
    if not hits:
        return None
    if len(hits) > 1:
        return Rename(hits[0], "possible", (f"{len(hits)} close names: " + ", ".join(hits),), tuple(hits[1:]))
    target = hits[0]
    how = _closeness(word, target)
    if paired:
        return Rename(target, "certain", (f"the only unknown name, and '{target}' the only missing one", how))
    if listed is not None and word not in listed and target in listed:
        return Rename(target, "certain", (f"'{word}' is not in the inventory; '{target}' is", how))
    return Rename(target, "likely", (how,))


def close_matches(word: str, candidates: Iterable[str], cutoff: float = CUTOFF) -> list[str]:
    """Candidates `word` may stand for, best first: the ones it is a strict prefix of, else difflib's."""
    return list(_close_matches(word, frozenset(candidates), cutoff))


@functools.lru_cache(maxsize=4096)
def _close_matches(word: str, candidates: frozenset[str], cutoff: float) -> tuple[str, ...]:
    """`close_matches`, once per (word, candidates, cutoff) of a run: a stale name is often in many files.

    A pure function of its arguments; a rule's candidates are mostly one frozenset (a dataset's tables),
    whose hash Python keeps, so a repeated question costs one dict lookup.
    """
    pool = _pool(candidates)
    longer = tuple(name for name, _, _ in pool if name.startswith(word) and name != word)
    if longer:
        return longer
    return tuple(_similar(word, pool, cutoff))


Pooled = tuple[str, int, frozenset[str]]  # a candidate, its length and its letters (`_letters`)


@functools.lru_cache(maxsize=64)
def _pool(candidates: frozenset[str]) -> tuple[Pooled, ...]:
    """The candidates sorted, each with what `_similar`'s cheap tests need: built once per candidate set."""
    return tuple((name, len(name), _letters(name)) for name in sorted(candidates))


def _similar(word: str, pool: tuple[Pooled, ...], cutoff: float) -> list[str]:
    """`difflib.get_close_matches(word, pool, n=len(pool), cutoff=cutoff)`: the same names in the same order.

    The same three tests as difflib, cheapest first, with the same arithmetic (a ratio at the cutoff
    stays in), but its `quick_ratio` (how many letters two names share) is the size of the intersection
    of two sets prepared once (`_letters`), not a count loop: every unknown table of a repository is
    compared with the same ~150 table names, and this test is most of the work.
    """
    mine = _letters(word)
    size = len(word)
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    scored: list[tuple[float, str]] = []
    for name, length, letters in pool:
        if name == word:
            continue
        total = size + length  # > 0: `name` is not `word`, so they are not both empty
        if 2.0 * (size if size < length else length) / total < cutoff:  # difflib's real_quick_ratio
            continue
        if 2.0 * len(mine & letters) / total < cutoff:  # difflib's quick_ratio
            continue
        matcher.set_seq1(name)
        ratio = matcher.ratio()
        if ratio >= cutoff:
            scored.append((ratio, name))
    scored.sort(reverse=True)  # difflib's heapq.nlargest over (ratio, name), all of them
    return [name for _, name in scored]


@functools.lru_cache(maxsize=16_384)
def _letters(name: str) -> frozenset[str]:
    """`name`'s letters as a set whose intersections count shared letters as difflib does: the k-th `a`
    is the element `a` * k, so `len(_letters(x) & _letters(y))` is the size of the multiset intersection."""
    return frozenset(letter * k for letter, count in Counter(name).items() for k in range(1, count + 1))


def suggest(word: str, candidates: Iterable[str], cutoff: float, n: int = 3) -> list[str]:
    """Names `word` may stand for: the ones it is a strict prefix of, else difflib's close matches."""
    return close_matches(word, candidates, cutoff)[:n]


def _closeness(word: str, target: str) -> str:
    if target.startswith(word):
        return f"'{word}' is a prefix of '{target}'"
    ratio = difflib.SequenceMatcher(None, word, target).ratio()
    return f"'{target}' is the only close name (similarity {ratio:.2f})"
