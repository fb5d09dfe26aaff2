"""The run's time budget: past it, files are skipped and listed instead of making the run hang.

Every stage that loops over files asks `spent()` before each one and `skip`s it when the budget is
gone; the audit turns the list into one `time-budget-exceeded` finding and exits 3 (incomplete).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Budget:
    seconds: float | None  # None: no limit
    deadline: float | None = None  # a time.monotonic() value
    unchecked: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, seconds: float | None) -> Budget:
        if seconds is None or seconds <= 0:
            return cls(None)
        return cls(seconds, time.monotonic() + seconds)

    def spent(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    def skip(self, path: str) -> None:
        self.unchecked.append(path)
