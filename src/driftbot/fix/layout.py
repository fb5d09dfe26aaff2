"""Edit the elements of a list/tuple/set/dict node while keeping its layout.

A sequence is seen as elements separated by *gaps*: gap 0 follows the opening bracket, gap k+1
follows element k (inside its comma), the last gap precedes the closing bracket. A gap is either
inline whitespace (`, `) or a line break (`ParenthesizedWhitespace`: the rest of the line with its
comment, blank/comment lines, the next line's indentation). Removing an element merges the gaps
around it, dropping only that element's own line; inserting one splits a gap, copying the
indentation of the neighbouring element lines. Trailing-comma style is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

Sequence_ = cst.List | cst.Tuple | cst.Set | cst.Dict
Gap = cst.BaseParenthesizableWhitespace
Item = cst.BaseElement | cst.BaseDictElement
EMPTY = cst.SimpleWhitespace("")
SPACE = cst.SimpleWhitespace(" ")


class LayoutError(Exception):
    """The edit cannot be made without guessing (e.g. a bare tuple); the caller skips it."""


@dataclass
class Layout:
    items: list[Item]  # commas are rebuilt from the gaps
    comma_ws: list[Gap]  # whitespace before each element's comma
    gaps: list[Gap]  # len(items) + 1
    trailing_comma: bool
    # With a trailing comma the last gap is split between the comma and the closing bracket (libcst
    # puts the last line's comment in the bracket's whitespace): the other, usually empty, part.
    tail_extra: Gap = EMPTY
    tail_in_closer: bool = True


def _ends(node: Sequence_) -> tuple[Gap, Gap]:
    if isinstance(node, cst.List):
        return node.lbracket.whitespace_after, node.rbracket.whitespace_before
    if isinstance(node, cst.Set | cst.Dict):
        return node.lbrace.whitespace_after, node.rbrace.whitespace_before
    if not node.lpar:
        raise LayoutError("a tuple without parentheses")
    return node.lpar[-1].whitespace_after, node.rpar[0].whitespace_before


def split(node: Sequence_) -> Layout:
    opener, closer = _ends(node)
    items: list[Item] = list(node.elements)
    parts = Layout(items, [], [opener], trailing_comma=False)
    for k, el in enumerate(items):
        comma = el.comma
        last = k == len(items) - 1
        if not isinstance(comma, cst.Comma):
            if not last:
                raise LayoutError("an element without a comma")
            parts.comma_ws.append(EMPTY)
            parts.gaps.append(closer)
            continue
        parts.comma_ws.append(comma.whitespace_before)
        if not last:
            parts.gaps.append(comma.whitespace_after)
            continue
        parts.trailing_comma = True
        if _is_empty(comma.whitespace_after):
            parts.gaps.append(closer)
            parts.tail_extra, parts.tail_in_closer = comma.whitespace_after, True
        else:
            parts.gaps.append(comma.whitespace_after)
            parts.tail_extra, parts.tail_in_closer = closer, False
    return parts


def _is_empty(ws: Gap) -> bool:
    return isinstance(ws, cst.SimpleWhitespace) and ws.value == ""


def join(node: Sequence_, layout: Layout) -> Sequence_:
    n = len(layout.items)
    trailing = layout.trailing_comma or (isinstance(node, cst.Tuple) and n == 1)
    tail_in_closer = layout.tail_in_closer or not layout.trailing_comma
    items: list[Item] = []
    for k, item in enumerate(layout.items):
        if k < n - 1:
            comma: cst.Comma | cst.MaybeSentinel = cst.Comma(layout.comma_ws[k], layout.gaps[k + 1])
        elif trailing:
            after = layout.tail_extra if tail_in_closer else layout.gaps[n]
            comma = cst.Comma(layout.comma_ws[k], after)
        else:
            comma = cst.MaybeSentinel.DEFAULT
        items.append(item.with_changes(comma=comma))
    opener = layout.gaps[0]
    if n == 0:
        closer: Gap = EMPTY
    elif trailing and not tail_in_closer:
        closer = layout.tail_extra
    else:
        closer = layout.gaps[n]
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=items,
            lbracket=node.lbracket.with_changes(whitespace_after=opener),
            rbracket=node.rbracket.with_changes(whitespace_before=closer),
        )
    if isinstance(node, cst.Set):
        return node.with_changes(
            elements=items,
            lbrace=node.lbrace.with_changes(whitespace_after=opener),
            rbrace=node.rbrace.with_changes(whitespace_before=closer),
        )
    if isinstance(node, cst.Dict):
        return node.with_changes(
            elements=items,
            lbrace=node.lbrace.with_changes(whitespace_after=opener),
            rbrace=node.rbrace.with_changes(whitespace_before=closer),
        )
    lpar = [*node.lpar[:-1], node.lpar[-1].with_changes(whitespace_after=opener)]
    rpar = [node.rpar[0].with_changes(whitespace_before=closer), *node.rpar[1:]]
    return node.with_changes(elements=items, lpar=lpar, rpar=rpar)


def realign_comment(layout: Layout, k: int, delta: int) -> None:
    """Element k grew by `delta` characters: keep its own trailing comment at the same column if it fits."""
    before, after = layout.gaps[k], layout.gaps[k + 1]
    if delta == 0 or not isinstance(before, cst.ParenthesizedWhitespace):
        return
    if not isinstance(after, cst.ParenthesizedWhitespace) or after.first_line.comment is None:
        return
    spaces = after.first_line.whitespace.value
    if not spaces or spaces.strip(" "):
        return  # no room to take from, or tabs: leave it
    width = max(min(2, len(spaces)), len(spaces) - delta)
    first = after.first_line.with_changes(whitespace=cst.SimpleWhitespace(" " * width))
    layout.gaps[k + 1] = after.with_changes(first_line=first)


def remove(layout: Layout, k: int) -> None:
    n = len(layout.items)
    before, after = layout.gaps[k], layout.gaps[k + 1]
    if isinstance(before, cst.ParenthesizedWhitespace) and isinstance(after, cst.ParenthesizedWhitespace):
        merged: Gap = cst.ParenthesizedWhitespace(
            first_line=before.first_line,  # the previous line keeps its comment; this element's goes
            empty_lines=[*before.empty_lines, *after.empty_lines],
            indent=after.indent,
            last_line=after.last_line,
        )
    elif isinstance(before, cst.ParenthesizedWhitespace):
        merged = before
    elif isinstance(after, cst.ParenthesizedWhitespace) or k == n - 1:
        merged = after
    else:
        merged = before
    del layout.items[k]
    del layout.comma_ws[k]
    layout.gaps[k : k + 2] = [merged]


def insert(layout: Layout, i: int, item: Item) -> None:
    """Insert `item` so that it becomes element i."""
    n = len(layout.items)
    line = _element_line(layout, i)
    gap = layout.gaps[i]
    if line is not None and i == 0:
        fresh = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), empty_lines=[], indent=line.indent, last_line=line.last_line
        )
        layout.gaps[0:1] = [gap, fresh]
    elif line is not None and isinstance(gap, cst.ParenthesizedWhitespace):
        left = cst.ParenthesizedWhitespace(
            first_line=gap.first_line, empty_lines=[], indent=line.indent, last_line=line.last_line
        )
        layout.gaps[i : i + 1] = [left, gap.with_changes(first_line=cst.TrailingWhitespace())]
    elif line is not None:  # after the last element of `['a',\n     'b']`: a new line all the same
        fresh = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(), empty_lines=[], indent=line.indent, last_line=line.last_line
        )
        layout.gaps[i : i + 1] = [fresh, gap]
    else:
        separator = next((g for g in layout.gaps[1:n] if isinstance(g, cst.SimpleWhitespace)), SPACE)
        at = 1 if i == 0 else i
        layout.gaps[at:at] = [separator]
    layout.items.insert(i, item)
    layout.comma_ws.insert(i, EMPTY)


def _element_line(layout: Layout, i: int) -> cst.ParenthesizedWhitespace | None:
    """A line break leading to an element line next to position i, or None when elements are inline."""
    n = len(layout.items)
    between = [layout.gaps[j] for j in range(1, n)]
    if between and not all(isinstance(g, cst.ParenthesizedWhitespace) for g in between):
        return None  # several elements share a line: insert inline
    order = ([i] if i < n else []) + list(range(min(i, n - 1), -1, -1)) + list(range(i + 1, n))
    for j in order:
        g = layout.gaps[j]
        if isinstance(g, cst.ParenthesizedWhitespace):
            return g
    return None
