"""Auto-discovery and explicit binding rules, on hand-built collections."""

from __future__ import annotations

from pathlib import Path

import pytest

from driftbot import binding
from driftbot.config import BindingSpec
from driftbot.ftypes import Collection, Element, Location
from driftbot.ssot import loader

ROOT = Path(__file__).resolve().parents[1]
SSOT = loader.load(ROOT / "ssot", ROOT)
PHASE2 = list(SSOT.by_key("phase2").names)  # type: ignore[union-attr]


def coll(values: list[str], symbol: str = "X", path: str = "a.py") -> Collection:
    elements = tuple(Element(v, Location(path, 10 + i, 5)) for i, v in enumerate(values))
    return Collection(path, symbol, "list", Location(path, 9, 5), elements, 10 + len(values))


def bound(values: list[str]) -> tuple[str, str] | None:
    found = binding.best_match(coll(values), SSOT.lists)
    return (found[0].key, found[1]) if found else None


def test_exact_copy_binds_to_names() -> None:
    assert bound(PHASE2) == ("phase2", "name")


def test_one_or_two_stale_names_still_bind() -> None:
    stale = ["br_roster" if v == "br_rosters_current" else v for v in PHASE2]
    assert bound(stale) == ("phase2", "name")
    assert bound([*stale[:4], "nbac_gamebook", "br_roster"]) == ("phase2", "name")


def test_superset_for_another_purpose_is_not_a_copy() -> None:
    others = [f"raw_table_{i}" for i in range(30)]
    assert bound(PHASE2 + others) is None


def test_short_partial_list_is_not_a_copy() -> None:
    assert bound(PHASE2[:2]) is None


def test_target_tables_bind_to_target_table_field() -> None:
    tables = list(SSOT.by_key("phase4").tables)  # type: ignore[union-attr]
    assert "ml_feature_store_v2" in tables
    assert bound(tables) == ("phase4", "target_table")
    names = list(SSOT.by_key("phase4").names)  # type: ignore[union-attr]
    assert bound(names) == ("phase4", "name")


def test_explicit_binding_wins_and_picks_field() -> None:
    c = coll(["player_composite_factors", "ml_feature_store_v2"], symbol="Cfg.tables", path="svc/cfg.py")
    spec = BindingSpec(files="svc/*.py", symbol="Cfg.tables", ssot="phase4")
    (b,) = binding.bind([c], SSOT, [spec])
    assert (b.ssot_list, b.field, b.how) == ("phase4", "target_table", "explicit")


@pytest.mark.parametrize("auto", [True, False])
def test_auto_binding_can_be_switched_off(auto: bool) -> None:
    result = binding.bind([coll(PHASE2)], SSOT, [], auto=auto)
    assert len(result) == (1 if auto else 0)


def test_tie_after_a_table_rename_is_decided_by_the_symbol() -> None:
    """Phase 4 with player_daily_cache's table renamed: the old table list shares 4 names and 4 tables."""
    import dataclasses

    phase4 = SSOT.by_key("phase4")
    assert phase4 is not None
    renamed = tuple(
        p.model_copy(update={"target_table": "player_daily_cache_v2"}) if p.name == "player_daily_cache" else p
        for p in phase4.processors
    )
    lists = [dataclasses.replace(phase4, processors=renamed)]
    old_tables = list(phase4.tables)
    tables = binding.best_match(coll(old_tables, symbol="PRECOMPUTE_TABLES"), lists)
    names = binding.best_match(coll(old_tables, symbol="EXPECTED_PROCESSORS"), lists)
    assert tables is not None
    assert tables[1] == "target_table"
    assert names is not None
    assert names[1] == "name"
