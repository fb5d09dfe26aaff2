"""Name rules on hand-built bindings: exact findings."""

from __future__ import annotations

from pathlib import Path

from driftbot.ftypes import Binding, Collection, Element, Location, Severity
from driftbot.inventory.base import Inventory, TableInfo
from driftbot.inventory.known import KnownTables
from driftbot.rules import names
from driftbot.ssot import loader

ROOT = Path(__file__).resolve().parents[1]
SSOT = loader.load(ROOT / "ssot", ROOT)
PHASE2 = SSOT.by_key("phase2")
assert PHASE2 is not None
P2 = "ssot/processors/phase2_raw_processors.yaml"


def binding(values: list[str], path: str = "cfg.py", symbol: str = "Cfg.phase2") -> Binding:
    elements = tuple(Element(v, Location(path, 10 + i, 9)) for i, v in enumerate(values))
    c = Collection(path, symbol, "list", Location(path, 9, 5), elements, 10 + len(values))
    return Binding(c, "phase2", "name", "auto")


def test_rename_suggestion_for_stale_name() -> None:
    values = ["br_roster" if v == "br_rosters_current" else v for v in PHASE2.names]
    (f,) = names.check_binding(binding(values), PHASE2)
    assert (f.rule, f.severity, str(f.location), f.actual, f.expected, f.fixable) == (
        "unknown-name",
        Severity.HIGH,
        "cfg.py:15:9",
        "br_roster",
        "br_rosters_current",
        True,
    )
    assert f.message == "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"
    assert (f.symbol, f.ssot) == ("Cfg.phase2", P2)


def test_missing_duplicate_and_count() -> None:
    values = [*PHASE2.names[1:], "nbac_schedule"]
    found = [(f.rule, str(f.location), f.actual, f.expected) for f in names.check_binding(binding(values), PHASE2)]
    assert found == [
        ("duplicate-name", "cfg.py:15:9", "nbac_schedule", None),
        ("missing-name", "cfg.py:9:5", None, "bdl_player_boxscores"),
    ]
    short = list(PHASE2.names[1:])
    found = [(f.rule, f.message) for f in names.check_binding(binding(short), PHASE2)]
    assert found == [
        ("missing-name", "'bdl_player_boxscores' (phase 2 processor) is missing from Cfg.phase2"),
        ("count-mismatch", "Cfg.phase2 lists 5 processors; the SSOT expects 6"),
    ]


def test_an_optional_processor_may_be_left_out_of_a_complete_copy() -> None:
    required = list(PHASE2.names[:5])  # br_rosters_current is `required: false`
    assert list(names.check_binding(binding(required), PHASE2)) == []
    found = [(f.rule, f.message) for f in names.check_binding(binding([*required[1:], "nbac_schedule"]), PHASE2)]
    assert found == [
        ("duplicate-name", "'nbac_schedule' appears more than once in Cfg.phase2"),
        ("missing-name", "'bdl_player_boxscores' (phase 2 processor) is missing from Cfg.phase2"),
    ]


def test_a_reference_reports_only_near_misses_that_exist_nowhere() -> None:
    ref = Binding(
        binding(["nbac_schedule", "br_roster", "_completed_count"]).collection, "phase2", "name", "auto", False
    )
    (f,) = names.check_binding(ref, PHASE2, SSOT)
    assert (f.rule, f.actual, f.expected, f.confidence) == ("unknown-name", "br_roster", "br_rosters_current", "likely")
    assert f.message == (
        "'br_roster' is neither a phase 2 name in the SSOT nor a table an inventory lists; "
        "did you mean 'br_rosters_current'?"
    )
    assert f.evidence == ("'br_roster' is a prefix of 'br_rosters_current'",)
    # An inventory that lists br_roster: a real table, nothing to report.
    ddl = Inventory("ddl:schema.sql", (TableInfo("", "nba_raw", "br_roster", "TABLE"),), ("nba_raw",))
    known = names.Known.of(KnownTables.build(SSOT, [ddl]))
    assert list(names.check_binding(ref, PHASE2, SSOT, known)) == []


def test_unknown_without_candidate_is_not_fixable() -> None:
    values = [*PHASE2.names, "totally_unrelated"]
    found = list(names.check_binding(binding(values), PHASE2))
    assert [(f.rule, f.expected, f.fixable) for f in found] == [
        ("unknown-name", None, False),
        ("count-mismatch", "6", False),
    ]
    assert found[0].message == "'totally_unrelated' is not a phase 2 processor in the SSOT"


def test_copy_divergence_points_at_the_odd_copy() -> None:
    good = list(PHASE2.names)
    odd = ["br_roster" if v == "br_rosters_current" else v for v in good]
    bindings = [binding(good, "a.py"), binding(good, "b.py"), binding(odd, "c.py")]
    (f,) = names.copy_divergence(bindings, SSOT)
    assert (f.rule, str(f.location)) == ("copy-divergence", "c.py:9:5")
    assert f.message == "Cfg.phase2 differs from 2 other copies (e.g. a.py): +br_roster, -br_rosters_current"


def test_copy_divergence_tie_blames_the_copy_that_differs_from_the_ssot() -> None:
    good = list(PHASE2.names)
    odd = ["zz_rosters_current" if v == "br_rosters_current" else v for v in good]
    (f,) = names.copy_divergence([binding(odd, "a.py"), binding(good, "b.py")], SSOT)
    assert str(f.location) == "a.py:9:5"
    assert f.message == "Cfg.phase2 differs from 1 other copies (e.g. b.py): +zz_rosters_current, -br_rosters_current"


def test_missing_name_is_fixable_only_where_fix_can_insert() -> None:
    short = list(PHASE2.names[1:])
    elements = tuple(Element(v, Location("d.py", 2, 5 + 10 * i)) for i, v in enumerate(short))
    keys = Collection("d.py", "TIMEOUTS", "dict", Location("d.py", 1, 12), elements, 3)
    column = Collection("d.py", "PAIRS[*][0]", "list", Location("d.py", 1, 9), elements, 3)
    for c, fixable in ((keys, False), (column, False), (binding(short).collection, True)):
        missing = [
            f for f in names.check_binding(Binding(c, "phase2", "name", "auto"), PHASE2) if f.rule == "missing-name"
        ]
        assert [(f.expected, f.fixable) for f in missing] == [("bdl_player_boxscores", fixable)]
