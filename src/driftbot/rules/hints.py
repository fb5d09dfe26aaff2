"""Rename hints: which known names a stale one most likely stands for."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def suggest(word: str, candidates: Iterable[str], cutoff: float, n: int = 3) -> list[str]:
    """Names `word` may stand for: the ones it is a strict prefix of, else difflib's close matches."""
    pool = sorted(set(candidates) - {word})
    longer = [c for c in pool if c.startswith(word)]
    return longer[:n] if longer else difflib.get_close_matches(word, pool, n=n, cutoff=cutoff)
