"""Entry point: parse arguments, dispatch to a command, map errors to one line and an exit code."""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from collections.abc import Sequence
from typing import NoReturn

import driftbot
from driftbot.commands import COMMANDS
from driftbot.errors import EXIT_ERROR, DriftbotError

UNRECOGNIZED = re.compile(r"^unrecognized arguments: (?P<words>.+)$")
INVALID_CHOICE = re.compile(r"invalid choice: '(?P<word>[^']*)' \(choose from (?P<choices>.+)\)$")


def did_you_mean(word: str, candidates: Sequence[str]) -> str | None:
    """The one candidate close to `word` (a typo), or None."""
    import difflib  # on use: only a mistyped command line needs it

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


class Parser(argparse.ArgumentParser):
    """argparse with "did you mean" for mistyped commands, choices and flags.

    Python 3.11 has no `suggest_on_error`, so the one error path adds the suggestion. Subcommand
    parsers are made of this class too (argparse's default), and the top parser remembers which
    command was chosen, because it is the one that reports arguments no parser recognized.
    """

    chosen: argparse.ArgumentParser | None = None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        command = getattr(parsed, "command", None)
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and command in action.choices:
                self.chosen = action.choices[command]
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        super().error(message + self.suggestion(message))

    def suggestion(self, message: str) -> str:
        if m := INVALID_CHOICE.search(message):
            match = did_you_mean(m.group("word"), re.findall(r"'([^']*)'", m.group("choices")))
            return f"; did you mean '{match}'?" if match else ""
        if m := UNRECOGNIZED.match(message):
            flags = [s for a in (self.chosen or self)._actions for s in a.option_strings]
            hints = []
            for word in m.group("words").split():
                match = did_you_mean(word.split("=", 1)[0], flags) if word.startswith("-") else None
                if match:
                    hints.append(match)
            return f"; did you mean {', '.join(hints)}?" if hints else ""
        return ""


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command named in `argv` is imported and declares its arguments."""
    chosen = _command_name(sys.argv[1:] if argv is None else argv)
    parser = Parser(prog="driftbot", description="Keep copied configuration in sync with its Single Source of Truth.")
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


# driftbot uses no pydantic plugin; looking for one scans every installed distribution's entry points
# (~15 ms) when the first model is built. A user's own setting wins.
PYDANTIC_PLUGINS = "PYDANTIC_DISABLE_PLUGINS"


# A run allocates mostly objects that live until it ends (modules, classes, the cache's results): at
# CPython's default gen-0 threshold (700) a warm audit runs ~200 collections that free next to nothing
# (~30 ms of its ~0.7 s). Cyclic garbage is still collected, after more allocations (mypy does likewise).
GC_THRESHOLD = (50_000, 20, 10)


# glibc raises its mmap threshold to the largest block freed (up to 32 MiB): after one large buffer is
# freed (git's listing, a memo or cache file read whole), the next ones come from the heap and stay
# resident once freed. Pinned, every block over 1 MiB is its own mapping, returned when freed (100k
# files, warm after a change: peak 151 -> 146 MiB; a 5k-file cold audit: ~0.1 s more system CPU, of
# ~8 s). mallopt's M_MMAP_THRESHOLD is -3.
MMAP_THRESHOLD = (-3, 1024 * 1024)


def pin_mmap_threshold() -> None:
    """Set glibc's mmap threshold to MMAP_THRESHOLD for this process and its workers; elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # on use: only Linux has glibc's mallopt

    try:
        ctypes.CDLL(None).mallopt(*MMAP_THRESHOLD)
    except (OSError, AttributeError):  # a libc without mallopt
        return


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault(PYDANTIC_PLUGINS, "__all__")
    pin_mmap_threshold()
    before = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        return _main(argv)
    finally:  # a process that calls main() again, or goes on (tests, the pytest plugin), keeps its own setting
        gc.set_threshold(*before)


def _main(argv: Sequence[str] | None) -> int:
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
