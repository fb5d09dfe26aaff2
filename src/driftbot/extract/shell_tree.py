"""A shell script as tree-sitter-bash reads it: its statements in order, each word with its quoting.

The grammar gives the structure (nested backticks, `$'..'` and `$".."` strings, arrays, `case`,
`[[ ]]`, `$(( ))`, `<<-"END"` heredocs, continuations, comments); this module turns it into what
`extract.shell` expands: simple commands and assignments, each marked `surely` when it runs whenever
the script does (top level, not after `&&`/`||`, not inside `if`, loops, `case`, functions or
substitutions). Positions are 0-based (line, character column), as in the text given.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from driftbot.extract import limits
from driftbot.extract.limits import MAX_SCRIPT_COMMAND_WORDS, MAX_SCRIPT_DEPTH

Node = Any  # tree_sitter.Node: the package ships no type information for its nodes' fields


@dataclass
class Expansion:
    kind: str  # "param" ($X, ${X}, ${X:-d}) | "subst" ($(..), `..`) | "complex" (anything else: a hole)
    label: str  # as written
    name: str = ""  # parameter name
    op: str = ""  # "", ":-", "-", ":=", "=", ":+", "+", ":?", "?"
    arg: list[Part] = field(default_factory=list)  # the word after `op`
    command: list[RawWord] = field(default_factory=list)  # subst: the words of its first simple command


Part = str | Expansion


@dataclass
class RawWord:
    parts: list[Part]
    line: int
    col: int
    raw: str  # source text


@dataclass
class Assign:
    name: str
    value: RawWord | None  # None: an array (or an assignment without a value we can read)
    surely: bool
    append: bool = False  # `+=`
    elements: list[tuple[RawWord, RawWord]] = field(default_factory=list)  # `[key]=value` of an array


@dataclass
class Run:
    words: list[RawWord]
    surely: bool


@dataclass
class Loop:
    name: str  # a `for` variable: many values


Step = Assign | Run | Loop

_SEQUENCES = frozenset(
    {"program", "compound_statement", "redirected_statement", "negated_command", "variable_assignments"}
)
_OPS = frozenset({":-", "-", ":=", "=", ":+", "+", ":?", "?"})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect", "variable_assignment", "comment"})
_ANSI = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


@cache
def _parser() -> Any:
    import tree_sitter_bash
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_bash.language()))


@dataclass
class Parsed:
    steps: list[Step]
    stopped: tuple[int, int] | None  # (line, column), 0-based: past MAX_SCRIPT_SECONDS, nothing after is read
    deadline: float  # time.monotonic() past which the caller stops too


_CHUNK = 16_384  # bytes handed to the parser at a time: the deadline is checked between chunks


def steps(text: str) -> list[Step]:
    return read(text).steps


def read(text: str) -> Parsed:
    """The script's assignments and simple commands in source order (heredoc bodies are data)."""
    data = text.encode("utf-8", "surrogatepass")
    deadline = time.monotonic() + limits.MAX_SCRIPT_SECONDS
    stopped: list[tuple[int, int]] = []

    def chunk(offset: int, point: tuple[int, int]) -> bytes:
        if stopped or time.monotonic() > deadline:
            if not stopped:
                stopped.append((point[0], point[1]))
            return b""
        return data[offset : offset + _CHUNK]

    tree = _parser().parse(chunk)
    reader = _Reader(data, deadline)
    reader.statement(tree.root_node, True, 0)
    first = min([*stopped, *reader.stopped], default=None)
    return Parsed(reader.out, reader.char_point(first) if first is not None else None, deadline)


class _Reader:
    def __init__(self, data: bytes, deadline: float) -> None:
        self.data = data
        self.deadline = deadline
        self.visits = 0
        self.stopped: list[tuple[int, int]] = []  # (row, byte column) where the walk ran out of time
        self.out: list[Step] = []
        self.starts = [0]
        for k, byte in enumerate(data):
            if byte == 10:
                self.starts.append(k + 1)

    # ---- positions and text

    def where(self, node: Node) -> tuple[int, int]:
        return self.char_point(node.start_point)

    def char_point(self, point: tuple[int, int]) -> tuple[int, int]:
        row, column = point
        start = self.starts[row] if row < len(self.starts) else len(self.data)
        prefix = self.data[start : start + column]
        return row, (column if prefix.isascii() else len(prefix.decode("utf-8", "replace")))

    def text(self, node: Node) -> str:
        return str(self.data[node.start_byte : node.end_byte].decode("utf-8", "replace"))

    # ---- statements

    def statement(self, node: Node, surely: bool, depth: int) -> None:
        if depth > MAX_SCRIPT_DEPTH or self.stopped:
            return
        self.visits += 1
        if self.visits % 1024 == 0 and time.monotonic() > self.deadline:
            self.stopped.append(tuple(node.start_point))
            return
        kind = node.type
        if kind == "command":
            self.command(node, surely, depth)
        elif kind == "variable_assignment":
            self.assign(node, surely, depth)
        elif kind == "declaration_command":
            local = node.child(0) is not None and node.child(0).type == "local"
            for child in node.named_children:
                if child.type == "variable_assignment":
                    self.assign(child, surely and not local, depth)
        elif kind in _SEQUENCES:
            for child in node.named_children:  # a `{ ...; }` group or a redirect changes nothing about running
                if child.type not in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    self.statement(child, surely, depth + 1)
                else:
                    self.nested(child, depth + 1)
        elif kind == "list":  # `a && b || c`: only the first surely runs
            for k, child in enumerate(c for c in node.named_children if c.type != "comment"):
                self.statement(child, surely and k == 0, depth + 1)
        elif kind == "for_statement":
            variable = node.child_by_field_name("variable")
            for child in node.named_children:
                if child is not variable:
                    self.statement(child, False, depth + 1)
            if variable is not None:
                self.out.append(Loop(self.text(variable)))
        elif kind in ("comment", "heredoc_body", "heredoc_start", "heredoc_end", "variable_name", "word"):
            return
        elif kind == "command_substitution":
            self.nested(node, depth)
        else:  # if/while/case/functions/subshells/pipelines/tests, and what the grammar could not read
            for child in node.named_children:
                self.statement(child, False, depth + 1)

    def nested(self, node: Node, depth: int) -> None:
        """Commands inside substitutions in a word that is not a command's: they may run."""
        if depth > MAX_SCRIPT_DEPTH:
            return
        if node.type == "command_substitution":
            for child in node.named_children:
                self.statement(child, False, depth + 1)
            return
        for child in node.named_children:
            self.nested(child, depth + 1)

    def command(self, node: Node, surely: bool, depth: int) -> None:
        words: list[RawWord] = []
        dollar: Node | None = None  # a `$` right before a string: `$"text"` starts there
        for child in node.children:
            if child.type == "$":
                dollar = child
                continue
            if not child.is_named:
                continue
            if dollar is not None and dollar.end_byte == child.start_byte and len(words) < MAX_SCRIPT_COMMAND_WORDS:
                word = self.word(child, depth + 1)
                word.line, word.col = self.where(dollar)
                word.raw = "$" + word.raw
                words.append(word)
                dollar = None
                continue
            dollar = None
            if child.type in _REDIRECTS:
                if child.type != "variable_assignment":
                    self.nested(child, depth + 1)
                continue
            if child.type == "command_name":
                child = child.named_child(0) if child.named_child_count else child
            if len(words) < MAX_SCRIPT_COMMAND_WORDS:
                words.append(self.word(child, depth + 1))
            else:
                self.nested(child, depth + 1)
        if words:
            self.out.append(Run(words, surely))

    def assign(self, node: Node, surely: bool, depth: int) -> None:
        target = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        operator = next((c.type for c in node.children if c.type in ("=", "+=")), "=")
        if target is None:
            return
        if target.type == "subscript":  # A[key]=value: one element
            name_node, index = target.child_by_field_name("name"), target.child_by_field_name("index")
            if name_node is None or index is None or value is None:
                return
            element = (self.word(index, depth + 1), self.word(value, depth + 1))
            self.out.append(Assign(self.text(name_node), None, surely, True, [element]))
            return
        name = self.text(target)
        if value is not None and value.type == "array":
            elements = [e for e in (self.element(c, depth + 1) for c in value.named_children) if e is not None]
            for child in value.named_children:
                self.nested(child, depth + 1)
            self.out.append(Assign(name, None, surely, operator == "+=", elements))
            return
        word = self.word(value, depth + 1) if value is not None else RawWord([], *self.where(node), "")
        self.out.append(Assign(name, word, surely, operator == "+="))

    def element(self, node: Node, depth: int) -> tuple[RawWord, RawWord] | None:
        """`[key]=value` of an associative array, from the grammar's concatenation of its pieces."""
        if node.type != "concatenation":
            return None
        children = node.children
        first = children[0] if children else None
        if first is None or first.type != "word" or not self.text(first).startswith("["):
            return None
        # Split the pieces at `[`, `]` and the `=` after it: words are cut by character, other pieces kept whole.
        key: list[tuple[Node, int, int]] = []
        value: list[tuple[Node, int, int]] = []
        state = "key"
        for child in children:
            if child.type != "word":
                (key if state == "key" else value).append((child, 0, -1))
                continue
            text = self.text(child)
            start = 1 if child is first else 0
            k = start
            while k < len(text) and state != "value":
                if state == "key" and text[k] == "]":
                    if k > start:
                        key.append((child, start, k))
                    state, start = "eq", k + 1
                elif state == "eq":
                    if text[k] != "=":
                        return None
                    state, start = "value", k + 1
                k += 1
            if state == "key" and len(text) > start:
                key.append((child, start, len(text)))
            elif state == "value" and len(text) > start:
                value.append((child, start, len(text)))
        if state != "value" or not key:
            return None
        return self.joined(key, depth), self.joined(value, depth, after=children[-1])

    def joined(self, pieces: list[tuple[Node, int, int]], depth: int, after: Node | None = None) -> RawWord:
        parts: list[Part] = []
        raw: list[str] = []
        where: tuple[int, int] | None = None
        for node, start, end in pieces:
            if end < 0:
                word = self.word(node, depth)
                parts.extend(word.parts)
                raw.append(word.raw)
                where = where or (word.line, word.col)
            else:
                text = self.text(node)[start:end]
                parts.extend(self.word_text(text, quoted=False))
                raw.append(text)
                line, col = self.where(node)
                where = where or (line, col + start)
        if where is None:  # `[key]=`: an empty value, placed at the element's last piece
            where = self.where(after) if after is not None else (0, 0)
        return RawWord(_merge(parts), where[0], where[1], "".join(raw))

    # ---- words

    def word(self, node: Node, depth: int) -> RawWord:
        line, col = self.where(node)
        return RawWord(_merge(self.parts(node, depth, quoted=False)), line, col, self.text(node))

    def parts(self, node: Node, depth: int, quoted: bool) -> list[Part]:
        kind = node.type
        if depth > MAX_SCRIPT_DEPTH:
            return [Expansion("complex", self.text(node)[:60])]
        if kind in ("word", "number", "string_content", "regex", "extglob_pattern"):
            return self.word_text(self.text(node), quoted or kind == "string_content")
        if kind == "raw_string":
            return [self.text(node)[1:-1]]
        if kind == "ansi_c_string":
            return [_ansi_c(self.text(node)[2:-1])]
        if kind in ("string", "translated_string", "concatenation"):
            out: list[Part] = []
            children = node.children
            for k, child in enumerate(children):
                if child.type == '"' and kind != "concatenation":
                    continue
                if child.type == "$":
                    following = children[k + 1] if k + 1 < len(children) else None
                    if following is not None and following.type == "string" and kind != "string":
                        continue  # `$"text"`: a translated string, read as "text"
                    out.append("$")
                    continue
                out.extend(self.parts(child, depth + 1, quoted or kind != "concatenation"))
            return out
        if kind == "simple_expansion":
            return [Expansion("param", self.text(node), self.text(node)[1:])]
        if kind == "expansion":
            return [self.expansion(node, depth)]
        if kind == "command_substitution":
            return [self.substitution(node, depth)]
        if kind == "command_name" and node.named_child_count:
            return self.parts(node.named_child(0), depth + 1, quoted)
        text = self.text(node)
        if "$" in text or "`" in text or kind in ("brace_expression", "process_substitution"):
            self.nested(node, depth + 1)
            return [Expansion("complex", text)]
        return [text]

    def word_text(self, text: str, quoted: bool) -> list[Part]:
        if "\\" not in text:
            return [text]
        out: list[str] = []
        k = 0
        while k < len(text):
            ch = text[k]
            if ch == "\\" and k + 1 < len(text):
                nxt = text[k + 1]
                if nxt == "\n":
                    pass
                elif quoted and nxt not in '$`"\\':
                    out.append("\\" + nxt)
                else:
                    out.append(nxt)
                k += 2
            else:
                out.append(ch)
                k += 1
        return ["".join(out)]

    def expansion(self, node: Node, depth: int) -> Expansion:
        label = self.text(node)
        inner = node.children[1:-1]
        if not inner or inner[0].type not in ("variable_name", "special_variable_name"):
            self.nested(node, depth + 1)
            return Expansion("complex", label)
        name = self.text(inner[0])
        if len(inner) == 1:
            return Expansion("param", label, name)
        if inner[1].type not in _OPS:
            self.nested(node, depth + 1)
            return Expansion("complex", label)
        arg: list[Part] = []
        for child in inner[2:]:
            arg.extend(self.parts(child, depth + 1, quoted=False))
        return Expansion("param", label, name, inner[1].type, _merge(arg))

    def substitution(self, node: Node, depth: int) -> Expansion:
        mark = len(self.out)
        for child in node.named_children:
            self.statement(child, False, depth + 1)
        first = next((s for s in self.out[mark:] if isinstance(s, Run)), None)
        return Expansion("subst", self.text(node), command=first.words if first else [])


def _merge(parts: list[Part]) -> list[Part]:
    merged: list[Part] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] += p
        elif p != "":
            merged.append(p)
    return merged


def _ansi_c(body: str) -> str:
    """The value of `$'body'`: backslash escapes decoded (an unknown one is kept as written)."""
    out: list[str] = []
    k = 0
    while k < len(body):
        ch = body[k]
        if ch != "\\" or k + 1 == len(body):
            out.append(ch)
            k += 1
            continue
        nxt = body[k + 1]
        if nxt in _ANSI:
            out.append(_ANSI[nxt])
            k += 2
        elif nxt in "\\'\"?":
            out.append(nxt)
            k += 2
        elif nxt in "xuU":
            size = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = ""
            while len(digits) < size and k + 2 + len(digits) < len(body) and body[k + 2 + len(digits)] in _HEX:
                digits += body[k + 2 + len(digits)]
            out.append(chr(min(int(digits, 16), 0x10FFFF)) if digits else "\\" + nxt)
            k += 2 + len(digits)
        elif nxt in "01234567":
            digits = nxt
            while len(digits) < 3 and k + 1 + len(digits) < len(body) and body[k + 1 + len(digits)] in "01234567":
                digits += body[k + 1 + len(digits)]
            out.append(chr(int(digits, 8) & 0xFF))
            k += 1 + len(digits)
        else:
            out.append("\\" + nxt)
            k += 2
    return "".join(out)


_HEX = frozenset("0123456789abcdefABCDEF")
