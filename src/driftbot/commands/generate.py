"""`driftbot generate`: render the `generated: true` bindings from the SSOT (`--check`: only compare)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from driftbot.commands import options
from driftbot.errors import EXIT_DRIFT, EXIT_OK
from driftbot.fix.generate import generate
from driftbot.fix.regions import RenderResult


def add_common(parser: argparse.ArgumentParser, what: str) -> None:
    options.add_repo(parser)
    parser.add_argument(
        "--check", action="store_true", help=f"write nothing; exit 1 and print the diff when {what} differ"
    )


def report(result: RenderResult, *, check: bool, what: str) -> int:
    if not result.changed:
        print(f"driftbot: {what} match the SSOT", file=sys.stderr)
        return EXIT_OK
    if check:
        sys.stdout.write(result.diff)
        print(
            f"driftbot: {what} differ from the SSOT in {len(result.changed)} file(s) (hand edit or stale SSOT)",
            file=sys.stderr,
        )
        return EXIT_DRIFT
    print(f"driftbot: rewrote {what} in {len(result.changed)} file(s): {', '.join(result.changed)}", file=sys.stderr)
    return EXIT_DRIFT


@dataclass(frozen=True)
class Generate:
    help: str = "Render the lists bound with `generated: true` from the SSOT. --check: exit 1 on any difference."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_common(parser, "generated lists")

    def run(self, args: argparse.Namespace) -> int:
        result = generate(args.path, ssot_dir=args.ssot, config_path=args.config, check=args.check)
        return report(result, check=args.check, what="generated lists")


COMMAND = Generate()
