"""The explicit registry of subcommands, imported on use so `driftbot --help` loads none of them.

A command is a module-level `COMMAND` object with help/add_arguments/run in `driftbot.commands.<module>`.
The registry repeats each command's one-line help so the top-level help needs no import; a test
keeps the two equal.
"""

from __future__ import annotations

import argparse
import importlib
from typing import NamedTuple, Protocol


class Command(Protocol):
    @property
    def help(self) -> str: ...

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class Entry(NamedTuple):
    module: str  # under driftbot.commands
    help: str

    def load(self) -> Command:
        command: Command = importlib.import_module(f"driftbot.commands.{self.module}").COMMAND
        return command


COMMANDS: dict[str, Entry] = {
    "validate": Entry(
        "validate",
        "Check the SSOT: schema, versions, duplicate names, expected counts, infrastructure references and "
        "SLA deadlines. Exit 1 when invalid.",
    ),
    "audit": Entry("audit", "Report drift between the SSOT and the code. Exit 1 when a finding reaches --fail-on."),
    "init": Entry(
        "init", "Find lists copied across files and propose ssot/, .driftbot.yml and a workflow (--write: create)."
    ),
    "action": Entry(
        "action",
        "Run as the GitHub Action: act on the triggering event (PR check and comment, commands, auto-fix PR).",
    ),
    "checklist": Entry(
        "checklist",
        "Render the Pre-Deployment Checklist (Infrastructure) as markdown, ticked from SSOT and inventories.",
    ),
    "fix": Entry(
        "fix", "Apply every fixable finding (formatting kept). Exit 1 when files changed, 0 when none needed to."
    ),
    "generate": Entry(
        "generate", "Render the lists bound with `generated: true` from the SSOT. --check: exit 1 on any difference."
    ),
    "sync-queries": Entry(
        "sync_queries", "Write the SSOT's table-verification queries into the marked region of `sql.generate_into`."
    ),
    "ssot": Entry("ssot_import", "Manage the SSOT: `ssot import` adds the tables an inventory lists to a phase file."),
    "schema": Entry(
        "schema", "Print the JSON Schema of .driftbot.yml, an SSOT file, the ignore file or the JSON report."
    ),
}
