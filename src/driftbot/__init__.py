"""driftbot: keeps a data platform's copied configuration in sync with its Single Source of Truth."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    """`__version__`, looked up on first use: importlib.metadata costs ~50 ms of every start-up."""
    if name != "__version__":
        raise AttributeError(f"module 'driftbot' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("driftbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"
