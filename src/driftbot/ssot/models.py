"""pydantic models of the SSOT files under `ssot/processors/` (formats of the seed, Tasks 1.4, 2.1, 2.2)."""

from __future__ import annotations

from dataclasses import dataclass
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
    target_table: str = ""  # defaults to `name`
    schedule: str | None = None
    required: bool = True
    description: str | None = None
    notes: str | None = None

    @model_validator(mode="after")
    def _default_table(self) -> Processor:
        if not self.target_table:
            self.target_table = self.name
        return self


class Orchestration(Strict):
    expected_count: int | None = Field(default=None, ge=0)
    trigger_mode: Literal["all_complete", "any_complete", "quorum"] | None = None
    timeout_minutes: int | None = Field(default=None, ge=0)
    enable_deadline_monitoring: bool | None = None


class PhaseFile(Strict):
    version: str
    phase: int = Field(ge=0)
    phase_name: str
    dataset: str = Field(min_length=1)
    critical_processors: list[Processor] = Field(min_length=1)
    orchestration: Orchestration | None = None


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

    @property
    def label(self) -> str:
        return f"phase {self.phase}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.processors)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(p.target_table for p in self.processors)

    def values(self, field: Literal["name", "target_table"]) -> tuple[str, ...]:
        return self.names if field == "name" else self.tables


@dataclass(frozen=True)
class Ssot:
    root: str  # repo-relative path of the SSOT directory
    lists: tuple[SsotList, ...]
    infrastructure: Infrastructure | None = None  # ssot/infrastructure/, when present

    def by_key(self, key: str) -> SsotList | None:
        return next((s for s in self.lists if s.key == key), None)

    @property
    def datasets(self) -> frozenset[str]:
        return frozenset(s.dataset for s in self.lists)

    def all_names(self) -> frozenset[str]:
        return frozenset(v for s in self.lists for p in s.processors for v in (p.name, p.target_table))
