"""Fixers: formatting-preserving codemods, text edits, mirror copies, generated regions.

The one entry point for callers (CLI, GitHub bot) is `fix_repo`; `generate` and `sqlsync` own the
regions driftbot renders from the SSOT.
"""

from driftbot.fix.engine import FixResult, fix_repo
from driftbot.fix.plan import Skip

__all__ = ["FixResult", "Skip", "fix_repo"]
