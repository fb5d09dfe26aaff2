"""pydantic models of the SSOT files under `ssot/processors/` (formats of the seed, Tasks 1.4, 2.1, 2.2)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from driftbot.ssot.infra import Infrastructure  # infra.py imports this module

SUPPORTED_VERSIONS = ("1.0",)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class Processor(Strict):
    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")
    class_name: str | None = Field(default=None, alias="class")
    classes: list[str] = Field(default_factory=list)  # further class names of this processor (aliases)
    dataset: str | None = Field(default=None, min_length=1)  # its table's dataset, when not the phase's
    target_table: str = ""  # defaults to `name`
    schedule: str | None = None
    required: bool = True
    description: str | None = None
    notes: str | None = None
    # Former names of this processor (and of its target table): a copy still holding one is renamed
    # with certainty by `fix`.
    renamed_from: list[str] = Field(default_factory=list)
    # A processor (and table) kept for the record: a reference to it is drift ("deprecated, use X").
    deprecated: bool = False
    replaced_by: str | None = Field(default=None, min_length=1)

    @property
    def class_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*([self.class_name] if self.class_name else []), *self.classes]))

    @model_validator(mode="after")
    def _default_table(self) -> Processor:
        if not self.target_table:
            self.target_table = self.name
        if self.replaced_by is not None and not self.deprecated:
            raise ValueError("replaced_by needs deprecated: true")
        return self


class Orchestration(Strict):
    expected_count: int | None = Field(default=None, ge=0)
    trigger_mode: Literal["all_complete", "any_complete", "quorum"] | None = None
    timeout_minutes: int | None = Field(default=None, ge=0)
    enable_deadline_monitoring: bool | None = None


class Subset(Strict):
    """A named part of a phase's list, e.g. the processors an orchestrator waits for."""

    processors: list[str] = Field(min_length=1)  # processor names (or target tables) of the phase
    expected_count: int | None = Field(default=None, ge=0)


SUBSET_NAME = r"^[a-z][a-z0-9_]*$"


class PhaseFile(Strict):
    version: str
    phase: int = Field(ge=0)
    phase_name: str
    dataset: str = Field(min_length=1)
    critical_processors: list[Processor] = Field(min_length=1)
    orchestration: Orchestration | None = None
    complete: bool = False  # true: the processors' tables are every table of `dataset` (see known_tables)
    # Named subsets a `.driftbot.yml` binding can target as `phase<N>.<name>`: a list of names, or
    # `{processors: [...], expected_count: N}`.
    subsets: dict[str, list[str] | Subset] = Field(default_factory=dict)

    def subset(self, name: str) -> Subset:
        value = self.subsets[name]
        return value if isinstance(value, Subset) else Subset(processors=value)


@dataclass(frozen=True)
class SsotList:
    """One phase's processor list as the rest of driftbot sees it."""

    key: str  # "phase2"
    phase: int
    phase_name: str
    path: str  # repo-relative POSIX path of the YAML file
    dataset: str
    processors: tuple[Processor, ...]
    expected_count: int | None
    complete: bool = False  # the SSOT lists every table of `dataset`
    # name -> (processor names, expected_count); a binding targets one as `phase<N>.<name>`
    subsets: tuple[tuple[str, tuple[str, ...], int | None], ...] = ()
    subset_name: str | None = None  # set on the list `Ssot.by_key` derives for a subset

    @property
    def label(self) -> str:
        return f"phase {self.phase}" + (f" {self.subset_name}" if self.subset_name else "")

    def subset(self, name: str) -> SsotList | None:
        """The list a binding to `phase<N>.<name>` copies: the subset's processors, its own expected_count."""
        for sub, members, count in self.subsets:
            if sub == name:
                chosen = tuple(p for p in self.processors if p.name in members or p.target_table in members)
                return replace(
                    self, key=f"{self.key}.{sub}", processors=chosen, expected_count=count, subsets=(), subset_name=sub
                )
        return None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.processors)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(p.target_table for p in self.processors)

    def dataset_of(self, p: Processor) -> str:
        """Where the processor's table lives: its own `dataset`, else the phase's."""
        return p.dataset or self.dataset

    @property
    def datasets(self) -> tuple[str, ...]:
        """The phase's dataset first, then every processor's own."""
        return tuple(dict.fromkeys([self.dataset, *(p.dataset for p in self.processors if p.dataset)]))

    def tables_in(self, dataset: str) -> tuple[str, ...]:
        return tuple(p.target_table for p in self.processors if self.dataset_of(p) == dataset)

    def deprecated(self) -> dict[tuple[str, str], Processor]:
        """(dataset, target table) -> the deprecated processor writing it."""
        return {(self.dataset_of(p), p.target_table): p for p in self.processors if p.deprecated}

    def values(self, field: Literal["name", "target_table"]) -> tuple[str, ...]:
        return self.names if field == "name" else self.tables

    def renamed(self, field: Literal["name", "target_table"]) -> dict[str, str]:
        """Declared renames, old -> current: the processor's name, or its target table."""
        return {old: p.name if field == "name" else p.target_table for p in self.processors for old in p.renamed_from}


@dataclass(frozen=True)
class Ssot:
    root: str  # repo-relative path of the SSOT directory
    lists: tuple[SsotList, ...]
    infrastructure: Infrastructure | None = None  # ssot/infrastructure/, when present

    def by_key(self, key: str) -> SsotList | None:
        """`phase2`, or a named subset of it: `phase2.orchestrator_waits_for`."""
        phase, _, sub = key.partition(".")
        found = next((s for s in self.lists if s.key == phase), None)
        if found is None or not sub:
            return found
        return found.subset(sub)

    @property
    def datasets(self) -> frozenset[str]:
        return frozenset(d for s in self.lists for d in s.datasets)

    def renamed(self, field: Literal["name", "target_table"]) -> dict[str, str]:
        """Every declared rename of every phase, old -> current name (or target table)."""
        return {old: new for s in self.lists for old, new in s.renamed(field).items()}

    def all_names(self) -> frozenset[str]:
        return frozenset(v for s in self.lists for p in s.processors for v in (p.name, p.target_table))

    def all_classes(self) -> frozenset[str]:
        """Every processor class name (`class:` and `classes:`) of every phase."""
        return frozenset(c for s in self.lists for p in s.processors for c in p.class_names)
