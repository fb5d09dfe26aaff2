"""`driftbot sync-queries`: the table-verification queries in `sql.generate_into`, from the SSOT."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from driftbot.commands.generate import add_common, report
from driftbot.fix.sqlsync import sync_queries


@dataclass(frozen=True)
class SyncQueries:
    help: str = "Write the SSOT's table-verification queries into the marked region of `sql.generate_into`."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_common(parser, "the generated queries")

    def run(self, args: argparse.Namespace) -> int:
        result = sync_queries(args.path, ssot_dir=args.ssot, config_path=args.config, check=args.check)
        return report(result, check=args.check, what="the generated queries")


COMMAND = SyncQueries()
