"""Which ranked lists become SSOT files, under which phase number and file name.

Phase numbers come from the symbol only (`phase2_expected_processors` -> 2). When two lists claim
the same phase, the better ranked one gets it and the other is left out with the reason; a list whose
symbol says no phase gets the lowest number nobody claims, marked as a placeholder. A list sharing a
name with a better ranked one is left out too: the SSOT holds each processor once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from driftbot.commands.init.rank import PHASE, Ranked

DEFAULT_TOP = 10
MAX_SLUG = 48
PLACEHOLDERS = ("<call>", "<module>")  # parts of a symbol that name no variable


@dataclass(frozen=True)
class Phase:
    """Where a list goes in the SSOT: `ssot/processors/phase{number}_{slug}.yaml`."""

    number: int
    slug: str
    ranked: Ranked
    placeholder: bool  # the symbol says no phase: the number is only free

    @property
    def key(self) -> str:
        return f"phase{self.number}"

    @property
    def filename(self) -> str:
        return f"{self.key}_{self.slug}.yaml"


@dataclass(frozen=True)
class Layout:
    phases: tuple[Phase, ...]  # in ranking order, best first
    left_out: tuple[tuple[Ranked, str], ...]  # qualifying lists not proposed, with the reason
    beyond_top: int  # qualifying lists below the --top cut

    @property
    def by_number(self) -> tuple[Phase, ...]:
        return tuple(sorted(self.phases, key=lambda p: p.number))


def slug(symbol: str) -> str:
    """A file-name word from the symbol's last name, [a-z0-9_] only.

    `PhaseTransitionConfig.phase2_expected_processors` -> `expected_processors`,
    `CONFIG["phase3 'core' tables"]` -> `core_tables`, `<call>(0)` -> `processors`.
    """
    parts = [
        p for p in re.split(r"[.\[\]()*]+", symbol) if re.search("[A-Za-z]", p) and p not in ("<call>", "<module>")
    ]
    last = parts[-1] if parts else ""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", last).lower()
    snake = PHASE.sub("_", snake)
    clean = re.sub(r"[^a-z0-9]+", "_", snake).strip("_")[:MAX_SLUG].strip("_")
    return clean or "processors"


def plan(ranked: Sequence[Ranked], top: int = DEFAULT_TOP) -> Layout:
    qualifying = [r for r in ranked if r.qualifies]
    chosen: list[Ranked] = []
    left_out: list[tuple[Ranked, str]] = []
    claimed: dict[int, Ranked] = {}
    owner: dict[str, Ranked] = {}
    beyond = 0
    for r in qualifying:
        if len(chosen) >= top:
            beyond += 1
            continue
        shared = [v for v in r.values if v in owner]
        if shared:
            left_out.append((r, f"shares {shared[0]} with {owner[shared[0]].symbol}, which ranks higher"))
            continue
        if r.phase is not None and r.phase in claimed:
            left_out.append((r, f"phase {r.phase} is taken by {claimed[r.phase].symbol}, which ranks higher"))
            continue
        chosen.append(r)
        owner.update((v, r) for v in r.values)
        if r.phase is not None:
            claimed[r.phase] = r
    said = {r.phase for r in qualifying if r.phase is not None}
    phases: list[Phase] = []
    for r in chosen:
        if r.phase is not None:
            phases.append(Phase(r.phase, slug(r.symbol), r, placeholder=False))
            continue
        number = next(n for n in range(1, len(said) + len(chosen) + 2) if n not in said)
        said.add(number)
        phases.append(Phase(number, slug(r.symbol), r, placeholder=True))
    return Layout(tuple(phases), tuple(left_out), beyond)
