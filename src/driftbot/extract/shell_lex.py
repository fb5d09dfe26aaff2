"""Split a POSIX shell script into words and operators, keeping each word's position and quoting.

shlex's splitting rules, plus what shlex drops and driftbot needs: the line and column of every word,
whether a `$` sat inside single quotes (then it is literal), `$(...)` / `${...}` kept whole, heredoc
bodies skipped, redirection targets dropped. Expansion happens later, in `extract.shell`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class Expansion:
    kind: str  # "param" | "subst"
    name: str  # parameter name, or the command text of $(...)
    op: str = ""  # ":-", "-", ":=", "=", ":+", "+", ":?", "?", or "" ; "?complex" for anything else
    arg: str = ""
    braced: bool = False  # written as ${NAME...}


@dataclass
class RawWord:
    parts: list[str | Expansion]
    line: int
    col: int
    raw: str


OPERATORS = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")", "\n")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_REDIRECT = re.compile(r"&?[<>]+[&|-]?")
_BRACED = re.compile(r"([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:(:?[-=+?])(.*))?", re.DOTALL)


def lex(text: str, dollar_dollar: bool = False) -> Iterator[RawWord | str]:
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
            redirect = _REDIRECT.match(text, i)  # at `i`: slicing `text[i:]` would copy the rest each time
            length = redirect.end() - i if redirect else 1
            if text.startswith(("<<", "<<-"), i) and not text.startswith("<<<", i):
                strip = text.startswith("<<-", i)
                advance(3 if strip else 2)
                while i < n and text[i] in " \t":
                    advance(1)
                target, end = read_word(text, i, dollar_dollar)
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
        elif any(text.startswith(op, i) for op in OPERATORS):
            operator = next(op for op in OPERATORS if text.startswith(op, i))
            advance(len(operator))
            drop_next = False
            yield operator
        else:
            start_line, start_col = line, col
            word, end = read_word(text, i, dollar_dollar)
            adjacent_redirect = end < n and text[end] in "<>" and word.raw.isdigit()
            advance(end - i)
            if drop_next or adjacent_redirect:
                drop_next = drop_next and adjacent_redirect
                continue
            word.line, word.col = start_line, start_col
            yield word


def read_word(text: str, i: int, dollar_dollar: bool, whole: bool = False) -> tuple[RawWord, int]:
    """One shell word from `i`; `whole`: the rest of the text is one word (a `${X:-default}` default)."""
    parts: list[str | Expansion] = []
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
            expansion, i = read_expansion(text, i, dollar_dollar)
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
        elif ch in " \t\r\n;&|()<>" and not whole:
            break
        else:
            literal.append(ch)
            i += 1
    flush()
    return RawWord(parts, 0, 0, text[start:i]), i


def read_expansion(text: str, i: int, dollar_dollar: bool) -> tuple[Expansion | None, int]:
    if text[i] == "`":
        end = text.find("`", i + 1)
        end = len(text) if end < 0 else end
        return Expansion("subst", text[i + 1 : end]), end + 1
    if dollar_dollar and text.startswith("$$", i):
        i += 1
    nxt = text[i + 1 : i + 2]
    if text.startswith("$((", i):
        end = closing(text, i + 1, "(", ")")
        return Expansion("param", "?", "?complex"), end + 1
    if nxt == "(":
        end = closing(text, i + 1, "(", ")")
        return Expansion("subst", text[i + 2 : end]), end + 1
    if nxt == "{":
        end = closing(text, i + 1, "{", "}")
        body = text[i + 2 : end]
        m = _BRACED.fullmatch(body)
        if m is None:
            return Expansion("param", body, braced=True, op="?complex"), end + 1
        return Expansion("param", m.group(1), m.group(2) or "", m.group(3) or "", braced=True), end + 1
    m = NAME.match(text, i + 1)
    if m:
        return Expansion("param", m.group(0)), m.end()
    if nxt and nxt in "0123456789@*#?$!-":
        return Expansion("param", nxt), i + 2
    return None, i + 1


def closing(text: str, i: int, opening: str, closing: str) -> int:
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
