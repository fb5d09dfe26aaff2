"""`driftbot init`: find configuration lists copied around a repository and propose the SSOT for them.

Pipeline: read (Python collections, CREATE statements, inventories) -> discover copied lists -> rank
by evidence and correct from inventories -> lay out phases and file names -> render -> validate the
proposal with the real SSOT loader -> print, and with --write create the files.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot import config, gitfiles, paths, repofs
from driftbot.commands import options
from driftbot.commands.init import tables as known_tables
from driftbot.commands.init.check import validate
from driftbot.commands.init.discover import discover
from driftbot.commands.init.files import ProposedFile, config_file, ssot_file, workflow_file
from driftbot.commands.init.layout import DEFAULT_TOP, Layout, plan
from driftbot.commands.init.rank import Ranked, rank
from driftbot.commands.init.read import Progress, python_collections
from driftbot.commands.progress import ProgressBar
from driftbot.errors import EXIT_OK, DriftbotError

SSOT_DIR = "ssot"
MAX_LISTED_COPIES = 12
DEFAULT_BUDGET = 600.0  # seconds of reading Python files before init proposes from what it has


@dataclass(frozen=True)
class Proposal:
    layout: Layout
    files: tuple[ProposedFile, ...]
    summary: tuple[str, ...]  # what was read


def sql_texts(repo: Path, sql_files: list[str]) -> list[str]:
    out: list[str] = []
    for rel in sql_files:
        try:
            out.append(repofs.read_bytes(repo, rel, shown=rel).decode("utf-8", "replace"))
        except OSError:
            continue
    return out


def inventory_urls(repo: Path, given: list[str] | None) -> list[str]:
    if given is not None:
        return given
    return config.load(repo).inventory if (repo / config.CONFIG_NAME).exists() else []


def propose(
    repo: Path,
    *,
    top: int = DEFAULT_TOP,
    inventories: list[str] | None = None,
    budget: float | None = DEFAULT_BUDGET,
    progress: Progress | None = None,
) -> Proposal:
    listing = gitfiles.read(repo)  # one git listing for both walks and the `ddl:` inventories
    py_files = repofs.screen(repo, paths.walk(repo, [], (".py",), listing))[0]  # `driftbot audit` reports refused files
    sql_files = repofs.screen(repo, paths.walk(repo, [], (".sql",), listing))[0]
    known = known_tables.read(repo, sql_files, inventory_urls(repo, inventories), listing)
    read = python_collections(repo, py_files, known.names(), budget=budget, progress=progress)
    ranked = rank(discover(read.collections), known, sql_texts(repo, sql_files))
    layout = plan(ranked, top)
    files = [ssot_file(p, SSOT_DIR) for p in layout.by_number]
    if layout.phases:
        files.append(config_file(layout.by_number, SSOT_DIR))
        validate(files, SSOT_DIR)
        files.append(workflow_file())
    summary = [f"Read {read.files_read} Python files, parsed {read.files_parsed} that may hold a pipeline list"]
    if not read.complete:
        summary = [
            f"Read {read.files_read} of {read.files_total} Python files, parsed {read.files_parsed} of "
            f"{read.files_to_parse} that may hold a pipeline list: the --budget of {budget:g} s ran out, "
            "the proposal may miss copies"
        ]
    summary += [f"Inventory: {s}" for s in known.sources] or ["Inventory: no CREATE TABLE statement, none given"]
    summary += [f"Inventory unreadable: {u}" for u in known.unreachable]
    return Proposal(layout, tuple(files), tuple(summary))


def describe_list(key: str, r: Ranked) -> list[str]:
    f = r.found
    lines = [f"{key}: {len(r.values)} names in {len(f.copies)} copies ({', '.join(f.symbols)})"]
    lines.append(f"  {', '.join(r.values)}")
    lines += [f"  evidence: {e}" for e in r.evidence]
    for c in f.copies[:MAX_LISTED_COPIES]:
        mark = "" if c.values == f.values else "  (differs)"
        lines.append(f"  {c.location} {c.symbol}{mark}")
    if len(f.copies) > MAX_LISTED_COPIES:
        lines.append(f"  ... and {len(f.copies) - MAX_LISTED_COPIES} more")
    return [*lines, ""]


def brief(values: Sequence[str], shown: int = 4) -> str:
    return ", ".join(values[:shown]) + (", ..." if len(values) > shown else "")


def describe(proposal: Proposal) -> list[str]:
    layout = proposal.layout
    lines = [*proposal.summary, ""]
    if not layout.phases:
        lines.append("No copied list with pipeline evidence; nothing to propose.")
    else:
        lines += [f"Proposing {len(layout.phases)} lists, most evidence first:", ""]
        for i, p in enumerate(layout.phases, start=1):
            lines += describe_list(f"#{i} {p.key}", p.ranked)
    for r, why in layout.left_out:
        lines.append(f"Not proposed: {r.symbol} ({brief(r.values)}): {why}")
    if layout.beyond_top:
        lines.append(f"Not proposed: {layout.beyond_top} more lists with pipeline evidence below the --top cut")
    if lines[-1] != "":
        lines.append("")
    return lines


def write(repo: Path, files: tuple[ProposedFile, ...]) -> None:
    existing = [f.path for f in files if (repo / f.path).exists()]
    if existing:
        raise DriftbotError(f"{existing[0]}: already exists; init never overwrites (move it away or edit it by hand)")
    for f in files:
        target = repo / f.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, encoding="utf-8")
        except OSError as exc:
            raise DriftbotError(f"{f.path}: cannot write: {exc.strerror}") from None


def exists(repo: Path, f: ProposedFile) -> str:
    return "  EXISTS: --write will refuse" if (repo / f.path).exists() else ""


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def seconds(text: str) -> float | None:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (no limit) or more")
    return value or None


@dataclass(frozen=True)
class Init:
    help: str = "Find lists copied across files and propose ssot/, .driftbot.yml and a workflow (--write: create)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser, ssot_and_config=False)
        parser.add_argument("--write", action="store_true", help="create the proposed files (never overwrites)")
        parser.add_argument(
            "--top",
            type=positive,
            default=DEFAULT_TOP,
            metavar="N",
            help=f"propose at most N lists (default: {DEFAULT_TOP})",
        )
        parser.add_argument(
            "--budget",
            type=seconds,
            default=DEFAULT_BUDGET,
            metavar="SECONDS",
            help="stop reading Python files after this long and propose from what was read "
            f"(default: {DEFAULT_BUDGET:g}; 0: no limit)",
        )
        options.add_inventory(parser)

    def run(self, args: argparse.Namespace) -> int:
        repo: Path = args.path
        if not repo.is_dir():
            raise DriftbotError(f"{repo}: not a directory")
        bar = ProgressBar()
        try:
            proposal = propose(repo, top=args.top, inventories=args.inventory, budget=args.budget, progress=bar)
        finally:
            bar.close()
        out = describe(proposal)
        files = proposal.files
        if files and args.write:
            write(repo, files)
            out += ["Wrote:", *(f"  {f.path}  ({f.summary})" for f in files), "", "Next: driftbot audit"]
        elif files:
            out += ["Would write (run again with --write to create them):"]
            out += [f"  {f.path}  ({f.summary}){exists(repo, f)}" for f in files]
        sys.stdout.write("\n".join(out).rstrip("\n") + "\n")
        return EXIT_OK


COMMAND = Init()
