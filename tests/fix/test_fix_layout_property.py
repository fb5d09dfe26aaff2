"""Random edits on collections of every layout: the result parses, holds exactly the planned values,
and no line outside the collection changes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from driftbot.extract.python import extract
from driftbot.fix import codemod, source
from driftbot.ftypes import Finding, Location, Severity

F = Finding("unknown-name", Severity.HIGH, Location("a.py", 1, 1), "property")
ORDER = tuple(f"name_{i}" for i in range(8))
HEAD = "import os\n\n\nclass Config:\n    # before\n"
TAIL = "    other = 'name_1'  # not bound\n"


def render(values: list[str], style: str, trailing: bool, comments: bool) -> str:
    """`    X = <collection>` inside a class, in one of the layouts people write."""
    if style == "inline":
        body = ", ".join(f"'{v}'" for v in values)
        return f"    X = [{body}{', ' if trailing and values else ''}]\n"
    if style == "hanging":
        pad = " " * len("    X = (")
        lines = ",\n".join(f"{pad if i else ''}'{v}'" for i, v in enumerate(values))
        return f"    X = ({lines}{',' if trailing else ''})\n"
    out = ["    X = [\n"]
    for i, v in enumerate(values):
        comma = "," if i < len(values) - 1 or trailing else ""
        note = f"  # about {v}" if comments and i % 2 == 0 else ""
        out.append(f"        '{v}'{comma}{note}\n")
    out.append("    ]\n")
    return "".join(out)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[str], str, bool, bool, list[str], dict[int, str], set[int]]:
    present = draw(st.lists(st.sampled_from(ORDER), min_size=2, max_size=6, unique=True))
    present.sort(key=ORDER.index)
    style = draw(st.sampled_from(["inline", "hanging", "lines"]))
    trailing = draw(st.booleans())
    comments = draw(st.booleans())
    missing = [v for v in ORDER if v not in present]
    inserts = draw(st.lists(st.sampled_from(missing), unique=True, max_size=3)) if missing else []
    removes = set(draw(st.lists(st.integers(0, len(present) - 1), unique=True, max_size=len(present) - 1)))
    kept = [i for i in range(len(present)) if i not in removes]
    renames = {i: present[i] + "_renamed" for i in draw(st.lists(st.sampled_from(kept), unique=True, max_size=2))}
    return present, style, trailing, comments, inserts, renames, removes


@settings(max_examples=150, deadline=None)
@given(cases())
def test_random_edits_keep_everything_else(
    case: tuple[list[str], str, bool, bool, list[str], dict[int, str], set[int]],
) -> None:
    present, style, trailing, comments, inserts, renames, removes = case
    text = HEAD + render(present, style, trailing, comments) + TAIL
    data = text.encode()
    (collection,) = [c for c in extract("a.py", data) if c.symbol == "Config.X"]
    at = [(e.location.line, e.location.column) for e in collection.elements]
    where = (collection.location.line, collection.location.column)
    edits: list[codemod.Edit] = [codemod.Remove(at[i], present[i], where, F) for i in removes]
    edits += [codemod.Rename(at[i], present[i], new, F) for i, new in renames.items()]
    edits += [codemod.Insert(where, v, ORDER, frozenset(at), F) for v in inserts]
    outcome = codemod.apply(source.load("a.py", data), edits)
    assert outcome.skipped == ()

    kept = [renames.get(i, v) for i, v in enumerate(present) if i not in removes]
    for v in sorted(inserts, key=ORDER.index):  # after the nearest SSOT predecessor, else before a successor
        rank = ORDER.index(v)
        before = [j for j, k in enumerate(kept) if k in ORDER and ORDER.index(k) < rank]
        after_ = [j for j, k in enumerate(kept) if k in ORDER and ORDER.index(k) > rank]
        nearest = max(before, key=lambda j: (ORDER.index(kept[j]), -j)) if before else None
        kept.insert(nearest + 1 if nearest is not None else min(after_, default=len(kept)), v)
    after = outcome.data.decode()
    (changed,) = [c for c in extract("a.py", outcome.data) if c.symbol == "Config.X"]
    assert list(changed.values) == kept
    assert after.startswith(HEAD)
    assert after.endswith(TAIL)
    if style != "inline":
        assert all(line.startswith("    ") for line in after[len(HEAD) : -len(TAIL)].splitlines())
