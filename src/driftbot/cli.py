"""Entry point: parse arguments, dispatch to a command, map errors to one line and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import driftbot
from driftbot.commands import COMMANDS
from driftbot.errors import EXIT_ERROR, DriftbotError
from driftbot.report.escape import terminal


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="driftbot", description="Keep copied configuration in sync with its Single Source of Truth."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {driftbot.__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)  # usage errors exit 2, as documented
    try:
        code: int = args.run(args)
    except DriftbotError as exc:
        print(f"driftbot: {terminal(exc.message)}", file=sys.stderr)  # may quote file names
        return exc.exit_code
    except KeyboardInterrupt:
        print("driftbot: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, unless the user asks for the traceback
        if os.environ.get("DRIFTBOT_DEBUG"):
            raise
        print(
            f"driftbot: internal error: {type(exc).__name__}: {exc} (DRIFTBOT_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
