"""driftbot: keeps a data platform's copied configuration in sync with its Single Source of Truth."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("driftbot")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
