"""Load YAML safely, keep the line/column of every node, and validate it with pydantic.

Used for every YAML file driftbot reads (SSOT, `.driftbot.yml`, ignore files), so every error has
one shape: `path:line:col: message`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from driftbot import repofs

MAX_NODES = 100_000  # guards against alias bombs ("billion laughs")
MAX_BYTES = 5_000_000
MAX_DEPTH = 100  # nesting levels; deeper documents are refused before they exhaust the stack

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


def read_text(path: Path, display_path: str, max_bytes: int | None = MAX_BYTES, *, root: Path | None = None) -> str:
    """Read a UTF-8 file, or fail with a `file:line:col` problem naming the first bad byte.

    `root`: the repository that named the file; the path policy (`repofs`) confines the read to it.
    Without it the path came from the user (a CLI argument): only a regular file is read.
    """
    cap = max_bytes if max_bytes is not None else sys.maxsize
    try:
        if root is not None:
            raw = repofs.read_bytes(root, path, max_bytes=cap, shown=display_path)
        else:
            raw = repofs.read_regular(path, display_path, max_bytes=cap)
    except repofs.Refused as exc:
        raise YamlProblems([Problem(display_path, 1, 1, exc.reason)]) from None
    except OSError as exc:  # e.g. the file is missing
        raise YamlProblems([Problem(display_path, 1, 1, f"cannot read file: {exc.strerror}")]) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblems(
            [Problem(display_path, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})")]
        ) from None


def load(path: Path, display_path: str, *, root: Path | None = None) -> Positioned:
    return loads(read_text(path, display_path, root=root), display_path)


def loads(text: str, display_path: str) -> Positioned:
    deep = _flow_too_deep(text, display_path)
    if deep is not None:  # before PyYAML, whose scanner is quadratic in flow nesting (7 s for 5,000 `[`)
        raise YamlProblems([deep])
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:  # the composer recurses per level; find where the nesting goes too deep
        raise YamlProblems([_too_deep(text, display_path)]) from None
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
    if len(key) > MAX_DEPTH:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        raise YamlProblems([Problem(display_path, line, col, f"document nests deeper than {MAX_DEPTH} levels")])
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
    try:
        return yaml.constructor.SafeConstructor().construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:  # e.g. the date 2027-02-30
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        value = node.value if isinstance(node.value, str) and len(node.value) <= 40 else "value"
        reason = " ".join(str(exc).split()) if not isinstance(exc, yaml.YAMLError) else "cannot be read"
        message = f"invalid {_tag_name(node.tag)} {value!r}: {reason}"
        raise YamlProblems([Problem(display_path, line, col, message)]) from None


def _tag_name(tag: str) -> str:
    name = tag.rsplit(":", 1)[-1]
    return "date" if name == "timestamp" else name


_FLOW_TOKEN = re.compile(r""""(?:[^"\\]|\\.)*"|'[^']*'|(?<!\S)#[^\n]*|[\[\]{}]""")


def _flow_too_deep(text: str, display_path: str) -> Problem | None:
    """Where `[`/`{` nest deeper than MAX_DEPTH (quoted strings and comments skipped), in linear time."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for m in _FLOW_TOKEN.finditer(text):
        token = m.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                line_start = text.rfind("\n", 0, m.start()) + 1
                line = text.count("\n", 0, m.start()) + 1
                message = f"document nests deeper than {MAX_DEPTH} levels"
                return Problem(display_path, line, m.start() - line_start + 1, message)
        elif token in ("]", "}"):
            depth = max(0, depth - 1)
    return None


def _too_deep(text: str, display_path: str) -> Problem:
    """Where the document first nests deeper than MAX_DEPTH, found with the (iterative) event parser."""
    depth = 0
    message = f"document nests deeper than {MAX_DEPTH} levels"
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                mark = event.start_mark
                if depth > MAX_DEPTH and mark is not None:
                    return Problem(display_path, mark.line + 1, mark.column + 1, message)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return Problem(display_path, 1, 1, message)


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
