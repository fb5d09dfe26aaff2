"""`driftbot fix`: apply every fixable finding, keeping each file's formatting."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from driftbot.commands import options
from driftbot.commands.progress import ProgressBar
from driftbot.errors import EXIT_DRIFT, EXIT_OK
from driftbot.fix import fix_repo
from driftbot.fix.plan import FIXABLE
from driftbot.ftypes import CONFIDENCES


@dataclass(frozen=True)
class Fix:
    help: str = "Apply every fixable finding (formatting kept). Exit 1 when files changed, 0 when none needed to."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser)
        parser.add_argument(
            "--rule",
            action="append",
            metavar="RULE",
            dest="rules",
            help=f"fix only this rule (repeatable; default: all of {', '.join(FIXABLE)})",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the unified diff, write nothing")
        parser.add_argument("--prune", action="store_true", help="remove unknown names that have no rename candidate")
        parser.add_argument(
            "--confidence",
            choices=CONFIDENCES,
            default="certain",
            help="apply findings at least this sure (default: certain; the others stay suggestions)",
        )

    def run(self, args: argparse.Namespace) -> int:
        bar = ProgressBar(rounds=("", "verifying: "))  # the fix is checked by reading the repository again
        try:
            result = fix_repo(
                args.path,
                ssot_dir=args.ssot,
                config_path=args.config,
                rules=args.rules,
                dry_run=args.dry_run,
                prune=args.prune,
                confidence=args.confidence,
                progress=bar,
            )
        finally:
            bar.close()
        for s in result.skipped:
            where = str(s.finding.location) if s.finding is not None else s.path
            rule = f" [{s.finding.rule}]" if s.finding is not None else ""
            print(f"driftbot: skipped {where}{rule}: {s.reason}", file=sys.stderr)
        if not result.changed:
            left = f"; {len(result.skipped)} left for a person (above)" if result.skipped else ""
            print(f"driftbot: nothing to fix{left}", file=sys.stderr)
            return EXIT_OK
        if args.dry_run:
            if options.color_wanted(sys.stdout):
                from driftbot.report.text import color_diff  # on use: a plain run needs no renderer

                sys.stdout.write(color_diff(result.diff))
            else:
                sys.stdout.write(result.diff)
            verb = "would change"
        else:
            verb = "changed"
        files = len(result.changed)
        print(f"driftbot: {verb} {files} file(s), fixing {len(result.fixed)} finding(s)", file=sys.stderr)
        return EXIT_DRIFT


COMMAND = Fix()
