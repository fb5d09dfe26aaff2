"""Load YAML safely, keep the line/column of every node, and validate it with pydantic.

Used for every YAML file driftbot reads (SSOT, `.driftbot.yml`, ignore files), so every error has
one shape: `path:line:col: message`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

MAX_NODES = 100_000  # guards against alias bombs ("billion laughs")
MAX_BYTES = 5_000_000

Key = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file; `str()` is the documented `file:line:col: message` form."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Positioned:
    """Plain data (dict/list/scalars) plus the 1-based (line, col) of every key path."""

    data: Any
    positions: dict[Key, tuple[int, int]]  # where each value starts
    display_path: str
    key_positions: dict[Key, tuple[int, int]] = field(default_factory=dict)  # where each mapping key starts

    def where(self, key: Key) -> tuple[int, int]:
        """Position of `key`, or of its nearest ancestor that has one."""
        for end in range(len(key), -1, -1):
            if key[:end] in self.positions:
                return self.positions[key[:end]]
        return (1, 1)

    def problem(self, key: Key, message: str, *, at_key: bool = False) -> Problem:
        line, col = self.key_positions[key] if at_key and key in self.key_positions else self.where(key)
        return Problem(self.display_path, line, col, message)


def read_text(path: Path, display_path: str, max_bytes: int | None = MAX_BYTES) -> str:
    """Read a UTF-8 file, or fail with a `file:line:col` problem naming the first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblems([Problem(display_path, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise YamlProblems([Problem(display_path, 1, 1, f"file is larger than {max_bytes} bytes")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblems(
            [Problem(display_path, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


def load(path: Path, display_path: str) -> Positioned:
    return loads(read_text(path, display_path), display_path)


def loads(text: str, display_path: str) -> Positioned:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "invalid YAML"
        raise YamlProblems([Problem(display_path, line, col, f"invalid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line, col = before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        reason = f"invalid YAML: character U+{code:04X} is not allowed"
        raise YamlProblems([Problem(display_path, line, col, reason)]) from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise YamlProblems([Problem(display_path, 1, 1, f"invalid YAML: {reason}")]) from None
    positions: dict[Key, tuple[int, int]] = {}
    key_positions: dict[Key, tuple[int, int]] = {}
    if root is None:
        return Positioned(None, positions, display_path)
    budget = [MAX_NODES]
    data = _convert(root, (), positions, key_positions, budget, display_path)
    return Positioned(data, positions, display_path, key_positions)


def _convert(
    node: yaml.Node,
    key: Key,
    positions: dict[Key, tuple[int, int]],
    key_positions: dict[Key, tuple[int, int]],
    budget: list[int],
    display_path: str,
) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        raise YamlProblems(
            [Problem(display_path, line, col, f"document expands to more than {MAX_NODES} nodes (alias bomb?)")]
        )
    positions[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for knode, vnode in node.value:
            k = _convert(knode, (*key, "<key>"), {}, {}, budget, display_path)
            if not isinstance(k, str | int | float | bool):
                line, col = knode.start_mark.line + 1, knode.start_mark.column + 1
                raise YamlProblems([Problem(display_path, line, col, "mapping keys must be scalars")])
            if k in out:
                line, col = knode.start_mark.line + 1, knode.start_mark.column + 1
                raise YamlProblems([Problem(display_path, line, col, f"duplicate key {k!r}")])
            sub = (*key, k if isinstance(k, str | int) else str(k))
            key_positions[sub] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[k] = _convert(vnode, sub, positions, key_positions, budget, display_path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(v, (*key, i), positions, key_positions, budget, display_path) for i, v in enumerate(node.value)
        ]
    return yaml.constructor.SafeConstructor().construct_object(node)


def validate(model: type[M], doc: Positioned) -> M:
    """Validate `doc` against a pydantic model; every error becomes a positioned Problem."""
    try:
        return model.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            where = ".".join(str(p) for p in loc) or "document"
            if err["type"] == "extra_forbidden":
                problems.append(doc.problem(loc, f"unknown key {loc[-1]!r}", at_key=True))
            else:
                problems.append(doc.problem(loc, f"{where}: {err['msg']}"))
        raise YamlProblems(problems) from None
