"""Limit a report to some files: what `driftbot audit --only-files` (the pre-commit hook) shows.

The audit still reads the whole repository, so bindings and copies are judged in full; only the
findings shown are limited. A finding belongs to a file when it is located there or when that file
is the SSOT file it was checked against (editing `ssot/...yaml` shows the drift the edit causes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from driftbot.ftypes import Report
from driftbot.paths import display


def only_files(report: Report, files: Iterable[Path], repo: Path) -> Report:
    wanted = {display(f, repo) for f in files}
    kept = tuple(f for f in report.findings if f.location.path in wanted or (f.ssot is not None and f.ssot in wanted))
    return dataclasses.replace(report, findings=kept)
