"""The one error type and the documented exit codes."""

from __future__ import annotations

EXIT_OK = 0
EXIT_DRIFT = 1  # drift found, SSOT invalid (validate), or files changed (fix --dry-run / generate --check)
EXIT_ERROR = 2  # usage error, unreadable input, bad SSOT or config given to a command that needs it
EXIT_UNREACHABLE = 3  # an inventory could not be read: the audit is incomplete, not clean
EXIT_NOTIFY = 4  # `audit --notify` could not post its message (the report itself was written)


class DriftbotError(Exception):
    """A failure to report as one line (`driftbot: <message>`) with a documented exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
