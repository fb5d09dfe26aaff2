"""Find the `gcloud` commands of deploy scripts, statically. A script is never executed.

A small POSIX-shell word splitter (shlex's rules, plus what shlex drops: the position of every word
and whether a `$` sat in single quotes) turns a script into simple commands. Simple assignments at
the top level (`VAR=...`, `export VAR=...`) are tracked in order; `$VAR`, `${VAR}` and
`${VAR:-default}` expand from them. Whatever cannot be known statically (caller's environment,
positional parameters, command substitutions, assignments inside `if`/`case`/loops) becomes a
`Hole`, which matches any text. `$(gcloud run services describe NAME ...)` becomes a hole that
remembers it is the URL of Cloud Run service NAME.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

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

    @property
    def text(self) -> str | None:
        """The value, or None when part of it is unknown."""
        if any(isinstance(p, Hole) for p in self.parts):
            return None
        return "".join(p for p in self.parts if isinstance(p, str))

    @property
    def shown(self) -> str:
        return "".join(p if isinstance(p, str) else p.label for p in self.parts)

    def matches(self, candidate: str) -> bool:
        regex = "".join(re.escape(p) if isinstance(p, str) else ".*" for p in self.parts)
        return re.fullmatch(regex, candidate, re.DOTALL) is not None

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


# ---------------------------------------------------------------- lexing


@dataclass
class _Expansion:
    kind: str  # "param" | "subst"
    name: str  # parameter name, or the command text of $(...)
    op: str = ""  # ":-", "-", ":=", "=", ":+", "+", ":?", "?", or "" ; "?complex" for anything else
    arg: str = ""


@dataclass
class _RawWord:
    parts: list[str | _Expansion]
    line: int
    col: int
    raw: str


_OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")", "\n")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _lex(text: str, dollar_dollar: bool = False) -> Iterator[_RawWord | str]:
    """Yield words and operator strings. `dollar_dollar`: Cloud Build's `$$` is a literal `$`."""
    i, line, col, n = 0, 0, 0, len(text)
    heredocs: list[tuple[str, bool]] = []
    drop_next = False

    def advance(k: int) -> None:
        nonlocal i, line, col
        for ch in text[i : i + k]:
            line, col = (line + 1, 0) if ch == "\n" else (line, col + 1)
        i += k

    while i < n:
        ch = text[i]
        if text.startswith("\\\n", i):
            advance(2)
        elif ch in " \t\r":
            advance(1)
        elif ch == "#":
            end = text.find("\n", i)
            advance((end if end >= 0 else n) - i)
        elif ch in "<>" or text.startswith(("&>", ">&"), i):
            redirect = re.match(r"&?[<>]+[&|-]?", text[i:])
            length = redirect.end() if redirect else 1
            if text.startswith(("<<", "<<-"), i) and not text.startswith("<<<", i):
                strip = text.startswith("<<-", i)
                advance(3 if strip else 2)
                while i < n and text[i] in " \t":
                    advance(1)
                target, end = _read_word(text, i, dollar_dollar)
                heredocs.append(("".join(p for p in target.parts if isinstance(p, str)), strip))
                advance(end - i)
                continue
            advance(length)
            drop_next = text[i - 1 : i] != "-"  # `2>&-` closes a descriptor: no target word
        elif ch == "\n" and heredocs:
            advance(1)
            yield "\n"
            for delimiter, strip in heredocs:
                while i < n:
                    end = text.find("\n", i)
                    end = n if end < 0 else end
                    body = text[i:end]
                    advance(end - i + (1 if end < n else 0))
                    if (body.lstrip("\t") if strip else body) == delimiter:
                        break
            heredocs.clear()
        elif any(text.startswith(op, i) for op in _OPERATORS):
            operator = next(op for op in _OPERATORS if text.startswith(op, i))
            advance(len(operator))
            drop_next = False
            yield operator
        else:
            start_line, start_col = line, col
            word, end = _read_word(text, i, dollar_dollar)
            adjacent_redirect = end < n and text[end] in "<>" and word.raw.isdigit()
            advance(end - i)
            if drop_next or adjacent_redirect:
                drop_next = drop_next and adjacent_redirect
                continue
            word.line, word.col = start_line, start_col
            yield word


def _read_word(text: str, i: int, dollar_dollar: bool) -> tuple[_RawWord, int]:
    parts: list[str | _Expansion] = []
    literal: list[str] = []
    start, n = i, len(text)

    def flush() -> None:
        if literal:
            parts.append("".join(literal))
            literal.clear()

    quote = ""
    while i < n:
        ch = text[i]
        if quote == "'":
            if ch == "'":
                quote = ""
            else:
                literal.append(ch)
            i += 1
        elif ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt == "\n":
                pass
            elif quote == '"' and nxt not in '$`"\\':
                literal.append("\\" + nxt)
            else:
                literal.append(nxt)
            i += 2
        elif ch == "$" or ch == "`":
            expansion, i = _read_expansion(text, i, dollar_dollar)
            if expansion is None:
                literal.append("$")
            else:
                flush()
                parts.append(expansion)
        elif quote == '"':
            if ch == '"':
                quote = ""
            else:
                literal.append(ch)
            i += 1
        elif ch in "'\"":
            quote = ch
            i += 1
        elif ch in " \t\r\n;&|()<>":
            break
        else:
            literal.append(ch)
            i += 1
    flush()
    return _RawWord(parts, 0, 0, text[start:i]), i


def _read_expansion(text: str, i: int, dollar_dollar: bool) -> tuple[_Expansion | None, int]:
    if text[i] == "`":
        end = text.find("`", i + 1)
        end = len(text) if end < 0 else end
        return _Expansion("subst", text[i + 1 : end]), end + 1
    if dollar_dollar and text.startswith("$$", i):
        i += 1
    nxt = text[i + 1 : i + 2]
    if text.startswith("$((", i):
        end = _closing(text, i + 1, "(", ")")
        return _Expansion("param", "?", "?complex"), end + 1
    if nxt == "(":
        end = _closing(text, i + 1, "(", ")")
        return _Expansion("subst", text[i + 2 : end]), end + 1
    if nxt == "{":
        end = _closing(text, i + 1, "{", "}")
        body = text[i + 2 : end]
        m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:(:?[-=+?])(.*))?", body, re.DOTALL)
        if m is None:
            return _Expansion("param", body, "?complex"), end + 1
        return _Expansion("param", m.group(1), m.group(2) or "", m.group(3) or ""), end + 1
    m = _NAME.match(text, i + 1)
    if m:
        return _Expansion("param", m.group(0)), m.end()
    if nxt and nxt in "0123456789@*#?$!-":
        return _Expansion("param", nxt), i + 2
    return None, i + 1


def _closing(text: str, i: int, opening: str, closing: str) -> int:
    """Index of the bracket closing the one at `i` (quotes respected), or the end of the text."""
    depth, quote = 0, ""
    while i < len(text):
        ch = text[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "\\":
            i += 1
        elif ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


# ---------------------------------------------------------------- expansion

Env = dict[str, Value]
_OPENERS = frozenset({"if", "case", "for", "while", "until", "select", "{"})
_CLOSERS = frozenset({"fi", "esac", "done", "}"})
_PREFIXES = frozenset({"then", "do", "else", "elif", "!", "time", "exec", "command", "sudo", "{"})
_DECLARERS = frozenset({"export", "readonly", "local", "declare", "typeset"})


def _expand(word: _RawWord, env: Env, depth: int = 0) -> Value:
    parts: list[str | Hole] = []
    for part in word.parts:
        parts.extend([part] if isinstance(part, str) else _expand_one(part, env, depth).parts)
    merged: list[str | Hole] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return Value(tuple(merged))


def _expand_one(exp: _Expansion, env: Env, depth: int) -> Value:
    if exp.kind == "subst":
        shown = " ".join(exp.name.replace("\\\n", " ").split())
        label = f"$({shown[:60]}...)" if len(shown) > 60 else f"$({shown})"
        return Value((Hole(label, _described_service(exp.name, env, depth)),))
    label = f"${{{exp.name}{exp.op}{exp.arg}}}" if exp.op else f"${exp.name}"
    known = env.get(exp.name)
    if exp.op == "?complex" or not _NAME.fullmatch(exp.name):
        return Value((Hole(label),))
    fallback = Value((Hole(label),))
    if exp.op in (":-", "-", ":=", "="):
        if known is None:
            return _expand_text(exp.arg, env, depth) if depth < 5 else fallback
        if known.text == "" and exp.op.startswith(":"):
            return _expand_text(exp.arg, env, depth) if depth < 5 else fallback
        return known if known.text is not None else fallback
    if exp.op in (":+", "+"):
        return fallback if known is None or known.text is None else _expand_text(exp.arg, env, depth)
    return known if known is not None and exp.op in ("", ":?", "?") else fallback


def _expand_text(text: str, env: Env, depth: int) -> Value:
    word, _ = _read_word(text, 0, False)
    return _expand(word, env, depth + 1)


def _described_service(command: str, env: Env, depth: int) -> str | None:
    """NAME when the substitution is `gcloud run services describe NAME ...`."""
    if depth > 3:
        return None
    words = [_expand(w, env, depth + 1) for w in _lex(command) if isinstance(w, _RawWord)]
    texts = [w.text for w in words]
    if texts[:4] == ["gcloud", "run", "services", "describe"] and len(words) > 4:
        return next((t for t in texts[4:] if t and not t.startswith("-")), None)
    return None


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


def _is_switch(name: str) -> bool:
    return name in _SWITCHES or name.startswith(("no-", "clear-"))


def _command(words: list[Word]) -> GcloudCommand | None:
    texts = [w.value.text for w in words]
    start = next((k for k, t in enumerate(texts) if t and (t == "gcloud" or t.endswith("/gcloud"))), None)
    if start is None:
        return None
    rest = words[start + 1 :]
    while rest and rest[0].value.text in ("beta", "alpha"):
        rest = rest[1:]
    path = tuple(w.value.text or "" for w in rest[:3])
    for prefix, (group, has_kind) in _COMMANDS.items():
        if path[: len(prefix)] == prefix:
            args = rest[len(prefix) :]
            kind = args[0].value.text if has_kind and args else None
            names, flags = _arguments(args[has_kind:])
            return GcloudCommand(group, prefix[-1], kind, names, flags, words[start].location)
    return None


def _arguments(args: list[Word]) -> tuple[tuple[Word, ...], tuple[Flag, ...]]:
    names: list[Word] = []
    flags: list[Flag] = []
    k = 0
    while k < len(args):
        word = args[k]
        text = word.value.parts[0] if word.value.parts else ""
        if isinstance(text, str) and text.startswith("--") and len(text) > 2:
            name, eq, _ = text[2:].partition("=")
            if eq:
                value = Word(word.value.drop_prefix(len(name) + 3), word.location, word.raw)
                flags.append(Flag(name, value, word.location))
            elif not _is_switch(name) and k + 1 < len(args) and not args[k + 1].raw.startswith("--"):
                flags.append(Flag(name, args[k + 1], word.location))
                k += 1
            else:
                flags.append(Flag(name, None, word.location))
        else:
            names.append(word)
        k += 1
    return tuple(names), tuple(flags)


def command_in_words(words: list[Word]) -> GcloudCommand | None:
    """The gcloud command in an already split argument list (Cloud Build `entrypoint: gcloud`)."""
    return _command(words)


def expand_literal(text: str, *, dollar_dollar: bool = False) -> Value:
    """One argument that no shell splits (a Cloud Build `args` item): only `$` expansions apply."""
    parts: list[str | Hole] = []
    for m in re.finditer(r"\$\$|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|[^$]+|\$", text):
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


def parse_script(
    text: str, path: str, mapper: Mapper | None = None, *, dollar_dollar: bool = False
) -> list[GcloudCommand]:
    """Every checked gcloud command of a shell script, with statically expanded arguments."""
    where = mapper or (lambda line, col: (line + 1, col + 1))
    env: Env = {}
    out: list[GcloudCommand] = []
    current: list[_RawWord] = []
    depth, before = 0, "\n"
    for token in [*_lex(text, dollar_dollar), "\n"]:
        if isinstance(token, _RawWord):
            current.append(token)
            continue
        if current:
            # A command after `&&` / `||` may not run: its assignments are conditional.
            conditional = before in ("&&", "||")
            depth = _run(current, env, depth, conditional, path, where, out)
        current, before = [], token
    return out


def _run(
    raw: list[_RawWord], env: Env, depth: int, conditional: bool, path: str, where: Mapper, out: list[GcloudCommand]
) -> int:
    """Apply one simple command to `env`; collect it when it is a gcloud command. Returns the new depth."""
    head = raw[0].raw
    if head in _CLOSERS:
        return max(0, depth - 1)
    while raw and raw[0].raw in _PREFIXES:
        raw = raw[1:]
    if not raw:
        return depth + (1 if head == "{" else 0)
    first = raw[0].raw
    if first in _OPENERS - {"{"}:
        if first in ("for", "select") and len(raw) > 1:
            env[raw[1].raw] = Value((Hole(f"${raw[1].raw}"),))  # a loop variable takes many values
        return depth + 1
    if raw[-1].raw == "{":
        depth += 1  # `function name {`: its body is still read
    body = raw[1:] if first in _DECLARERS else raw
    assignments = [w for w in body if not w.raw.startswith("-")]
    if assignments and all(re.match(r"[A-Za-z_][A-Za-z0-9_]*\+?=", w.raw) for w in assignments):
        for w in assignments:
            name, _, _ = w.raw.partition("=")
            value = _expand(_RawWord(w.parts, w.line, w.col, w.raw), env)
            value = value.drop_prefix(len(name) + 1) if value.parts and isinstance(value.parts[0], str) else value
            known = env.get(name)
            if depth > 0 or conditional or name.endswith("+"):  # conditional or appending: no single static value
                name = name.rstrip("+")
                value = known if known == value else Value((Hole(f"${name}"),))
            env[name] = value
        return depth
    words = [Word(_expand(w, env), Location(path, *where(w.line, w.col)), w.raw) for w in raw]
    command = _command(words)
    if command is not None:
        out.append(command)
    return depth


def quote(value: str) -> str:
    """How a suggested flag value is written back into a script."""
    return shlex.quote(value)
