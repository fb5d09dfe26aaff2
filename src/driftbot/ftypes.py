"""Frozen value types shared by every layer. Imports nothing of driftbot.

Flow: ssot + extract -> bind -> rules -> Finding -> Report -> renderers / fixes.
"""

from __future__ import annotations

import enum
import operator
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")


def _pickled_by_fields(cls: type[_T]) -> type[_T]:
    """Pickle instances of the dataclass `cls` as a call to it with its fields' values.

    The scan's workers send every collection they read to the main process. pickle's default for an
    instance (its `__dict__`, rebuilt key by key) took 6x longer to write, and the copy it reads holds
    a dict per instance: about 90 bytes more per element and per location (55k elements of a
    100k-file repository: ~7 MiB)."""
    values = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __reduce__(self: _T) -> tuple[type[_T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[assignment,method-assign]
    return cls


class Severity(enum.IntEnum):
    """Ordered so that `severity >= fail_on` decides the exit code."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (choose from {choices})") from None


@_pickled_by_fields
@dataclass(frozen=True, order=True)
class Location:
    """A position in a repository file: POSIX path relative to the repo root, 1-based."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@_pickled_by_fields
@dataclass(frozen=True)
class Element:
    """One string literal inside a collection."""

    value: str
    location: Location
    comment: str | None = None  # trailing `# ...` on the element's line, without the '#'


@_pickled_by_fields
@dataclass(frozen=True)
class Collection:
    """A literal collection of strings found in a source file.

    `symbol` is the dotted enclosing path (`Class.attr`, `CONSTANT`, `func.var`, `var[key]`);
    `location` is the opening bracket; `kind` is list/tuple/set/dict (dict: its string keys).
    A list of tuples gives one collection per tuple position, with symbol `NAME[*][i]`.
    """

    path: str
    symbol: str
    kind: Literal["list", "tuple", "set", "dict"]
    location: Location
    elements: tuple[Element, ...]
    end_line: int

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(e.value for e in self.elements)


Confidence = Literal["certain", "likely", "possible"]
CONFIDENCES: tuple[Confidence, ...] = ("certain", "likely", "possible")  # strongest first


@dataclass(frozen=True)
class Binding:
    """A collection tied to one SSOT list. `field` is `name` or `target_table`: which one it copies.

    `complete`: a complete copy of the list (every SSOT name belongs in it), else a reference (each of
    its names must exist, nothing more); `evidence` says why, `confidence` how sure that is.
    """

    collection: Collection
    ssot_list: str  # key of the SSOT list, e.g. "phase2"
    field: Literal["name", "target_table"]
    how: Literal["auto", "explicit", "generated"]
    complete: bool = True
    evidence: tuple[str, ...] = ()
    confidence: Confidence = "certain"


@dataclass(frozen=True)
class Finding:
    """One piece of drift, in the neutral format every renderer and fixer reads."""

    rule: str
    severity: Severity
    location: Location
    message: str
    symbol: str | None = None
    ssot: str | None = None  # repo-relative path of the SSOT file that states the truth
    actual: str | None = None
    expected: str | None = None
    fixable: bool = False
    extra: tuple[tuple[str, str], ...] = field(default=())  # rule-specific, rendered in json as-is
    confidence: Confidence = "likely"  # how sure driftbot is; `possible` counts as info for exit codes
    evidence: tuple[str, ...] = ()  # short reasons, e.g. "7 copies of X.expected_processors"

    @property
    def effective_severity(self) -> Severity:
        """The severity that decides exit codes and the check run: a `possible` finding is info."""
        return Severity.INFO if self.confidence == "possible" else self.severity

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.location.path, self.location.line, self.location.column, self.rule, self.message)


@dataclass(frozen=True)
class Report:
    """The result of an audit. `findings` are sorted by `Finding.sort_key`."""

    findings: tuple[Finding, ...]
    files_scanned: int
    bindings: tuple[Binding, ...] = ()
    phases: tuple[str, ...] = ()  # SSOT list keys in order, for diagrams

    def at_or_above(self, threshold: Severity) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.effective_severity >= threshold)
