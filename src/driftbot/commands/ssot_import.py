"""`driftbot ssot import`: bootstrap or extend an SSOT phase file from the tables an inventory lists.

    driftbot ssot import --inventory bigquery://PROJECT --dataset nba_raw --phase 2 [--ssot ssot] [--write]

Tables of the dataset that no processor of the phase writes yet are appended as `- name: TABLE` (views are
skipped: no processor writes them). The file is edited with ruamel.yaml round-trip, so its comments, key
order, quoting and indentation stay as they were. Without --write the change is shown as a diff and the
exit code is 1 when something would be imported (like `fix --dry-run`).
"""

from __future__ import annotations

import argparse
import copy
import difflib
import io
import itertools
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from driftbot import repofs
from driftbot.errors import EXIT_DRIFT, EXIT_OK, EXIT_UNREACHABLE, DriftbotError
from driftbot.fix.writer import Change, Transaction
from driftbot.inventory.base import ENDPOINT_ENV, VIEW_TYPES, load_inventories
from driftbot.paths import display

_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")  # what the SSOT accepts as a processor name
_DATASET = re.compile(r"^[A-Za-z0-9_]+$")


@dataclass(frozen=True)
class Plan:
    path: Path
    before: str  # "" for a new file
    after: str
    data: bytes | None  # the file's bytes as read; None for a new file
    added: tuple[str, ...]
    skipped: tuple[str, ...]  # tables whose name is not a valid processor name


def plan_import(ssot_dir: Path, dataset: str, phase: int, tables: list[str]) -> Plan:
    """The SSOT file of `phase` with every table of `tables` that it does not list yet appended.

    Only files inside the repository (the SSOT folder's parent, links resolved) are read."""
    valid = [t for t in tables if _NAME.match(t)]
    skipped = tuple(t for t in tables if not _NAME.match(t))
    existing = _phase_file(ssot_dir, phase)
    if existing is None:
        path = ssot_dir / "processors" / f"phase{phase}_{dataset}_processors.yaml"
        return Plan(path, "", _new_file(dataset, phase, valid) if valid else "", None, tuple(valid), skipped)
    path, data, text = existing
    yaml = _yaml(text)
    doc = _load(yaml, text, path)
    if doc.get("dataset") != dataset:
        raise DriftbotError(f"{path}: phase {phase} writes dataset {doc.get('dataset')!r}, not {dataset!r}")
    seq = doc.get("critical_processors")
    if not isinstance(seq, CommentedSeq):
        raise DriftbotError(f"{path}: `critical_processors` is not a list")
    taken = {str(p.get("target_table") or p.get("name")) for p in seq if isinstance(p, dict)}
    taken |= {str(p.get("name")) for p in seq if isinstance(p, dict)}
    added = tuple(t for t in valid if t not in taken)
    if not added:
        return Plan(path, text, text, data, (), skipped)
    _append(seq, added)
    orchestration = doc.get("orchestration")
    if isinstance(orchestration, dict) and orchestration.get("expected_count") == len(seq) - len(added):
        orchestration["expected_count"] = len(seq)  # keep the count the SSOT validates
    out = io.StringIO()
    yaml.dump(doc, out)
    return Plan(path, text, out.getvalue(), data, added, skipped)


def _append(seq: CommentedSeq, names: tuple[str, ...]) -> None:
    """Append `- name: N` items; keep the blank line between items and whatever followed the old last item."""
    last = seq[-1] if len(seq) else None
    trailing = _trailing(last) if isinstance(last, CommentedMap) else None
    before_last = seq[-2] if len(seq) > 1 else None
    separator = _trailing(before_last) if isinstance(before_last, CommentedMap) else None
    if separator is not None and separator.value.strip():
        separator = None  # a real comment, not the blank line items are separated by
    items = [CommentedMap({"name": n}) for n in names]
    seq.extend(items)
    if trailing is None or not isinstance(last, CommentedMap):
        return
    _set_trailing(last, copy.copy(separator) if separator is not None else None)
    for item in items[:-1]:
        _set_trailing(item, copy.copy(separator) if separator is not None else None)
    _set_trailing(items[-1], trailing)


def _trailing(item: CommentedMap) -> Any:
    """The comment token after an item's last value (blank lines, comments up to the next item)."""
    if not item:
        return None
    entry = item.ca.items.get(list(item.keys())[-1])
    return entry[2] if entry and len(entry) > 2 else None


def _set_trailing(item: CommentedMap, token: Any) -> None:
    key = list(item.keys())[-1]
    if token is None:
        item.ca.items.pop(key, None)
    else:
        item.ca.items[key] = [None, None, token, None]


def _phase_file(ssot_dir: Path, phase: int) -> tuple[Path, bytes, str] | None:
    root = repository(ssot_dir)
    folder = ssot_dir / "processors"
    try:
        inside = repofs.directory(root, folder)
    except repofs.Refused as exc:
        raise DriftbotError(str(exc)) from None
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")) if inside is not None else []
    for path in files:
        data, text = _read(root, path)
        doc = _load(_yaml(text), text, path)
        if isinstance(doc, dict) and doc.get("phase") == phase:
            return path, data, text
    return None


def repository(ssot_dir: Path) -> Path:
    """The repository an SSOT folder belongs to: its parent as written (a link is not followed out)."""
    return ssot_dir.absolute().parent


def _read(root: Path, path: Path) -> tuple[bytes, str]:
    """The file's bytes (what a write must find unchanged) and its text."""
    try:
        data = repofs.read_bytes(root, path)
        text = data.decode("utf-8")
    except repofs.Refused as exc:
        raise DriftbotError(str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DriftbotError(f"{path}: cannot read: {exc}") from None
    return data, text


def _yaml(text: str) -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long descriptions
    _, sequence, offset = load_yaml_guess_indent(text)
    yaml.indent(mapping=_mapping_indent(text), sequence=sequence or 4, offset=offset or 0)
    yaml.explicit_start = text.lstrip().startswith("---")
    return yaml


def _mapping_indent(text: str) -> int:
    """Indent of the first nested mapping key under a top-level key (`orchestration:` -> `  expected_count`)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for top, nested in itertools.pairwise(lines):
        if not top.startswith((" ", "-")) and top.rstrip().endswith(":"):
            indent = len(nested) - len(nested.lstrip())
            if indent and not nested.lstrip().startswith("-"):
                return indent
    return 2


def _load(yaml: YAML, text: str, path: Path) -> Any:
    try:
        return yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}" if mark else "1:1"
        raise DriftbotError(f"{path}:{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from None


def _new_file(dataset: str, phase: int, names: list[str]) -> str:
    items = "".join(f"  - name: {n}\n" for n in names)
    return (
        f'version: "1.0"\nphase: {phase}\nphase_name: "{dataset}"\ndataset: "{dataset}"\n\n'
        f"# Imported by `driftbot ssot import`: one processor per table; add class, schedule, description.\n"
        f"critical_processors:\n{items}"
    )


@dataclass(frozen=True)
class SsotCommand:
    help: str = "Manage the SSOT: `ssot import` adds the tables an inventory lists to a phase file."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="ssot_action", required=True, metavar="ACTION")
        p = actions.add_parser("import", help="bootstrap or extend a phase file from an inventory's tables")
        p.add_argument(
            "--inventory", required=True, metavar="URL", help="bigquery://PROJECT, ddl:GLOB or snapshot:FILE"
        )
        p.add_argument("--dataset", required=True, help="the dataset whose tables become processors")
        p.add_argument("--phase", required=True, type=int, help="the phase number of the SSOT file to extend")
        p.add_argument("--ssot", type=Path, default=Path("ssot"), help="SSOT directory (default: ./ssot)")
        p.add_argument("--write", action="store_true", help="write the file (default: show the diff, exit 1)")
        p.add_argument(
            "--bigquery-endpoint", metavar="URL", default=os.environ.get(ENDPOINT_ENV) or None,
            help=f"BigQuery API endpoint, e.g. an emulator (default: ${ENDPOINT_ENV})",
        )  # fmt: skip

    def run(self, args: argparse.Namespace) -> int:
        if not _DATASET.match(args.dataset) or args.phase < 0:
            raise DriftbotError("--dataset must be a dataset name and --phase a number >= 0")
        ssot_dir: Path = args.ssot
        repo = repository(ssot_dir)  # `ddl:` and `snapshot:` paths are relative to the repository
        found, unreachable = load_inventories([args.inventory], repo, bigquery_endpoint=args.bigquery_endpoint)
        if unreachable:
            print(f"driftbot: {unreachable[0]}", file=sys.stderr)
            return EXIT_UNREACHABLE
        inventory = found[0]
        if args.dataset not in inventory.datasets:
            there = ", ".join(inventory.datasets) or "none"
            raise DriftbotError(f"dataset {args.dataset!r} is not in {inventory.source} (datasets there: {there})")
        tables = sorted({t.table for t in inventory.tables_in(args.dataset) if t.type not in VIEW_TYPES})
        plan = plan_import(ssot_dir, args.dataset, args.phase, tables)
        shown = display(plan.path, Path.cwd())
        for name in plan.skipped:
            print(f"skipped table {args.dataset}.{name}: not a valid processor name", file=sys.stderr)
        if not plan.added:
            print(f"nothing to import: {shown} lists every table of {args.dataset} in {inventory.source}")
            return EXIT_OK
        if args.write:
            change = Change(plan.path.absolute(), shown, plan.data, plan.after.encode("utf-8"))
            Transaction([change], repo).commit()  # inside the repository, not through a link, all or nothing
            print(f"imported {len(plan.added)} processor(s) into {shown}: {', '.join(plan.added)}")
            return EXIT_OK
        before = "a/" + shown if plan.before else "/dev/null"
        diff = difflib.unified_diff(plan.before.splitlines(True), plan.after.splitlines(True), before, "b/" + shown)
        sys.stdout.writelines(diff)
        print(f"{len(plan.added)} processor(s) to import into {shown}; run again with --write", file=sys.stderr)
        return EXIT_DRIFT


COMMAND = SsotCommand()
