"""`driftbot init`: find configuration lists copied around a repository and propose the SSOT for them."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from driftbot import onboard, paths
from driftbot.commands import options
from driftbot.errors import EXIT_OK, DriftbotError
from driftbot.extract.python import ParseFailure, extract
from driftbot.ftypes import Collection
from driftbot.onboard_files import ProposedFile, config_file, ssot_file, workflow_file

SSOT_DIR = "ssot"
MAX_LISTED_COPIES = 12


def collections(repo: Path) -> tuple[list[Collection], int]:
    """Every string collection of every Python file, and how many files were read. Unparsable: skipped."""
    files = paths.walk(repo, [], (".py",))
    found: list[Collection] = []
    for rel in files:
        try:
            found.extend(extract(rel, (repo / rel).read_bytes()))
        except (ParseFailure, OSError):
            continue  # init only proposes; `driftbot audit` reports unparsable files
    return found, len(files)


def sql_texts(repo: Path) -> list[str]:
    out: list[str] = []
    for rel in paths.walk(repo, [], (".sql",)):
        try:
            out.append((repo / rel).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    return out


def propose(repo: Path) -> tuple[list[onboard.Phase], list[ProposedFile], int]:
    found, scanned = collections(repo)
    phases = onboard.assign_phases(onboard.discover(found))
    sql = sql_texts(repo)
    files = [ssot_file(p, onboard.guess_dataset(p.found.values, sql), SSOT_DIR) for p in phases]
    if phases:
        files += [config_file(phases, SSOT_DIR), workflow_file()]
    return phases, files, scanned


def describe(phases: list[onboard.Phase], scanned: int) -> list[str]:
    if not phases:
        return [f"No list is copied across files ({scanned} Python files read); nothing to propose."]
    lines = [f"Found {len(phases)} lists copied across files ({scanned} Python files read):", ""]
    for p in phases:
        f = p.found
        lines.append(f"{p.key}: {len(f.values)} names in {len(f.copies)} copies ({', '.join(f.symbols)})")
        lines.append(f"  {', '.join(f.values)}")
        for c in f.copies[:MAX_LISTED_COPIES]:
            mark = "" if c.values == f.values else "  (differs)"
            lines.append(f"  {c.location} {c.symbol}{mark}")
        if len(f.copies) > MAX_LISTED_COPIES:
            lines.append(f"  ... and {len(f.copies) - MAX_LISTED_COPIES} more")
        lines.append("")
    return lines


def write(repo: Path, files: list[ProposedFile]) -> None:
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


@dataclass(frozen=True)
class Init:
    help: str = "Find lists copied across files and propose ssot/, .driftbot.yml and a workflow (--write: create)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser, ssot_and_config=False)
        parser.add_argument("--write", action="store_true", help="create the proposed files (never overwrites)")

    def run(self, args: argparse.Namespace) -> int:
        repo: Path = args.path
        if not repo.is_dir():
            raise DriftbotError(f"{repo}: not a directory")
        phases, files, scanned = propose(repo)
        out = describe(phases, scanned)
        if files and args.write:
            write(repo, files)
            out += ["Wrote:", *(f"  {f.path}  ({f.summary})" for f in files), "", "Next: driftbot audit"]
        elif files:
            out += ["Would write (run again with --write to create them):"]
            out += [f"  {f.path}  ({f.summary}){exists(repo, f)}" for f in files]
        sys.stdout.write("\n".join(out) + "\n")
        return EXIT_OK


COMMAND = Init()
