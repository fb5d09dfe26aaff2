"""gcloud commands inside Cloud Build configs (`cloudbuild*.yaml`).

Two step shapes carry them: a shell (`entrypoint: bash` with `args: ['-c', SCRIPT]`, or `script:`),
read by `extract.shell.parse_script` with positions mapped back into the YAML file; and the gcloud
builder itself (`entrypoint: gcloud`, or `name: gcr.io/cloud-builders/gcloud` without an
entrypoint), whose `args` are already one word each. Cloud Build substitutions (`$PROJECT_ID`,
`${_ENV}`) are holes; `$$` is Cloud Build's escape for a literal `$`.
"""

from __future__ import annotations

import yaml

from driftbot.extract.limits import MAX_SCRIPT_BYTES
from driftbot.extract.shell import (
    ArrayElement,
    GcloudCommand,
    Mapper,
    Script,
    Value,
    Word,
    command_in_words,
    expand_literal,
    read_script,
)
from driftbot.ftypes import Location

SHELLS = frozenset({"bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/env"})


class CloudBuildError(ValueError):
    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column = line, column


def parse_cloudbuild(text: str, path: str) -> list[GcloudCommand]:
    return list(read_cloudbuild(text, path).commands)


def read_cloudbuild(text: str, path: str) -> Script:
    """The gcloud commands of every step, and the array elements of its shell scripts."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise CloudBuildError(1, 1, "invalid YAML: too deeply nested") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise CloudBuildError(mark.line + 1 if mark else 1, mark.column + 1 if mark else 1, "invalid YAML") from None
    except yaml.YAMLError:
        raise CloudBuildError(1, 1, "invalid YAML") from None
    steps = _get(root, "steps")
    if not isinstance(steps, yaml.SequenceNode):
        return Script((), ())
    out: list[GcloudCommand] = []
    elements: list[ArrayElement] = []
    lines = text.splitlines()  # once: block scalars of every step map into it
    work = 0
    for step in steps.value:
        work += _size(step)
        if work > MAX_SCRIPT_BYTES:  # an anchor used many times (`- *step`) is counted at each use
            where = step.start_mark
            message = (
                f"steps expand to more than the {MAX_SCRIPT_BYTES:,}-character limit (an anchor counts at each use)"
            )
            raise CloudBuildError(where.line + 1, where.column + 1, message)
        commands, found = _step(step, lines, path)
        out.extend(commands)
        elements.extend(found)
    return Script(tuple(out), tuple(elements))


def _size(step: yaml.Node) -> int:
    """Characters of the step's script and args: what `_step` reads."""
    script, args = _get(step, "script"), _get(step, "args")
    size = len(script.value) if isinstance(script, yaml.ScalarNode) else 0
    if isinstance(args, yaml.SequenceNode):
        size += sum(len(a.value) + 1 for a in args.value if isinstance(a, yaml.ScalarNode))
    return size + 1


def _step(step: yaml.Node, lines: list[str], path: str) -> tuple[list[GcloudCommand], list[ArrayElement]]:
    entrypoint, image = _scalar(_get(step, "entrypoint")), _scalar(_get(step, "name")) or ""
    script, args = _get(step, "script"), _get(step, "args")
    out: list[GcloudCommand] = []
    elements: list[ArrayElement] = []

    def shell(node: yaml.ScalarNode) -> None:
        found = read_script(node.value, path, _mapper(node, lines), dollar_dollar=True)
        out.extend(found.commands)
        elements.extend(found.elements)

    if isinstance(script, yaml.ScalarNode):
        shell(script)
    if not isinstance(args, yaml.SequenceNode):
        return out, elements
    items = [a for a in args.value if isinstance(a, yaml.ScalarNode)]
    if entrypoint in SHELLS:
        flag = next((k for k, a in enumerate(items) if a.value.startswith("-") and "c" in a.value), None)
        if flag is not None and flag + 1 < len(items):
            shell(items[flag + 1])
    elif entrypoint == "gcloud" or (entrypoint is None and image.split(":")[0].endswith(("/gcloud", "/cloud-sdk"))):
        first = items[0] if items else args
        at = Location(path, first.start_mark.line + 1, first.start_mark.column + 1)
        words = [Word(Value(("gcloud",)), at, "gcloud")]
        for a in items:
            loc = Location(path, a.start_mark.line + 1, a.start_mark.column + 1)
            words.append(Word(expand_literal(a.value, dollar_dollar=True), loc, a.value))
        command = command_in_words(words)
        if command is not None:
            out.append(command)
    return out, elements


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _mapper(node: yaml.ScalarNode, lines: list[str]) -> Mapper:
    """Map a position inside the scalar's value to the YAML file (`lines`: the file's lines)."""
    line0, col0 = node.start_mark.line, node.start_mark.column
    if node.style in ("|", ">"):
        after = (lines[k] for k in range(line0 + 1, len(lines)))  # no slice: that copies the rest per step
        indent = next((len(s) - len(s.lstrip(" ")) for s in after if s.strip()), 0)
        return lambda line, col: (line0 + 2 + line, indent + col + 1)
    shift = 1 if node.style in ("'", '"') else 0
    return lambda line, col: (line0 + 1 + line, col0 + shift + col + 1 if line == 0 else col + 1)
