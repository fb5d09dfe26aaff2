"""Apply every planned edit of one Python file in a single libcst pass.

Edits are keyed by location (as findings give them) and resolved to nodes first; one transformer
then rebuilds only the sequences that change. A rename swaps one string token (prefix and quote
kept); removals and insertions go through `layout`, which keeps the collection's own style.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from driftbot.fix import layout
from driftbot.fix.source import Member, PySource, Sequence_
from driftbot.ftypes import Finding

Position = tuple[int, int]


@dataclass(frozen=True)
class Rename:
    at: Position
    old: str
    new: str
    finding: Finding


@dataclass(frozen=True)
class Remove:
    at: Position
    value: str
    collection: Position
    finding: Finding


@dataclass(frozen=True)
class Insert:
    collection: Position
    value: str
    order: tuple[str, ...]  # the SSOT list, in order: where the value goes
    members: frozenset[Position]  # the collection's string positions: the node must hold exactly these
    finding: Finding


Edit = Rename | Remove | Insert


@dataclass
class _Plan:
    node: Sequence_
    renames: dict[int, str] = field(default_factory=dict)
    removes: set[int] = field(default_factory=set)
    inserts: list[str] = field(default_factory=list)
    order: tuple[str, ...] = ()
    entries: list[tuple[int | None, str | None]] = field(default_factory=list)  # final (old index, value)


@dataclass(frozen=True)
class Outcome:
    data: bytes
    applied: tuple[Finding, ...]
    skipped: tuple[tuple[Finding, str], ...]
    renamed: dict[Position, str]  # string location -> new value
    rebuilt: dict[Position, tuple[str, ...]]  # collection location -> its values afterwards


def apply(src: PySource, edits: Sequence[Edit]) -> Outcome:
    plans: dict[int, _Plan] = {}
    applied: list[Finding] = []
    skipped: list[tuple[Finding, str]] = []
    renamed: dict[Position, str] = {}
    where: dict[int, Position] = {id(node): pos for pos, node in src.sequences.items()}

    def plan_for(node: Sequence_) -> _Plan:
        return plans.setdefault(id(node), _Plan(node))

    for e in sorted(edits, key=lambda e: isinstance(e, Rename)):  # removals first: they win over renames
        why = _resolve(src, e, where)
        if isinstance(why, str):
            skipped.append((e.finding, why))
            continue
        plan = plan_for(why.sequence) if isinstance(why, Member) else plan_for(why)
        if isinstance(e, Rename):
            assert isinstance(why, Member)
            if why.index in plan.removes:
                skipped.append((e.finding, "the element is removed"))
                continue
            plan.renames[why.index] = e.new
            renamed[e.at] = e.new
        elif isinstance(e, Remove):
            assert isinstance(why, Member)
            plan.removes.add(why.index)
        else:
            plan.inserts.append(e.value)
            plan.order = e.order
        applied.append(e.finding)

    strings: dict[int, dict[int, str]] = {}
    for m in src.members.values():
        value = m.string.evaluated_value
        if "b" not in m.string.prefix.lower() and isinstance(value, str):
            strings.setdefault(id(m.sequence), {})[m.index] = value
    rebuilt: dict[Position, tuple[str, ...]] = {}
    for plan in plans.values():
        _arrange(plan, strings.get(id(plan.node), {}))
        if plan.removes or plan.inserts:
            rebuilt[where[id(plan.node)]] = tuple(v for _, v in plan.entries if v is not None)
    if not plans:
        return Outcome(src.encode(src.module), (), tuple(skipped), {}, {})
    try:
        module = src.module.visit(_Transformer(plans, src))
    except layout.LayoutError as exc:
        return Outcome(src.encode(src.module), (), (*skipped, *((f, str(exc)) for f in applied)), {}, {})
    return Outcome(src.encode(module), tuple(applied), tuple(skipped), renamed, rebuilt)


def _resolve(src: PySource, e: Edit, where: dict[int, Position]) -> Member | Sequence_ | str:
    """The node an edit applies to, or why it cannot be applied."""
    if isinstance(e, Insert):
        node = src.sequences.get(e.collection)
        if node is None:
            return "no collection at this position"
        if isinstance(node, cst.Dict):
            return "cannot add a key to a dict (it needs a value)"
        if {pos for pos, m in src.members.items() if m.sequence is node} != e.members:
            return "the collection is spread over several rows; cannot insert into it"
        return node
    member = src.members.get(e.at)
    expected = e.old if isinstance(e, Rename) else e.value
    if member is None or member.string.evaluated_value != expected:
        return f"no string {expected!r} at this position (the file changed since the audit?)"
    if isinstance(e, Remove) and where.get(id(member.sequence)) != e.collection:
        return "the string is one column of a table row; removing it would break the row"
    return member


def _arrange(plan: _Plan, values: dict[int, str]) -> None:
    """The final order: kept elements (renamed), then each inserted value where the SSOT order puts it."""
    entries: list[tuple[int | None, str | None]] = []
    for k in range(len(plan.node.elements)):
        if k not in plan.removes:
            entries.append((k, plan.renames.get(k, values.get(k))))
    rank = {v: i for i, v in enumerate(plan.order)}
    for value in sorted(plan.inserts, key=lambda v: rank.get(v, len(rank))):
        entries.insert(_slot(entries, value, rank), (None, value))
    plan.entries = entries


def _slot(entries: list[tuple[int | None, str | None]], value: str, rank: dict[str, int]) -> int:
    mine = rank.get(value, len(rank))
    before = [i for i, (_, v) in enumerate(entries) if v is not None and rank.get(v, mine) < mine]
    if before:
        nearest = max(before, key=lambda i: (rank[entries[i][1] or ""], -i))
        return nearest + 1
    after = [i for i, (_, v) in enumerate(entries) if v is not None and rank.get(v, -1) > mine]
    return min(after) if after else len(entries)


def token(value: str, like: cst.SimpleString | None, keep_prefix: bool) -> str:
    """A string literal for `value` in the style of `like` (its quote, and its prefix when asked)."""
    quote = like.quote if like is not None else "'"
    prefix = like.prefix if like is not None and keep_prefix else ""
    if any(ch in value for ch in ("\\", quote[0], "\n", "\r")):
        return repr(value)
    return f"{prefix}{quote}{value}{quote}"


class _Transformer(cst.CSTTransformer):
    """Rebuilds the planned sequences, descending only along the paths that lead to them."""

    def __init__(self, plans: dict[int, _Plan], src: PySource) -> None:
        super().__init__()
        self.plans = plans
        self.on_path = {a for key in plans for a in src.ancestors.get(key, ())}

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) in self.on_path

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        plan = self.plans.get(id(original_node))
        if plan is None or not isinstance(updated_node, cst.List | cst.Tuple | cst.Set | cst.Dict):
            return updated_node
        return _rebuild(plan, updated_node)


def _string_of(item: layout.Item) -> cst.SimpleString | None:
    value = item.key if isinstance(item, cst.DictElement) else getattr(item, "value", None)
    return value if isinstance(value, cst.SimpleString) else None


def _rebuild(plan: _Plan, node: Sequence_) -> Sequence_:
    parts = layout.split(node)
    for k, new in plan.renames.items():
        old = _string_of(parts.items[k])
        assert old is not None
        replacement = cst.SimpleString(token(new, old, keep_prefix=True))
        item = parts.items[k]
        if isinstance(item, cst.DictElement):
            parts.items[k] = item.with_changes(key=replacement.with_changes(lpar=old.lpar, rpar=old.rpar))
        else:
            parts.items[k] = item.with_changes(value=replacement.with_changes(lpar=old.lpar, rpar=old.rpar))
        layout.realign_comment(parts, k, len(replacement.value) - len(old.value))
    for k in sorted(plan.removes, reverse=True):
        layout.remove(parts, k)
    like = next((s for item in parts.items if (s := _string_of(item)) is not None), None)
    for i, (old_index, value) in enumerate(plan.entries):
        if old_index is None and value is not None:
            layout.insert(parts, i, cst.Element(cst.SimpleString(token(value, like, keep_prefix=False))))
    return layout.join(node, parts)
