"""The text renderer: exact output for people, with and without color."""

from __future__ import annotations

from driftbot.ftypes import Binding, Collection, Location, Report
from driftbot.report import RENDERERS
from driftbot.report.text import render_text
from driftbot.rules.catalog import finding

CONFIG = "shared/config/orchestration_config.py"
SYMBOL = "PhaseTransitionConfig.phase2_expected_processors"
PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
STALE = "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"


def _binding(path: str, symbol: str) -> Binding:
    collection = Collection(path, symbol, "list", Location(path, 30, 50), (), 40)
    return Binding(collection, "phase2", "name", "auto")


def _incident() -> Report:
    findings = [
        finding(
            "unknown-name",
            Location(f"{prefix}{CONFIG}", 32, 9),
            STALE,
            symbol=SYMBOL,
            ssot=PHASE2,
            actual="br_roster",
            expected="br_rosters_current",
        )
        for prefix in ("", "orchestration/cloud_functions/phase2_to_phase3/")
    ]
    findings += [
        finding(
            "missing-name",
            Location(CONFIG, 120, 25),
            "'bdl_boxscores' from the SSOT is missing",
            symbol="EXPECTED",
            ssot=PHASE2,
            expected="bdl_boxscores",
        ),
        finding("count-mismatch", Location(CONFIG, 7, 1), "3 names, the SSOT expects 21", actual="3", expected="21"),
        finding("expired-suppression", Location(".driftbot-ignore.yml", 4, 5), "suppression expired on 2024-01-31"),
    ]
    findings.sort(key=lambda f: f.sort_key)
    bindings = tuple(_binding(f.location.path, SYMBOL) for f in findings[:2])
    return Report(tuple(findings), files_scanned=120, bindings=bindings, phases=("phase2", "phase3"))


def test_text_groups_by_file_and_shows_fixes() -> None:
    assert render_text(_incident()) == (
        ".driftbot-ignore.yml\n"
        "  4:5  low  expired-suppression  suppression expired on 2024-01-31\n"
        "\n"
        "orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py\n"
        f"  32:9  high  unknown-name  {STALE}\n"
        "    fix: 'br_roster' -> 'br_rosters_current'\n"
        "\n"
        "shared/config/orchestration_config.py\n"
        "  7:1     high  count-mismatch  3 names, the SSOT expects 21\n"
        f"  32:9    high  unknown-name    {STALE}\n"
        "    fix: 'br_roster' -> 'br_rosters_current'\n"
        "  120:25  high  missing-name    'bdl_boxscores' from the SSOT is missing\n"
        "    fix: add 'bdl_boxscores'\n"
        "\n"
        "5 findings (4 high, 1 low) in 3 files; 120 files scanned, 2 bindings\n"
    )


def test_text_colors_only_the_severity_and_file_when_asked() -> None:
    report = Report(
        (finding("duplicate-name", Location("a.py", 3, 5), "'x' is listed twice", actual="x"),),
        files_scanned=1,
    )
    assert render_text(report, color=True) == (
        "\033[1ma.py\033[0m\n"
        "  3:5  \033[33mmedium\033[0m  duplicate-name  'x' is listed twice\n"
        "    fix: remove 'x'\n"
        "\n"
        "1 finding (1 medium) in 1 file; 1 file scanned, 0 bindings\n"
    )
    assert "\033" not in render_text(report)


def test_text_without_drift_is_one_line() -> None:
    report = Report((), files_scanned=120, bindings=(_binding("a.py", "X"),) * 14)
    assert render_text(report) == "No drift: 120 files scanned, 14 bindings.\n"


def test_text_shows_no_fix_for_unfixable_findings() -> None:
    report = Report((finding("copy-divergence", Location("b.py", 1, 1), "differs", actual="a"),), files_scanned=2)
    assert "fix:" not in render_text(report)


def test_registry_names_every_format() -> None:
    assert sorted(RENDERERS) == ["json", "markdown", "sarif", "text"]
    report = _incident()
    for render in RENDERERS.values():
        assert render(report, color=False).endswith("\n")


def test_text_shows_confidence_and_evidence_and_counts_possible_ones() -> None:
    sure = finding(
        "unknown-name",
        Location(CONFIG, 32, 9),
        STALE,
        actual="br_roster",
        expected="br_rosters_current",
        confidence="certain",
        evidence=("7 copies of X", "size 6 = SSOT phase 2 (6)"),
    )
    maybe = finding("unknown-name", Location(CONFIG, 40, 9), "'x' is odd", confidence="possible")
    assert render_text(Report((sure, maybe), files_scanned=3)) == (
        f"{CONFIG}\n"
        f"  32:9  high  unknown-name  {STALE}\n"
        "    fix: 'br_roster' -> 'br_rosters_current'\n"
        "    certain: 7 copies of X; size 6 = SSOT phase 2 (6)\n"
        "  40:9  high  unknown-name  'x' is odd\n"
        "    possible\n"
        "\n"
        "2 findings (2 high; 1 possible, counted as info) in 1 file; 3 files scanned, 0 bindings\n"
    )
