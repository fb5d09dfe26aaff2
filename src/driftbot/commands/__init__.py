"""The explicit registry of subcommands. A command is a module-level object with help/add_arguments/run."""

from __future__ import annotations

import argparse
from typing import Protocol

from driftbot.commands import (
    action,
    audit,
    checklist,
    fix,
    generate,
    init,
    schema,
    ssot_import,
    sync_queries,
    validate,
)


class Command(Protocol):
    @property
    def help(self) -> str: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


COMMANDS: dict[str, Command] = {
    "validate": validate.COMMAND,
    "audit": audit.COMMAND,
    "init": init.COMMAND,
    "action": action.COMMAND,
    "checklist": checklist.COMMAND,
    "fix": fix.COMMAND,
    "generate": generate.COMMAND,
    "sync-queries": sync_queries.COMMAND,
    "ssot": ssot_import.COMMAND,
    "schema": schema.COMMAND,
}
