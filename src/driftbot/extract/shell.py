"""Find the `gcloud` commands of deploy scripts, statically. A script is never executed.

`extract.shell_tree` reads a script with tree-sitter-bash into assignments and simple commands with
positioned words; here they are expanded and the gcloud commands picked out with their flags.
Assignments that surely run (`VAR=...`, `export VAR=...` at the top level) are tracked in order;
`$VAR`, `${VAR}` and `${VAR:-default}` expand from them. Whatever cannot be known statically
(caller's environment, positional parameters, command substitutions, `${N//_/-}`, assignments inside
`if`/`case`/loops/functions or after `&&`) becomes a `Hole`, which matches any text.
`$(gcloud run services describe NAME ...)` becomes a hole that remembers it is the URL of Cloud Run
service NAME. Elements of arrays (`declare -A JOBS=(["job"]="0 7 * * *|UTC|...")`) are kept too.
"""

from __future__ import annotations

import re
import shlex
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from driftbot.extract.limits import MAX_VALUE_CHARS, MAX_VALUE_PARTS
from driftbot.extract.shell_tree import Assign, Expansion, Loop, RawWord, Run, read
from driftbot.ftypes import Location

Mapper = Callable[[int, int], tuple[int, int]]  # 0-based (line, col) in the script -> 1-based in the file


@dataclass(frozen=True)
class Hole:
    """Text the script only knows at run time."""

    label: str  # as written, e.g. "${ENVIRONMENT}"
    service: str | None = None  # the hole is the URL of this Cloud Run service


@dataclass(frozen=True)
class Value:
    """A shell word after static expansion: literal text with holes."""

    parts: tuple[str | Hole, ...]

    @cached_property
    def text(self) -> str | None:
        """The value, or None when part of it is unknown."""
        if any(isinstance(p, Hole) for p in self.parts):
            return None
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def shown(self) -> str:
        return "".join(p if isinstance(p, str) else p.label for p in self.parts)

    def matches(self, candidate: str) -> bool:
        """Whether some text for the holes gives `candidate`. Linear: no regex, no backtracking."""
        segments = [""]  # the literal text before, between and after the holes
        for p in self.parts:
            if isinstance(p, str):
                segments[-1] += p
            else:
                segments.append("")
        if len(segments) == 1:
            return candidate == segments[0]
        head, *middle, tail = segments
        end = len(candidate) - len(tail)
        if end < len(head) or not candidate.startswith(head) or not candidate.endswith(tail):
            return False
        pos = len(head)
        for segment in middle:  # the leftmost place of each segment leaves the most room for the rest
            found = candidate.find(segment, pos, end)
            if found < 0:
                return False
            pos = found + len(segment)
        return True

    def drop_prefix(self, count: int) -> Value:
        first = self.parts[0] if self.parts else ""
        assert isinstance(first, str), "only a literal prefix can be dropped"
        rest = (first[count:], *self.parts[1:]) if first[count:] else self.parts[1:]
        return Value(tuple(rest))


@dataclass(frozen=True)
class Word:
    value: Value
    location: Location
    raw: str  # source text


@dataclass(frozen=True)
class Flag:
    name: str  # without the leading dashes
    value: Word | None  # None for a switch such as --quiet
    location: Location  # of the `--flag` itself


@dataclass(frozen=True)
class GcloudCommand:
    """`gcloud <group> <verb> [kind] NAME --flags`: one of the commands driftbot checks."""

    group: str  # "scheduler jobs" | "pubsub topics" | "pubsub subscriptions" | "run"
    verb: str  # create | update | deploy
    kind: str | None  # scheduler target: http | pubsub | app-engine
    names: tuple[Word, ...]  # positional arguments (topics create takes several)
    flags: tuple[Flag, ...]
    location: Location  # of the word `gcloud`

    def flag(self, name: str) -> Flag | None:
        """The last occurrence wins, as in gcloud."""
        return next((f for f in reversed(self.flags) if f.name == name), None)

    @property
    def name(self) -> Word | None:
        return self.names[0] if self.names else None


# ---------------------------------------------------------------- expansion

Env = dict[str, Value]
# Commands that run the command after them; value: their options that take an argument.
_WRAPPERS: Mapping[str, frozenset[str]] = {
    "sudo": frozenset({"-u", "-g", "-p", "-C", "-D", "-h", "-r", "-t", "-T", "-U"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "time": frozenset({"-f", "-o"}),
    "exec": frozenset({"-a"}),
    "command": frozenset(),
    "nohup": frozenset(),
}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expand(word: RawWord, env: Env, depth: int = 0) -> Value:
    """The word's value; unknown (one hole) when it would exceed MAX_VALUE_CHARS or MAX_VALUE_PARTS.

    The cap keeps `A="$A$A"` repeated from doubling a value forty times.
    """
    merged: list[str | Hole] = []
    chars = 0
    for part in word.parts:
        for p in [part] if isinstance(part, str) else _expand_one(part, env, depth).parts:
            chars += len(p) if isinstance(p, str) else 0
            if chars > MAX_VALUE_CHARS or len(merged) >= MAX_VALUE_PARTS:
                return Value((Hole(_short(word.raw)),))
            if isinstance(p, str) and merged and isinstance(merged[-1], str):
                merged[-1] += p
            elif p != "":
                merged.append(p)
    return Value(tuple(merged))


def _short(raw: str) -> str:
    return raw if len(raw) <= 60 else raw[:60] + "..."


def _expand_one(exp: Expansion, env: Env, depth: int) -> Value:
    if exp.kind == "subst":
        inner = exp.label[2:-1] if exp.label.startswith("$(") else exp.label[1:-1]
        shown = " ".join(inner.replace("\\\n", " ").split())
        label = f"$({shown[:60]}...)" if len(shown) > 60 else f"$({shown})"
        return Value((Hole(label, _described_service(exp.command, env, depth)),))
    label = _short(exp.label)
    if exp.kind != "param" or not _NAME.fullmatch(exp.name):
        return Value((Hole(label),))
    known = env.get(exp.name)
    fallback = Value((Hole(label),))
    if known is not None and len(known.parts) == 1 and isinstance(known.parts[0], Hole):
        # Show the variable, not what it was assigned from; keep what is known about it.
        known = Value((Hole(label, known.parts[0].service),))
    default = RawWord(exp.arg, 0, 0, exp.label)
    if exp.op in (":-", "-", ":=", "="):
        if known is None:
            return _expand(default, env, depth + 1) if depth < 5 else fallback
        if known.text == "" and exp.op.startswith(":"):
            return _expand(default, env, depth + 1) if depth < 5 else fallback
        return known if known.text is not None else fallback
    if exp.op in (":+", "+"):
        return fallback if known is None or known.text is None or depth >= 5 else _expand(default, env, depth + 1)
    return known if known is not None and exp.op in ("", ":?", "?") else fallback


def _described_service(command: list[RawWord], env: Env, depth: int) -> str | None:
    """NAME when the substitution is `gcloud run services describe NAME ...`."""
    if depth > 3:
        return None
    texts = [_expand(w, env, depth + 1).text for w in command[:MAX_DESCRIBE_WORDS]]
    if texts[:4] == ["gcloud", "run", "services", "describe"] and len(texts) > 4:
        return next((t for t in texts[4:] if t and not t.startswith("-")), None)
    return None


MAX_DESCRIBE_WORDS = 64


# ---------------------------------------------------------------- commands

_SWITCHES = frozenset(
    {
        "quiet",
        "async",
        "allow-unauthenticated",
        "enable-message-ordering",
        "enable-exactly-once-delivery",
        "push-no-wrapper",
        "push-no-wrapper-write-metadata",
        "use-http2",
        "cpu-boost",
        "help",
        "log-http",  # global flags
        "user-output-enabled",
    }
)
_COMMANDS: Mapping[tuple[str, ...], tuple[str, int]] = {
    ("scheduler", "jobs", "create"): ("scheduler jobs", 1),
    ("scheduler", "jobs", "update"): ("scheduler jobs", 1),
    ("pubsub", "topics", "create"): ("pubsub topics", 0),
    ("pubsub", "subscriptions", "create"): ("pubsub subscriptions", 0),
    ("pubsub", "subscriptions", "update"): ("pubsub subscriptions", 0),
    ("run", "deploy"): ("run", 0),
}


_SHORT_SWITCHES = {"q": "quiet", "h": "help"}
# `${...}` is bounded so that many unclosed `${` cannot make the search quadratic.
_LITERAL_PIECE = re.compile(r"\$\$|\$\{[^}]{0,256}\}|\$[A-Za-z_][A-Za-z0-9_]*|[^$]+|\$")
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


def _is_switch(name: str) -> bool:
    return name in _SWITCHES or name.startswith(("no-", "clear-"))


def _is_dashed(word: Word) -> bool:
    """A word that starts with `-` is a flag or switch, never a name (`-q` too)."""
    first = word.value.parts[0] if word.value.parts else ""
    return isinstance(first, str) and first.startswith("-") and first != "-"


def _command_word(words: list[Word]) -> int | None:
    """Index of the word the shell runs: after `VAR=x` prefixes and wrappers such as `sudo -E`."""
    k, wrapper = 0, None
    while k < len(words):
        raw = words[k].raw
        if _ASSIGNMENT.match(raw) or (wrapper is not None and raw.startswith("-")):
            k += 2 if wrapper is not None and raw in _WRAPPERS[wrapper] else 1
        elif raw in _WRAPPERS:
            wrapper, k = raw, k + 1
        else:
            return k
    return None


def _command(words: list[Word]) -> GcloudCommand | None:
    start = _command_word(words)
    text = words[start].value.text if start is not None else None
    if start is None or not text or not (text == "gcloud" or text.endswith("/gcloud")):
        return None
    rest = words[start + 1 :]
    global_flags: list[Flag] = []
    while rest and (rest[0].value.text in ("beta", "alpha") or _is_dashed(rest[0])):
        if rest[0].value.text in ("beta", "alpha"):
            rest = rest[1:]
            continue
        flag, used = _flag(rest, 0)  # gcloud's global flags (`--project p`, `--quiet`) may come first
        global_flags.append(flag)
        rest = rest[used:]
    path = tuple(w.value.text or "" for w in rest[:3])
    for prefix, (group, has_kind) in _COMMANDS.items():
        if path[: len(prefix)] == prefix:
            args = rest[len(prefix) :]
            kind = args[0].value.text if has_kind and args else None
            names, flags = _arguments(args[has_kind:])
            return GcloudCommand(group, prefix[-1], kind, names, (*global_flags, *flags), words[start].location)
    return None


def _flag(args: list[Word], k: int) -> tuple[Flag, int]:
    """The flag written at `args[k]` (which starts with `-`) and how many words it takes."""
    word = args[k]
    text = word.value.parts[0]
    assert isinstance(text, str), "only a word with a literal dash is a flag"
    if not text.startswith("--"):
        name = text[1:]
        return Flag(_SHORT_SWITCHES.get(name, name), None, word.location), 1  # gcloud's short flags are switches
    name, eq, _ = text[2:].partition("=")
    if eq:
        value = Word(word.value.drop_prefix(len(name) + 3), word.location, word.raw)
        return Flag(name, value, word.location), 1
    if not _is_switch(name) and k + 1 < len(args) and not _is_dashed(args[k + 1]):
        return Flag(name, args[k + 1], word.location), 2
    return Flag(name, None, word.location), 1


def _arguments(args: list[Word]) -> tuple[tuple[Word, ...], tuple[Flag, ...]]:
    names: list[Word] = []
    flags: list[Flag] = []
    k = 0
    while k < len(args):
        if args[k].value.text == "--":  # the end of the flags: the rest is passed through
            break
        if not _is_dashed(args[k]):
            names.append(args[k])
            k += 1
            continue
        flag, used = _flag(args, k)
        flags.append(flag)
        k += used
    return tuple(names), tuple(flags)


def command_in_words(words: list[Word]) -> GcloudCommand | None:
    """The gcloud command in an already split argument list (Cloud Build `entrypoint: gcloud`)."""
    return _command(words)


def expand_literal(text: str, *, dollar_dollar: bool = False) -> Value:
    """One argument that no shell splits (a Cloud Build `args` item): only `$` expansions apply."""
    parts: list[str | Hole] = []
    for m in _LITERAL_PIECE.finditer(text):
        token = m.group(0)
        if token == "$$" and dollar_dollar:
            parts.append("$")
        elif token.startswith("$") and len(token) > 1:
            parts.append(Hole(token))
        else:
            parts.append(token)
    merged: list[str | Hole] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        else:
            merged.append(p)
    return Value(tuple(merged))


@dataclass(frozen=True)
class ArrayElement:
    """`NAME[key]=value`, or `[key]=value` inside `NAME=(...)`, with both sides expanded."""

    array: str
    key: Word
    value: Word


@dataclass(frozen=True)
class Script:
    commands: tuple[GcloudCommand, ...]
    elements: tuple[ArrayElement, ...]
    stopped: Location | None = None  # reading stopped here (MAX_SCRIPT_SECONDS): the rest is unread
    urls: tuple[Fetch, ...] = ()  # URLs an HTTP client (curl, wget, httpie) is given


@dataclass(frozen=True)
class Fetch:
    """A URL argument of an HTTP client command: `curl -X POST "$URL/start"`."""

    client: str  # curl | wget | http | https | xh
    url: Word


def parse_script(
    text: str, path: str, mapper: Mapper | None = None, *, dollar_dollar: bool = False
) -> list[GcloudCommand]:
    """Every checked gcloud command of a shell script, with statically expanded arguments."""
    return list(read_script(text, path, mapper, dollar_dollar=dollar_dollar).commands)


def read_script(text: str, path: str, mapper: Mapper | None = None, *, dollar_dollar: bool = False) -> Script:
    """The gcloud commands and array elements of a shell script. `dollar_dollar`: Cloud Build's `$$` is `$`."""
    where = mapper or (lambda line, col: (line + 1, col + 1))
    if dollar_dollar and "$$" in text:
        text, unshift = _undollar(text)
        outer = where
        where = lambda line, col: outer(line, unshift(line, col))  # noqa: E731
    env: Env = {}
    commands: list[GcloudCommand] = []
    elements: list[ArrayElement] = []
    urls: list[Fetch] = []

    def word(raw: RawWord) -> Word:
        return Word(_expand(raw, env), Location(path, *where(raw.line, raw.col)), raw.raw)

    parsed = read(text)
    stopped = parsed.stopped
    for k, step in enumerate(parsed.steps):
        if k % 256 == 255 and time.monotonic() > parsed.deadline:
            stopped = _first_position(step) or stopped
            break
        if isinstance(step, Loop):
            env[step.name] = Value((Hole(f"${step.name}"),))  # a loop variable takes many values
        elif isinstance(step, Assign):
            elements.extend(ArrayElement(step.name, word(k), word(v)) for k, v in step.elements)
            _assign(step, env)
        else:
            words = [word(w) for w in step.words]
            command = _command(words)
            if command is not None:
                commands.append(command)
            else:
                urls.extend(_fetches(words))
    where_stopped = Location(path, *where(*stopped)) if stopped is not None else None
    return Script(tuple(commands), tuple(elements), where_stopped, tuple(urls))


HTTP_CLIENTS = frozenset({"curl", "wget", "http", "https", "xh"})


def _fetches(words: list[Word]) -> Iterator[Fetch]:
    """The URL arguments of an HTTP client: words that start with `http(s)://` or with the URL of a
    described Cloud Run service (`URL=$(gcloud run services describe NAME ...)`; `"$URL/start"`)."""
    start = _command_word(words)
    client = words[start].value.text if start is not None else None
    if start is None or client is None or client.rsplit("/", 1)[-1] not in HTTP_CLIENTS:
        return
    for w in words[start + 1 :]:
        first = w.value.parts[0] if w.value.parts else ""
        if (isinstance(first, Hole) and first.service) or (isinstance(first, str) and first.startswith(_SCHEMES)):
            yield Fetch(client.rsplit("/", 1)[-1], w)


_SCHEMES = ("http://", "https://")


def _first_position(step: Assign | Loop | Run) -> tuple[int, int] | None:
    if isinstance(step, Loop):
        return None
    word = step.value if isinstance(step, Assign) else step.words[0]
    return (word.line, word.col) if word is not None else None


def _assign(step: Assign, env: Env) -> None:
    if step.value is None:  # an array: its elements are kept apart, `$NAME` is unknown
        env[step.name] = Value((Hole(f"${step.name}"),))
        return
    value = _expand(step.value, env)
    known = env.get(step.name)
    if not step.surely or step.append:  # conditional or appending: no single static value
        value = known if known == value and not step.append else Value((Hole(f"${step.name}"),))
    env[step.name] = value


def _undollar(text: str) -> tuple[str, Callable[[int, int], int]]:
    """`$$` -> `$`, and a map from a (line, column) of the result back to the column in `text`."""
    removed: list[list[int]] = []  # per line: columns of the result from which one `$` was dropped
    out: list[str] = []
    for line in text.split("\n"):
        pieces = line.split("$$")
        cols: list[int] = []
        at = 0
        for piece in pieces[:-1]:
            at += len(piece) + 1
            cols.append(at)
        removed.append(cols)
        out.append("$".join(pieces))

    def unshift(line: int, col: int) -> int:
        cols = removed[line] if line < len(removed) else []
        return col + sum(1 for c in cols if c <= col)

    return "\n".join(out), unshift


def quote(value: str) -> str:
    """How a suggested flag value is written back into a script."""
    return shlex.quote(value)
