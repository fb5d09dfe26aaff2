"""Topics, service URLs and scheduler job definitions written outside gcloud commands.

Where they live in a real platform: Python string constants (`PHASE4_TOPIC = '...'`), defaults of
`os.environ.get('X_TOPIC', '...')` / `os.getenv`, keyword arguments (`topic=`, `topic_name=`),
`publisher.topic_path(project, '...')`, dict entries (`'topic': '...'`), the URL an HTTP call is given
(`requests.post('https://...')`, `session.get(...)`); YAML values under a `topic`
key and scheduler job definitions (a mapping with `name` and `schedule`, or keyed by the job's name,
in any document of a multi-document file); and bash arrays `["job"]="cron|TZ|target"`.
Only literal text is kept for topics and URLs: an f-string or a `$VAR` is not a name. A job's name may be
a template (`["job-${ENV}"]`, `f'job-{env}'`, `name: job-${ENV}` in YAML): its holes are kept, and the
rule matches it to an SSOT job only when exactly one fits. Each reference says how it was
found (its evidence). Test files hold fixtures, not configuration: they are not read.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from driftbot.extract.plan import Screen, wants_written
from driftbot.extract.python_tree import ParseFailure, char_column, checked_nodes, cpython_parse
from driftbot.extract.shell import ArrayElement, Hole, Value, Word
from driftbot.ftypes import Location

MAX_YAML_NODES = 100_000  # nodes visited per file: an alias is visited at each use, so this bounds them
_TOPIC_KEY = re.compile(r"(?i)topic")
_URL_KEY = re.compile(r"(?i)(url|endpoint|uri)$")
_NOT_TOPIC_KEY = re.compile(r"(?i)subscription|_sub$|prefix|suffix|pattern|regex|template")
_ENV_GETTERS = ("environ.get", "getenv", "environ.setdefault")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.~+%-]{2,254}$")
_ZONE = re.compile(r"^(?:[A-Za-z_]+(?:/[A-Za-z0-9_+-]+)+|UTC|GMT|Z)$")
_JOB_KEYS = ("name", "job_name", "jobName", "job", "id")
_ZONE_KEYS = ("time_zone", "timeZone", "timezone", "tz", "time-zone")
_TARGET_KEYS = ("uri", "url", "target", "endpoint")
_HTTP_CALLS = frozenset({"get", "post", "put", "patch", "delete", "head", "request", "urlopen"})


@dataclass(frozen=True)
class Ref:
    kind: str  # "topic" | "url"
    value: str
    location: Location  # of the name itself when `exact`, else of the literal (its opening quote)
    how: str  # evidence: where and how it was found
    exact: bool = False  # the source holds `value` verbatim at `location`: a rename can replace it there


@dataclass(frozen=True)
class JobRecord:
    """A scheduler job as a file defines it: its name and the fields it states."""

    name: Word
    schedule: Word | None
    time_zone: Word | None
    target: Word | None
    how: str


@dataclass(frozen=True)
class Written:
    """What one file writes: topic and URL references, and job definitions."""

    refs: tuple[Ref, ...]
    records: tuple[JobRecord, ...]


@dataclass(frozen=True)
class WrittenReader:
    """The scan's reader (`extract.scan.FileReader`) of topics, URLs and job definitions in Python and YAML.

    Not the SSOT's own files (under `ssot_dir`), not tests', not Cloud Build configs (deploy scripts,
    read with the gcloud commands); only a file holding one of `needles` (the caller's: what any value
    it checks must contain) or `.run.app`.
    """

    ssot_dir: str  # with a trailing "/"
    needles: tuple[bytes, ...]
    suffixes: tuple[str, ...] = (".py", ".yaml", ".yml")
    weight: int = 2

    def wants(self, path: str, data: bytes) -> bool:
        return wants_written(self.ssot_dir, self.needles, path, data)

    def screen(self) -> Screen:
        return Screen("written", self.suffixes, self.needles, self.ssot_dir)

    def read(self, path: str, data: bytes) -> Written | None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None  # the Python scan reports unreadable Python files; YAML is not ours to report
        refs, jobs = python_refs(path, text) if path.endswith(".py") else yaml_refs(path, text)
        return Written(tuple(refs), tuple(jobs))

    def prepare(self) -> None:
        pass


# ---- Python


def python_refs(path: str, text: str) -> tuple[list[Ref], list[JobRecord]]:
    """Topics and URLs, and job definitions: a dict or a call with `name` and `schedule` (`scheduler_v1.Job`)."""
    try:
        body = cpython_parse(path, text)
        return ([], []) if body is None else _python_refs(path, text, body)
    except ParseFailure:
        return [], []  # the Python scan reports it


def _python_refs(path: str, text: str, body: list[ast.stmt]) -> tuple[list[Ref], list[JobRecord]]:
    lines = text.splitlines()
    out: list[Ref] = []
    jobs: list[JobRecord] = []

    def column(node: ast.expr) -> int:
        """The node's 1-based column in characters (CPython gives UTF-8 bytes)."""
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        return char_column(line, node.col_offset) + 1

    def literal(node: ast.expr | None) -> tuple[str, Location, bool] | None:
        """A one-line string constant: its value, where (the name itself when `exact`), and `exact`."""
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return None
        line = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
        col = column(node) - 1
        quote = line[col : col + 1]
        exact = quote in ("'", '"') and line[col + 1 : col + 2 + len(node.value)] == node.value + quote
        exact = exact and "\\" not in node.value and node.end_lineno == node.lineno
        return node.value, Location(path, node.lineno, col + 1 + exact), exact

    def word(found: tuple[str, Location, bool] | None, text: str | None = None) -> Word | None:
        return None if found is None else Word(Value((text or found[0],)), found[1], found[0])

    def add(key: str, node: ast.expr, how: str) -> None:
        found = literal(node)
        if found is None:
            return
        if _TOPIC_KEY.search(key) and not _NOT_TOPIC_KEY.search(key):
            kind = "topic"
        elif _URL_KEY.search(key):
            kind = "url"
        else:
            return
        out.append(Ref(kind, found[0], found[1], how, found[2]))

    def job(fields: dict[str, ast.expr], how: str) -> None:
        key = next((k for k in _JOB_KEYS if k in fields), None)
        schedule = literal(fields.get("schedule"))
        if key is None or schedule is None:
            return
        found = literal(fields[key])
        template = _fstring(fields[key]) if found is None else None
        if found is not None:
            named = Word(Value((found[0].rsplit("/", 1)[-1],)), found[1], found[0])
        elif template is not None:  # f'job-{env}': the rule matches it to the one SSOT job it fits
            named = Word(template, Location(path, fields[key].lineno, column(fields[key])), template.shown)
        else:
            return
        zone = next((literal(fields[k]) for k in _ZONE_KEYS if k in fields), None)
        target = next((literal(fields[k]) for k in _TARGET_KEYS if k in fields), None)
        jobs.append(JobRecord(named, word(schedule), word(zone), word(target), f"{how} in {path}"))

    for node in checked_nodes(path, body):  # one walk: the size limits and the references (ast.walk's order)
        if isinstance(node, ast.Call):
            func = _dotted(node.func)
            first = node.args[0] if node.args else None
            if func.endswith(_ENV_GETTERS) and len(node.args) >= 2 and isinstance(first, ast.Constant):
                key = str(first.value)
                add(key, node.args[1], f"default of {func}({key!r})")
            if func.endswith("topic_path") and len(node.args) >= 2:
                add("topic", node.args[1], f"argument of {func}()")
            if func.rpartition(".")[2] in _HTTP_CALLS and "." in func and first is not None and _is_url(first):
                add("url", first, f"argument of {func}()")  # requests.post('https://...'), session.get(...)
            for kw in node.keywords:
                if kw.arg is not None:
                    add(kw.arg, kw.value, f"{kw.arg}= argument of {func or 'a call'}()")
            job({kw.arg: kw.value for kw in node.keywords if kw.arg}, f"{func or 'a call'}(name=..., schedule=...)")
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", None)
                if isinstance(name, str) and node.value is not None:
                    add(name, node.value, f"constant {name}")
        elif isinstance(node, ast.Dict):
            entries: dict[str, ast.expr] = {}
            for entry, value in zip(node.keys, node.values, strict=True):
                if isinstance(entry, ast.Constant) and isinstance(entry.value, str):
                    add(entry.value, value, f"dict entry {entry.value!r}")
                    entries[entry.value] = value
            job(entries, "a dict with 'name' and 'schedule'")
        elif isinstance(node, ast.arguments):
            positional = [*node.posonlyargs, *node.args]
            for arg, default in zip(positional[len(positional) - len(node.defaults) :], node.defaults, strict=True):
                add(arg.arg, default, f"default of parameter {arg.arg}")
            for arg, kw_default in zip(node.kwonlyargs, node.kw_defaults, strict=True):
                if kw_default is not None:
                    add(arg.arg, kw_default, f"default of parameter {arg.arg}")
    return out, jobs


def _is_url(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith(_SCHEMES)


_SCHEMES = ("https://", "http://")


def _fstring(node: ast.expr) -> Value | None:
    """An f-string job name (`f'nba-odds-{env}'`) as a template: its text with a hole per `{...}`; the part
    after the last `/` of a `projects/.../jobs/NAME` path."""
    if not isinstance(node, ast.JoinedStr):
        return None
    parts: list[str | Hole] = []
    for piece in node.values:
        if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
            if "/" in piece.value:
                parts = [piece.value.rsplit("/", 1)[-1]]
            else:
                parts.append(piece.value)
        elif isinstance(piece, ast.FormattedValue):
            parts.append(Hole("{" + ast.unparse(piece.value) + "}"))
        else:
            return None
    return Value(tuple(p for p in parts if p != ""))


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else node.attr
    return ""


# ---- YAML


def yaml_refs(path: str, text: str) -> tuple[list[Ref], list[JobRecord]]:
    refs: list[Ref] = []
    jobs: list[JobRecord] = []
    try:
        for number, doc in enumerate(yaml.compose_all(text, Loader=yaml.SafeLoader), start=1):
            where = f"YAML document {number}" if number > 1 or "\n---" in text else "YAML"
            for mapping, parent_key in _mappings(doc):
                _yaml_mapping(path, mapping, parent_key, where, refs, jobs)
    except (yaml.YAMLError, RecursionError, _TooLarge):
        pass  # what was read before stays; an unreadable file is not infrastructure's business
    return refs, jobs


class _TooLarge(Exception):
    pass


def _mappings(root: yaml.Node | None) -> Iterator[tuple[yaml.MappingNode, str | None]]:
    stack: list[tuple[yaml.Node | None, str | None]] = [(root, None)]
    seen = 0
    while stack:
        node, key = stack.pop()
        seen += 1
        if seen > MAX_YAML_NODES:
            raise _TooLarge
        if isinstance(node, yaml.MappingNode):
            yield node, key
            stack.extend((v, k.value if isinstance(k, yaml.ScalarNode) else None) for k, v in reversed(node.value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((v, None) for v in reversed(node.value))


def _yaml_mapping(
    path: str, node: yaml.MappingNode, parent_key: str | None, where: str, refs: list[Ref], jobs: list[JobRecord]
) -> None:
    fields: dict[str, yaml.ScalarNode] = {}
    for k, v in node.value:
        if not (isinstance(k, yaml.ScalarNode) and isinstance(v, yaml.ScalarNode) and isinstance(v.value, str)):
            continue
        fields[k.value] = v
        if not v.tag.endswith(":str") or (not _NAME.match(topic_name(v.value)) and not _URL_KEY.search(k.value)):
            continue
        if _TOPIC_KEY.search(k.value) and not _NOT_TOPIC_KEY.search(k.value):
            refs.append(_scalar_ref("topic", path, v, f"{where}, key {k.value!r}"))
        elif _URL_KEY.search(k.value):
            refs.append(_scalar_ref("url", path, v, f"{where}, key {k.value!r}"))
    schedule = fields.get("schedule")
    if schedule is None:
        return
    name_node = next((fields[k] for k in _JOB_KEYS if k in fields), None)
    if name_node is not None:
        name = _name_word(path, name_node, name_node.value.rsplit("/", 1)[-1])  # projects/p/locations/l/jobs/NAME
    elif parent_key is not None:
        name = Word(Value((parent_key,)), _at(path, node), parent_key)
    else:
        return
    zone = next((fields[k] for k in _ZONE_KEYS if k in fields), None)
    target = next((fields[k] for k in _TARGET_KEYS if k in fields), None)
    jobs.append(
        JobRecord(
            name,
            _word(path, schedule, schedule.value),
            _word(path, zone, zone.value) if zone is not None else None,
            _word(path, target, target.value) if target is not None else None,
            f"{where} of {path}",
        )
    )


def _scalar_ref(kind: str, path: str, node: yaml.ScalarNode, how: str) -> Ref:
    """A plain or quoted one-line scalar without escapes is exact: the value starts after the quote."""
    at = _at(path, node)
    source_len = node.end_mark.index - node.start_mark.index
    quoted = node.style in ("'", '"')
    exact = node.style in (None, "'", '"') and source_len == len(node.value) + 2 * quoted
    exact = exact and node.start_mark.line == node.end_mark.line
    if exact and quoted:
        at = Location(path, at.line, at.column + 1)
    return Ref(kind, node.value, at, how, exact)


def _at(path: str, node: yaml.Node) -> Location:
    return Location(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _word(path: str, node: yaml.ScalarNode, value: str) -> Word:
    return Word(Value((value,)), _at(path, node), value)


_YAML_HOLE = re.compile(r"\$\{[^}]*\}|\$[A-Za-z_]\w*|\{\{[^}]*\}\}")


def _name_word(path: str, node: yaml.ScalarNode, value: str) -> Word:
    """A job name; `${ENV}`, `$ENV` and `{{ env }}` in it are holes (envsubst and Jinja templates)."""
    parts: list[str | Hole] = []
    pos = 0
    for m in _YAML_HOLE.finditer(value):
        parts.extend([value[pos : m.start()], Hole(m.group())])
        pos = m.end()
    parts.append(value[pos:])
    return Word(Value(tuple(p for p in parts if p != "")), _at(path, node), value)


# ---- bash arrays


def array_records(elements: tuple[ArrayElement, ...] | list[ArrayElement]) -> list[JobRecord]:
    """`["job"]="cron|TZ|target"` (fields in any order, separated by `|`; a lone cron counts too)."""
    out: list[JobRecord] = []
    for element in elements:
        text = element.value.value.text
        if text is None:
            continue  # a key with holes (`["job-${ENV}"]`) is a template: the rule matches it to one SSOT job
        schedule = zone = target = None
        for piece, offset in _fields(text):
            stripped = piece.strip()
            if schedule is None and len(stripped.split()) == 5:
                schedule = _piece(element.value, stripped, offset + piece.find(stripped))
            elif zone is None and _ZONE.match(stripped):
                zone = _piece(element.value, stripped, offset + piece.find(stripped))
            elif target is None and stripped.startswith(_SCHEMES):
                target = _piece(element.value, stripped, offset + piece.find(stripped))
        if schedule is not None:
            how = f"bash array {element.array}[{element.key.value.shown}]"
            out.append(JobRecord(element.key, schedule, zone, target, how))
    return out


def _fields(text: str) -> Iterator[tuple[str, int]]:
    offset = 0
    for piece in text.split("|"):
        yield piece, offset
        offset += len(piece) + 1


def _piece(word: Word, text: str, offset: int) -> Word:
    """The part of `word` at character `offset` of its value; placed exactly when the source shows it plainly."""
    raw = word.raw
    quoted = raw[:1] in ("'", '"') and raw[-1:] == raw[:1]
    inner = raw[1:-1] if quoted else raw
    where = word.location
    if "\n" not in inner and inner == word.value.text:
        where = Location(where.path, where.line, where.column + offset + (1 if quoted else 0))
    return Word(Value((text,)), where, text)


def topic_name(value: str) -> str:
    """`projects/P/topics/NAME` -> NAME."""
    return posixpath.basename(value) if value.startswith("projects/") and "/topics/" in value else value
