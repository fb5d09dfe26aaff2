"""`driftbot generate`: render the collections bound with `generated: true` from the SSOT.

A generated collection holds the SSOT list in order, one entry per line, each with the processor's
`description` as trailing comment (aligned), under a marker comment naming the SSOT file. Only the
bracketed collection is rewritten; every other byte of the file stays. The layout depends only on
the SSOT, the indentation of the line that opens the collection and the quote its strings use, so
rendering twice gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import libcst as cst

from driftbot import binding, paths, project, repofs
from driftbot.config import BindingSpec, Config
from driftbot.errors import DriftbotError
from driftbot.extract.python import extract
from driftbot.extract.python_tree import ParseFailure
from driftbot.fix import source
from driftbot.fix.regions import RenderResult, settle
from driftbot.fix.writer import Change, recover
from driftbot.ftypes import Binding, Collection
from driftbot.ssot.models import Ssot, SsotList

MARKER = "# driftbot: generated from {path} — edit the SSOT, then run driftbot generate"
Field = Literal["name", "target_table"]
BRACKETS = {cst.List: ("[", "]"), cst.Tuple: ("(", ")"), cst.Set: ("{", "}")}


def generate(
    repo: Path, *, ssot_dir: Path | None = None, config_path: Path | None = None, check: bool = False
) -> RenderResult:
    recover(repo)  # a run killed while writing is rolled back first
    cfg, ssot = project.load(repo, ssot_dir=ssot_dir, config_path=config_path)
    bound = generated_bindings(repo, cfg, ssot)
    by_path: dict[str, list[Binding]] = defaultdict(list)
    for b in bound:
        by_path[b.collection.path].append(b)
    changes = [_render_file(repo, path, group, ssot) for path, group in sorted(by_path.items())]
    wanted = {(b.collection.path, b.collection.symbol): b for b in bound}

    def verify(c: Change) -> str | None:
        for col in extract(c.shown, c.after):
            b = wanted.get((col.path, col.symbol))
            target = ssot.by_key(b.ssot_list) if b is not None else None
            if b is not None and target is not None and col.values != target.values(b.field):
                return f"{col.symbol} holds {list(col.values)}"
        return None

    return settle(changes, root=repo, check=check, verify=verify)


def generated_bindings(repo: Path, cfg: Config, ssot: Ssot) -> list[Binding]:
    """The collections the `generated: true` bindings name; each binding must find at least one."""
    specs = [s for s in cfg.bindings if s.generated]  # project.load checked their SSOT lists
    files = [f for f in paths.walk(repo, cfg.exclude, (".py",)) if any(paths.matches(f, s.files) for s in specs)]
    found: list[Collection] = []
    for f in files:
        try:
            found.extend(extract(f, repofs.read_bytes(repo, f, shown=f)))
        except ParseFailure as exc:
            raise DriftbotError(f"{exc.location}: does not parse ({exc.message}); cannot generate into it") from None
        except repofs.Refused as exc:
            raise DriftbotError(f"{exc}; cannot generate into it") from None
        except OSError as exc:
            raise DriftbotError(f"{f}: cannot read: {exc.strerror}") from None
    bound = [b for b in binding.bind(found, ssot, specs, auto=False) if b.how == "generated"]
    for s in specs:
        if not any(_spec_of(b, s) for b in bound):
            raise DriftbotError(
                f"generated binding {s.symbol!r}: no list, tuple or set with at least one string by that name in "
                f"files matching {s.files!r}"
            )
    return bound


def _spec_of(b: Binding, spec: BindingSpec) -> bool:
    return b.collection.symbol == spec.symbol and paths.matches(b.collection.path, spec.files)


def _render_file(repo: Path, path: str, group: Sequence[Binding], ssot: Ssot) -> Change:
    try:
        data = repofs.read_bytes(repo, path, shown=path)
    except OSError as exc:
        raise DriftbotError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        src = source.load(path, data)
    except source.NotParsable as exc:
        raise DriftbotError(exc.message) from None
    text = src.text
    spans: list[tuple[int, int, str]] = []
    for b in group:
        loc = b.collection.location
        node = src.sequences.get((loc.line, loc.column))
        target = ssot.by_key(b.ssot_list)
        if node is None or target is None or type(node) not in BRACKETS:
            raise DriftbotError(f"{loc}: {b.collection.symbol} must be a list, tuple or set to be generated")
        begin, end = src.spans[id(node)]
        spans.append((begin, end, render(node, src, begin, target, b.field)))
    for begin, end, rendered in sorted(spans, reverse=True):
        text = text[:begin] + rendered + text[end:]
    return Change(repo / path, path, data, (("\ufeff" if src.bom else "") + text).encode("utf-8"))


def render(node: source.Sequence_, src: source.PySource, begin: int, target: SsotList, field: Field) -> str:
    """The bracketed collection, from its opening bracket to its closing one."""
    line_start = src.text.rfind("\n", 0, begin) + 1
    line = src.text[line_start:begin]
    base = line[: len(line) - len(line.lstrip(" \t"))]
    indent = base + src.module.default_indent
    newline = src.module.default_newline
    strings = [m.string for m in src.members.values() if m.sequence is node]
    quote = strings[0].quote if strings and len(strings[0].quote) == 1 else "'"
    values = target.values(field)
    notes = {v: " ".join((p.description or "").split()) for p, v in zip(target.processors, values, strict=True)}
    entries = [(repr(v) if quote in v or "\\" in v else f"{quote}{v}{quote}") + "," for v in values]
    width = max((len(e) for e, v in zip(entries, values, strict=True) if notes[v]), default=0)
    opener, closer = BRACKETS[type(node)]
    lines = [opener, indent + MARKER.format(path=target.path)]
    for entry, v in zip(entries, values, strict=True):
        lines.append(indent + (f"{entry.ljust(width)}  # {notes[v]}" if notes[v] else entry))
    return newline.join(lines) + newline + base + closer
