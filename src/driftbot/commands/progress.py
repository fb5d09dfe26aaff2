"""The progress bar `audit`, `fix` and `init` draw on stderr while they read a repository.

Drawn only on a terminal (or when `DRIFTBOT_PROGRESS=1` forces it; `0` hides it), and only once the
work takes over half a second: a quick run prints nothing. The readers report `(done, total)` over
the files they read, then over the candidates they parse on top (the total grows once, by the
number of candidates); the bar shows the two phases apart, so each file is counted once:
`reading 20000/20000`, then `parsing 1/616`. A report of `(0, total)` after others starts a new
round (`fix` reads the repository again to verify what it wrote), named by `rounds`.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import TextIO

FORCE_ENV = "DRIFTBOT_PROGRESS"


def wanted(stream: TextIO) -> bool:
    """`DRIFTBOT_PROGRESS=1` forces the bar (`0`: never); else only on a terminal."""
    force = os.environ.get(FORCE_ENV, "").strip().lower()
    if force in ("1", "true", "always"):
        return True
    if force in ("0", "false", "never"):
        return False
    return stream.isatty()


class ProgressBar:
    WIDTH = 30
    DELAY = 0.5  # seconds before the first draw

    def __init__(self, stream: TextIO | None = None, *, rounds: Sequence[str] = ("",)) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.start = time.monotonic()
        self.enabled = wanted(self.stream)
        self.drawn = False
        self.files: int | None = None  # the round's first total: how many files are read
        self.rounds = tuple(rounds)
        self.round = 0
        self.calls = 0

    def __call__(self, done: int, total: int) -> None:
        if done == 0 and self.calls:  # a new round of reading
            self.round = min(self.round + 1, len(self.rounds) - 1)
            self.files = None
        self.calls += 1
        if self.files is None:
            self.files = total
        if not self.enabled or total == 0 or time.monotonic() - self.start < self.DELAY:
            return
        self.stream.write("\r\033[K" + self.line(done, total))
        self.stream.flush()
        self.drawn = True

    def line(self, done: int, total: int) -> str:
        files = self.files if self.files is not None else total
        phase = "reading"
        if total > files:
            phase, done, total = "parsing", done - files, total - files
        filled = self.WIDTH * done // total if total else self.WIDTH
        return f"{self.rounds[self.round]}{phase} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}"

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
