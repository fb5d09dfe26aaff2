"""Entry point: parse arguments, dispatch to a command, map errors to one line and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import driftbot
from driftbot.commands import COMMANDS
from driftbot.errors import EXIT_ERROR, DriftbotError


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in `argv` is imported and declares its arguments."""
    chosen = _command_name(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="driftbot", description="Keep copied configuration in sync with its Single Source of Truth."
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, entry in COMMANDS.items():
        p = sub.add_parser(name, help=entry.help, description=entry.help)
        if name == chosen:
            command = entry.load()
            command.add_arguments(p)
            p.set_defaults(run=command.run)
    return parser


class _Version(argparse.Action):
    """argparse's version action, looking the version up only when asked for."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {driftbot.__version__}")
        parser.exit()


def _command_name(argv: Sequence[str]) -> str | None:
    """The subcommand argparse will pick: the first argument that is not an option (the top level has no values)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(argv).parse_args(argv)  # usage errors exit 2, as documented
    try:
        code: int = args.run(args)
    except DriftbotError as exc:
        from driftbot.report.escape import terminal  # only on this path: `--help` imports no renderer

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
