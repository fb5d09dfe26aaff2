"""`driftbot init`'s discovery: lists of names copied across files, and the SSOT that would replace them.

A *copied list* is a group of string collections that
  - share one symbol (`Config.phase2_processors`) in at least 2 files, each copy holding at least half
    of the group's most common values, or
  - hold exactly the same set of values in at least 2 files, under any symbols.
Only collections of 2+ distinct identifier-like values count, and not enumerations whose values
differ only in digits (`phase2`, `phase3`, ...), `__all__` or argparse `choices`. The most common
version of a group is the list as the repository holds it (ranking and inventories correct it later).
Pure: callers pass the collections in; no I/O here.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from driftbot.ftypes import Collection

NAME = re.compile(r"^[A-Za-z0-9_\-]+$")  # what the SSOT accepts as a processor name
# Module exports and argparse choices are copied around too, but they are never pipeline lists.
NOT_LISTS = re.compile(r"(^|\.)__all__$|\(choices\)$")
MIN_VALUES = 2
MIN_FILES = 2
SAME_SYMBOL_OVERLAP = 0.5


@dataclass(frozen=True)
class CopiedList:
    copies: tuple[Collection, ...]  # sorted by path
    values: tuple[str, ...]  # the majority version, in its order

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({c.path for c in self.copies}))

    @property
    def symbols(self) -> tuple[str, ...]:
        counts = Counter(c.symbol for c in self.copies)
        return tuple(s for s, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def majority(self) -> Collection:
        return next(c for c in self.copies if c.values == self.values)

    def divergent(self) -> tuple[Collection, ...]:
        return tuple(c for c in self.copies if c.values != self.values)


def candidate(c: Collection) -> bool:
    return not NOT_LISTS.search(c.symbol) and candidate_values(set(c.values))


def candidate_values(distinct: set[str] | frozenset[str]) -> bool:
    if len(distinct) < MIN_VALUES or not all(NAME.match(v) and not v.startswith("-") for v in distinct):
        return False  # command-line flags (`--dry-run`) are never processor names
    return len({re.sub(r"\d+", "", v) for v in distinct}) > 1


def majority_values(copies: Sequence[Collection]) -> tuple[str, ...]:
    counts = Counter(c.values for c in copies)
    # Ties go to the version seen first in path order, so the result is stable.
    return max(counts, key=lambda v: (counts[v], -next(i for i, c in enumerate(copies) if c.values == v)))


def discover(collections: Iterable[Collection]) -> list[CopiedList]:
    """Copied lists, most copied first. Lists may share values: ranking keeps the best of those."""
    pool = sorted((c for c in collections if candidate(c)), key=lambda c: (c.path, c.location.line))
    groups: list[list[Collection]] = []
    grouped: set[int] = set()
    by_symbol: dict[str, list[Collection]] = defaultdict(list)
    for c in pool:
        by_symbol[c.symbol].append(c)
    for copies in by_symbol.values():
        common = set(majority_values(copies))
        close = [c for c in copies if len(set(c.values) & common) >= SAME_SYMBOL_OVERLAP * len(common)]
        if len({c.path for c in close}) >= MIN_FILES:
            groups.append(close)
            grouped.update(id(c) for c in close)
    by_values: dict[frozenset[str], list[Collection]] = defaultdict(list)
    for c in pool:
        if id(c) not in grouped:
            by_values[frozenset(c.values)].append(c)
    for group in groups:  # an identical copy under another symbol joins the group it matches
        group.extend(by_values.pop(frozenset(majority_values(group)), []))
    groups.extend(g for g in by_values.values() if len({c.path for c in g}) >= MIN_FILES)
    merged = merge_identical(groups)
    merged.sort(key=lambda g: (-len(g), g[0].path, g[0].location.line))
    return [CopiedList(tuple(sorted(g, key=lambda c: (c.path, c.location.line))), majority_values(g)) for g in merged]


def merge_identical(groups: Sequence[list[Collection]]) -> list[list[Collection]]:
    """Groups (found by different symbols) whose majority versions hold the same values are one list."""
    by_set: dict[frozenset[str], list[Collection]] = {}
    for g in groups:
        by_set.setdefault(frozenset(majority_values(g)), []).extend(g)
    return list(by_set.values())


# `dataset.table`, also inside `project.dataset.table` (the lookahead lets matches overlap).
# A match starts at a word start only, so a long identifier is read once (linear, not quadratic).
SQL_TABLE = re.compile(r"(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]*)`?\.`?(?=([A-Za-z_][A-Za-z0-9_]*))")


def guess_dataset(values: Sequence[str], sql_texts: Iterable[str]) -> str | None:
    """The dataset most often written before these names in SQL (`nba_raw.bdl_player_boxscores`)."""
    wanted = set(values)
    counts: Counter[str] = Counter()
    for text in sql_texts:
        for m in SQL_TABLE.finditer(text):
            if m.group(2) in wanted:
                counts[m.group(1)] += 1
    return counts.most_common(1)[0][0] if counts else None
