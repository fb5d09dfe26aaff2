"""Fingerprints identify the drift, not its position: lines move, the alert stays the same."""

from __future__ import annotations

from dataclasses import replace

import pytest

from driftbot.ftypes import Finding, Location, Severity
from driftbot.report.fingerprint import fingerprint
from driftbot.rules.catalog import finding


def _stale() -> Finding:
    return finding(
        "unknown-name",
        Location("shared/config/orchestration_config.py", 32, 9),
        "'br_roster' is not a phase 2 processor",
        symbol="PhaseTransitionConfig.phase2_expected_processors",
        ssot="ssot/processors/phase2_raw_processors.yaml",
        actual="br_roster",
        expected="br_rosters_current",
    )


def test_fingerprint_is_a_fixed_32_hex_value() -> None:
    # Pinned: changing it silently would turn every recorded baseline entry into "new" drift.
    assert fingerprint(_stale()) == "b3fbe585bc64618533e1e64dbb20c990"


@pytest.mark.parametrize(
    "moved",
    [
        {"location": Location("shared/config/orchestration_config.py", 57, 9)},
        {"location": Location("shared/config/orchestration_config.py", 32, 13)},
        {"message": "reworded message"},
        {"severity": Severity.CRITICAL},
        {"ssot": "ssot/processors/renamed.yaml"},
        {"fixable": False},
    ],
    ids=["line", "column", "message", "severity", "ssot", "fixable"],
)
def test_fingerprint_ignores_position_and_wording(moved: dict[str, object]) -> None:
    assert fingerprint(replace(_stale(), **moved)) == fingerprint(_stale())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changed",
    [
        {"actual": "br_rosters"},
        {"expected": "br_rosters_archive"},
        {"symbol": "EXPECTED_PROCESSORS"},
        {"rule": "duplicate-name"},
        {"location": Location("orchestration/shared/config/orchestration_config.py", 32, 9)},
        {"actual": None},
    ],
    ids=["actual", "expected", "symbol", "rule", "path", "actual-unset"],
)
def test_fingerprint_changes_with_what_drifted(changed: dict[str, object]) -> None:
    assert fingerprint(replace(_stale(), **changed)) != fingerprint(_stale())  # type: ignore[arg-type]


def test_fields_cannot_bleed_into_each_other() -> None:
    a = replace(_stale(), actual="x,y", expected=None)
    b = replace(_stale(), actual="x", expected="y")
    assert fingerprint(a) != fingerprint(b)
    assert fingerprint(replace(_stale(), symbol=None)) != fingerprint(replace(_stale(), symbol=""))
