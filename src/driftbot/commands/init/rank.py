"""Rank copied lists by the evidence that they are pipeline lists, and correct them from inventories.

Evidence, each a short string shown to the user:
  - copies: the list sits in N files (vendored copies are what driftbot is for);
  - the symbol names the pipeline: a phase number (`phase2_...`) or a word such as `processors`,
    `tables`, `pipeline` (strong); `expected`, `required`, `sources` and the like (weak);
  - inventory overlap: how many of its names are tables an inventory knows.
A list *qualifies* for a proposal with a strong name or with at least half of its names in an
inventory; a symbol naming columns, fields, keys or options is never a strong name. Slack block keys,
team dicts or option lists have neither, however often they are copied.

Correction: in a list holding tables of an inventory dataset, a name no inventory knows is replaced
by the close table of that dataset (`br_roster` -> `br_rosters_current`), even when every copy carries
the old name: the majority of copies is not the truth when the warehouse says otherwise. The SSOT
file then declares `renamed_from` (which makes `fix` certain) only when that table is the one close
candidate; with several, the reviewer picks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from driftbot.commands.init.discover import CopiedList, guess_dataset
from driftbot.commands.init.tables import InitTables
from driftbot.rules.hints import decide_rename

PHASE = re.compile(r"phase_?(\d+)", re.IGNORECASE)
STRONG_WORDS = frozenset(
    {"processor", "processors", "pipeline", "pipelines", "table", "tables", "dataset", "datasets", "scrapers"}
)
WEAK_WORDS = frozenset(
    {"expected", "required", "critical", "optional", "source", "sources", "stage", "stages", "jobs", "upstream"}
)
# A symbol naming parts of a table or of a command line (`TABLE_COLUMNS`, `PIPELINE_OPTIONS`) is no
# pipeline list, whatever other word it holds: only inventory overlap can make such a list qualify.
NOT_PIPELINE_WORDS = frozenset(
    {"column", "columns", "field", "fields", "key", "keys", "header", "headers", "schema", "schemas", "options"}
)
MIN_OVERLAP = 0.5  # share of names an inventory must know for the list to count as a list of tables
MAX_COPY_WEIGHT = 10
VERSIONED = re.compile(r"_v\d+")


@dataclass(frozen=True)
class Correction:
    """A name no inventory knows, and the close inventory table proposed instead."""

    old: str  # the name every (or the majority) copy holds
    new: str
    evidence: str  # why `new` exists: "CREATE TABLE at schemas/raw.sql:4"
    others: tuple[str, ...]  # other close tables, for the reviewer: then the SSOT gets no renamed_from

    @property
    def table_only(self) -> bool:
        """`ml_feature_store` -> `ml_feature_store_v2`: a versioned table; the processor keeps its name."""
        return self.new.startswith(self.old) and VERSIONED.fullmatch(self.new.removeprefix(self.old)) is not None


@dataclass(frozen=True)
class Ranked:
    found: CopiedList
    values: tuple[str, ...]  # the proposed names: the majority version with renames applied
    renames: tuple[Correction, ...]  # table_only ones keep the name and set target_table
    dataset: str | None
    phase: int | None  # from the symbol only
    evidence: tuple[str, ...]
    score: float
    qualifies: bool

    @property
    def symbol(self) -> str:
        return self.found.symbols[0]


def words(symbol: str) -> set[str]:
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", symbol).lower()
    return {w for w in re.split(r"[^a-z]+", snake) if w}


def phase_of(symbols: Sequence[str]) -> int | None:
    """The phase number the symbols say (`phase2_expected_processors`, `PHASE_3_TABLES`), else None."""
    for s in symbols:
        m = PHASE.search(s)
        if m:
            return int(m.group(1))
    return None


def corrections(values: Sequence[str], tables: InitTables, dataset: str | None) -> list[Correction]:
    """For each name no inventory knows: the close table of the list's dataset that it stands for."""
    pool = tables.names(dataset) - set(values)
    exists = tables.names()
    out: list[Correction] = []
    for v in values:
        decided = decide_rename(v, pool - {c.new for c in out}, declared={}, exists=exists)
        if decided is not None:
            proof = tables.knows(decided.target, dataset) or "an inventory lists it"
            out.append(Correction(v, decided.target, proof, decided.others))
    return out


def assess(found: CopiedList, known: InitTables, sql_texts: Sequence[str]) -> Ranked:
    evidence: list[str] = []
    files = len(found.files)
    differ = len(found.divergent())
    evidence.append(f"copied in {files} files" + (f", {differ} of the copies differ" if differ else ""))
    said = set().union(*(words(s) for s in found.symbols))
    phase = phase_of(found.symbols)
    strong = sorted(said & STRONG_WORDS) + ([f"phase {phase}"] if phase is not None else [])
    weak = sorted(said & WEAK_WORDS)
    parts = sorted(said & NOT_PIPELINE_WORDS)
    if parts:
        evidence.append(f"the symbol names {', '.join(parts)}, not a pipeline list")
        strong, weak = [], []
    if strong or weak:
        evidence.append(f"the symbol names the pipeline: {', '.join(strong + weak)}")
    distinct = list(dict.fromkeys(found.values))
    in_inventory = [v for v in distinct if known.knows(v) is not None]
    overlap = len(in_inventory) / len(distinct)
    dataset = known.dataset_of(in_inventory)
    fixes: list[Correction] = []
    if in_inventory:
        where = f" of {dataset}" if dataset else ""
        evidence.append(f"{len(in_inventory)} of {len(distinct)} names are tables{where} an inventory knows")
    if dataset is not None:
        fixes = corrections(distinct, known, dataset)
        for r in fixes:
            also = f" (also close: {', '.join(r.others)})" if r.others else ""
            change = f"{r.old} writes to {r.new}" if r.table_only else f"{r.old} -> {r.new}"
            evidence.append(f"{change}: no inventory knows {r.old}; {r.new}: {r.evidence}{also}")
    if dataset is None:
        dataset = guess_dataset(distinct, sql_texts)
    new = {r.old: r.new for r in fixes if not r.table_only}
    score = min(files, MAX_COPY_WEIGHT) + 5 * bool(strong) + 3 * (phase is not None) + bool(weak) + 10 * overlap
    return Ranked(
        found=found,
        values=tuple(new.get(v, v) for v in distinct),
        renames=tuple(fixes),
        dataset=dataset,
        phase=phase,
        evidence=tuple(evidence),
        score=score,
        qualifies=bool(strong) or overlap >= MIN_OVERLAP,
    )


def rank(found: Iterable[CopiedList], known: InitTables, sql_texts: Sequence[str]) -> list[Ranked]:
    """Most evidence first; ties: more copies, then where the first copy sits."""
    ranked = [assess(f, known, sql_texts) for f in found]
    return sorted(
        ranked,
        key=lambda r: (-r.score, -len(r.found.files), r.found.copies[0].path, r.found.copies[0].location.line),
    )
