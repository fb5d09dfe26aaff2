"""The text renderer: exact output for people, with and without color."""

from __future__ import annotations

from driftbot.ftypes import Binding, Collection, Location, Report
from driftbot.report import RENDERERS
from driftbot.report.text import render_text
from driftbot.rules.catalog import RULES, finding

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


UNSURE_STEP = (
    "  - {what} a planned fix driftbot is not certain of: review it with "
    "`driftbot fix --confidence likely --dry-run`, then apply it without `--dry-run`.\n"
)
FIX_STEP = (
    "  - {what} can be fixed automatically: run `driftbot fix` (`driftbot fix --dry-run` shows the diff first).\n"
)


def test_text_shows_one_block_per_drift_most_severe_and_most_copies_first() -> None:
    assert render_text(_incident()) == (
        f"high  unknown-name  {STALE} (in 2 copies)\n"
        "  fix: 'br_roster' -> 'br_rosters_current'\n"
        "  orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py:32:9\n"
        "  shared/config/orchestration_config.py:32:9\n"
        "\n"
        "high  count-mismatch  3 names, the SSOT expects 21\n"
        "  shared/config/orchestration_config.py:7:1\n"
        "\n"
        "high  missing-name  'bdl_boxscores' from the SSOT is missing\n"
        "  fix: add 'bdl_boxscores'\n"
        "  shared/config/orchestration_config.py:120:25\n"
        "\n"
        "low  expired-suppression  suppression expired on 2024-01-31\n"
        "  .driftbot-ignore.yml:4:5\n"
        "\n"
        "5 findings (4 high, 1 low) in 3 files; 120 files scanned, 2 bindings\n"
        "\n"
        "Next steps\n"
        + UNSURE_STEP.format(what="3 findings have")
        + "  - 2 findings need a change by hand: each rule is explained in docs/rules.md.\n"
    )


def test_text_folds_info_of_a_rule_into_one_block_and_says_what_it_means() -> None:
    infos = tuple(
        finding(
            "unmanaged-table",
            Location("ssot/p.yaml", 4, 10),
            f"table nba_raw.{t} exists but nobody writes it",
            actual=t,
        )
        for t in ("a", "b")
    )
    assert render_text(Report(infos, files_scanned=3)) == (
        f"info  unmanaged-table  2 findings: {RULES['unmanaged-table'].summary}\n"
        "  ssot/p.yaml:4:10  table nba_raw.a exists but nobody writes it\n"
        "  ssot/p.yaml:4:10  table nba_raw.b exists but nobody writes it\n"
        "\n"
        "2 findings (2 info) in 1 file; 3 files scanned, 0 bindings\n"
        "\n"
        "Next steps\n"
        "  - 2 info findings (`unmanaged-table`): Tables that exist in an inventory but that no SSOT processor "
        "writes. Add them to the SSOT, or list them in the ignore file when they are meant to stay unmanaged. "
        "Info never fails the run.\n"
    )


def test_text_colors_only_the_severity_and_locations_when_asked() -> None:
    report = Report(
        (finding("duplicate-name", Location("a.py", 3, 5), "'x' is listed twice", actual="x"),),
        files_scanned=1,
    )
    assert render_text(report, color=True) == (
        "\033[33mmedium\033[0m  duplicate-name  'x' is listed twice\n"
        "  fix: remove 'x'\n"
        "  \033[2ma.py:3:5\033[0m\n"
        "\n"
        "1 finding (1 medium) in 1 file; 1 file scanned, 0 bindings\n"
        "\n"
        "\033[1mNext steps\033[0m\n" + UNSURE_STEP.format(what="1 finding has")
    )
    assert "\033" not in render_text(report)


def test_concise_is_one_line_per_finding_by_file_and_line() -> None:
    assert RENDERERS["concise"](_incident()) == (
        ".driftbot-ignore.yml:4:5: low expired-suppression suppression expired on 2024-01-31\n"
        f"orchestration/cloud_functions/phase2_to_phase3/{CONFIG}:32:9: high unknown-name {STALE}\n"
        f"{CONFIG}:7:1: high count-mismatch 3 names, the SSOT expects 21\n"
        f"{CONFIG}:32:9: high unknown-name {STALE}\n"
        f"{CONFIG}:120:25: high missing-name 'bdl_boxscores' from the SSOT is missing\n"
    )
    bad = finding("duplicate-name", Location("a\nb.py", 1, 1), "x\n::error::y", actual="x")
    hostile = Report((bad,), files_scanned=1)
    assert RENDERERS["concise"](hostile) == "a b.py:1:1: medium duplicate-name x ::error::y\n"


def test_text_without_drift_is_one_line() -> None:
    report = Report((), files_scanned=120, bindings=(_binding("a.py", "X"),) * 14)
    assert render_text(report) == "No drift: 120 files scanned, 14 bindings.\n"


def test_text_shows_no_fix_for_unfixable_findings() -> None:
    report = Report((finding("copy-divergence", Location("b.py", 1, 1), "differs", actual="a"),), files_scanned=2)
    assert "fix:" not in render_text(report)


def test_registry_names_every_format() -> None:
    assert sorted(RENDERERS) == ["concise", "json", "markdown", "sarif", "text"]
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
        f"high  unknown-name  {STALE}\n"
        "  fix: 'br_roster' -> 'br_rosters_current'\n"
        "  certain: 7 copies of X; size 6 = SSOT phase 2 (6)\n"
        f"  {CONFIG}:32:9\n"
        "\n"
        "high  unknown-name  'x' is odd\n"
        "  possible\n"
        f"  {CONFIG}:40:9\n"
        "\n"
        "2 findings (2 high; 1 possible, counted as info) in 1 file; 3 files scanned, 0 bindings\n"
        "\n"
        "Next steps\n"
        + FIX_STEP.format(what="1 finding")
        + "  - 1 finding has a planned fix driftbot is not certain of: review it with "
        "`driftbot fix --confidence possible --dry-run`, then apply it without `--dry-run`.\n"
    )
