"""Repository and user text made inert for where it is shown: markdown, terminals, workflow logs.

Everything a repository or a commenter controls (file names, values, messages quoting them, branch
names, command words) goes through here before it reaches a PR comment, an issue, a job summary,
a check run, a terminal or a workflow log. One module, so every renderer escapes the same way:

- control characters (ESC, CR, NUL, DEL, C1, bidi overrides) are dropped everywhere;
- markdown: no raw HTML, no link/image/code-span syntax, no `|` to split a table cell, and no
  `@mention`, `#123` reference or bare-URL autolink (a word joiner, U+2060, after the `@`/`#` or
  the scheme breaks GitHub's matchers without changing what a reader sees);
- code spans: fenced with more backticks than the text holds, so no backtick ends them early;
- logs: no line that the Actions runner would take for a workflow command (`::warning::`,
  `::stop-commands::`, legacy `##[...]`).
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"  # invisible and never a word character: `@⁠team` is no mention
ZERO_WIDTH_SPACE = "\u200b"  # not whitespace to the runner's TrimStart, so `​::x::` is no command

# C0 controls but tab and newline, DEL, C1, and the bidi embedding/override/isolate characters.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_MENTION = re.compile(r"([@#])(?=[A-Za-z0-9])")  # @user, @org/team, #123
_AUTOLINK = re.compile(r"(?i)\b(?:https?|ftp|mailto)(?=:)|\bwww(?=\.)")
_MARKDOWN = re.compile(r"([\\`\[\]|])")  # what could open a link, an image, a code span or a cell
_COMMAND_LINE = re.compile(r"^(\s*)(::)", re.MULTILINE)
_LEGACY_COMMAND = "##["


def strip_controls(text: str) -> str:
    """`text` without control characters; tabs and newlines stay."""
    return _CONTROLS.sub("", text)


def one_line(text: str) -> str:
    """`text` without control characters, tabs and newlines become spaces."""
    return strip_controls(text).replace("\n", " ").replace("\t", " ")


def no_pings(text: str) -> str:
    """Break `@mentions`, `#123` references and autolinked URLs without changing what is shown."""
    text = _MENTION.sub(lambda m: m.group(1) + WORD_JOINER, text)
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)


def markdown(text: str) -> str:
    """Inline markdown (a paragraph or a table cell) that shows `text` literally, on one line."""
    text = one_line(text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN.sub(r"\\\1", text)
    return no_pings(text)


def code(text: str, *, table: bool = False) -> str:
    """An inline code span showing `text` literally; `table`: inside a table cell (`|` escaped).

    Inside a code span GitHub renders no markdown, no HTML and no mention.
    """
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    if table:
        text = text.replace("|", "\\|")
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, info: str = "") -> str:
    """A fenced code block holding `text` whatever backtick runs it contains."""
    text = strip_controls(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def terminal(text: str) -> str:
    """Text safe to print to a terminal or a workflow log: no control sequence, no workflow command.

    Newlines stay (messages may span lines), but no line may start with `::` and no `##[` may
    appear: the Actions runner would run either as a workflow command.
    """
    text = strip_controls(text)
    text = _COMMAND_LINE.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE + m.group(2), text)
    return text.replace(_LEGACY_COMMAND, "##" + ZERO_WIDTH_SPACE + "[")
