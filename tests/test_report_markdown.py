"""Markdown for PR comments and job summaries: tables, the phase diagram, and staying under a limit."""

from __future__ import annotations

from driftbot.ftypes import Binding, Collection, Finding, Location, Report
from driftbot.report import RENDERERS
from driftbot.report.markdown import SourceLinks, findings_per_phase, render_markdown
from driftbot.rules.catalog import finding

CONFIG = "shared/config/orchestration_config.py"
SYMBOL = "PhaseTransitionConfig.phase2_expected_processors"
PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
PHASE3 = "ssot/processors/phase3_analytics_processors.yaml"


def _stale(path: str, line: int = 32) -> Finding:
    return finding(
        "unknown-name",
        Location(path, line, 9),
        "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?",
        symbol=SYMBOL,
        ssot=PHASE2,
        actual="br_roster",
        expected="br_rosters_current",
        confidence="certain",
        evidence=("7 copies of X", "size 6 = SSOT phase 2 (6)"),
    )


def _report(*findings: Finding, bindings: tuple[Binding, ...] = ()) -> Report:
    ordered = tuple(sorted(findings, key=lambda f: f.sort_key))
    return Report(ordered, files_scanned=120, bindings=bindings, phases=("phase2", "phase3", "phase4"))


def _section(text: str, heading: str) -> str:
    """The block of `text` that starts with the line `heading`, up to the next blank-line-separated heading."""
    start = text.index(heading + "\n")
    end = text.find("\n\n###", start)
    return text[start : end if end != -1 else len(text)].rstrip("\n")


def _incident() -> Report:
    return _report(
        _stale(CONFIG),
        _stale("orchestration/shared/config/orchestration_config.py"),
        finding(
            "missing-name",
            Location("bin/monitor.py", 5, 12),
            "'nbac_schedule' | from the SSOT is <missing>",
            symbol="EXPECTED",
            ssot=PHASE3,
            expected="nbac_schedule",
        ),
        finding("expired-suppression", Location(".driftbot-ignore.yml", 4, 5), "expired on 2024-01-31"),
    )


FIX_STEP = "- {what} can be fixed automatically: run `driftbot fix` (`driftbot fix --dry-run` shows the diff first).\n"


def test_markdown_one_row_per_drift_most_severe_first_then_next_steps() -> None:
    text = render_markdown(_incident())
    assert text.startswith("## driftbot: 4 findings in 4 files\n\n3 high, 1 low; 120 files scanned, 0 bindings.\n\n")
    table = text[text.index("| Severity |") :]
    assert table == (
        "| Severity | Confidence | Rule | Drift | Where |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| high | certain | `unknown-name` | `'br_roster'` -> `'br_rosters_current'` in 2 copies "
        "<sub>(7 copies of X; size 6 = SSOT phase 2 (6))</sub> | <details><summary>2 files"
        "</summary>`orchestration/shared/config/orchestration_config.py:32`<br>`shared/config/orchestration_config.py:32`"
        "</details> |\n"
        "| high | likely | `missing-name` | add `'nbac_schedule'` | `bin/monitor.py:5` |\n"
        "| low | likely | `expired-suppression` | expired on 2024-01-31 | `.driftbot-ignore.yml:4` |\n"
        "\n"
        "**Next steps**\n"
        "\n"
        + FIX_STEP.format(what="2 findings")
        + "- 1 finding has a planned fix driftbot is not certain of: review it with "
        "`driftbot fix --confidence likely --dry-run`, then apply it without `--dry-run`.\n"
        + "- 1 finding needs a change by hand: each rule is explained in docs/rules.md.\n"
    )


def test_markdown_cells_are_inert_and_locations_link_to_the_commit() -> None:
    hostile = finding("copy-divergence", Location("a|b.py", 3, 1), "'x' | <img src=y> @team")
    links = SourceLinks("https://github.com", "o/r", "abc123")
    text = render_markdown(_report(hostile), links=links)
    assert (
        "| medium | likely | `copy-divergence` | 'x' \\| &lt;img src=y&gt; @\u2060team | "
        "[a\\|b.py:3](https://github.com/o/r/blob/abc123/a%7Cb.py#L3) |\n"
    ) in text


def test_mermaid_diagram_marks_drifted_phases_red() -> None:
    text = render_markdown(_incident())
    diagram = text[text.index("```mermaid") : text.index("```\n", text.index("```mermaid") + 3) + 3]
    assert diagram == (
        "```mermaid\n"
        "flowchart LR\n"
        '  p_phase2["phase2: 2 findings"]\n'
        '  p_phase3["phase3: 1 finding"]\n'
        '  p_phase4["phase4: in sync"]\n'
        "  p_phase2 --> p_phase3\n"
        "  p_phase3 --> p_phase4\n"
        "  classDef drifted fill:#ffebe9,stroke:#cf222e,color:#82071e\n"
        "  classDef clean fill:#dafbe1,stroke:#1a7f37,color:#044f1e\n"
        "  class p_phase2,p_phase3 drifted\n"
        "  class p_phase4 clean\n"
        "```"
    )


def test_phase_comes_from_the_binding_even_when_the_ssot_file_name_says_nothing() -> None:
    collection = Collection(CONFIG, SYMBOL, "list", Location(CONFIG, 30, 50), (), 40)
    binding = Binding(collection, "phase3", "name", "explicit")
    odd_name = finding("missing-name", Location(CONFIG, 30, 50), "m", symbol=SYMBOL, ssot="ssot/processors/raw.yaml")
    elsewhere = finding("unknown-name", Location("other.py", 1, 1), "m", ssot="ssot/processors/raw.yaml")
    unrelated = finding("unparsable-file", Location("bad.py", 1, 1), "could not parse")
    # `other.py` has no binding: its phase is learned from the SSOT file the bound finding names.
    assert findings_per_phase(_report(odd_name, elsewhere, unrelated, bindings=(binding,))) == {"phase3": 2}


def test_phase_from_ssot_file_name_does_not_confuse_phase2_and_phase20() -> None:
    report = Report(
        (replace_ssot(_stale(CONFIG), "ssot/processors/phase20_extra.yaml"),),
        files_scanned=1,
        phases=("phase2", "phase20"),
    )
    assert findings_per_phase(report) == {"phase20": 1}


def replace_ssot(f: Finding, ssot: str) -> Finding:
    return Finding(f.rule, f.severity, f.location, f.message, f.symbol, ssot, f.actual, f.expected, f.fixable)


def test_markdown_without_drift() -> None:
    text = render_markdown(_report())
    assert text.startswith("## driftbot: no drift\n\n120 files scanned, 0 bindings.\n\n```mermaid\n")
    assert "class p_phase2,p_phase3,p_phase4 clean" in text
    assert "| Severity |" not in text
    assert RENDERERS["markdown"](_report(), color=True) == text


def _many() -> Report:
    highs = [_stale(f"copies/{i:02d}/{CONFIG}") for i in range(5)]
    lows = [
        finding("expired-suppression", Location(".driftbot-ignore.yml", 10 + i, 5), f"entry {i} expired on 2024-01-31")
        for i in range(40)
    ]
    return _report(*highs, *lows)


def test_limit_drops_lowest_severity_first_and_says_so() -> None:
    report = _many()
    full = render_markdown(report)
    limit = len(full) - 1500
    text = render_markdown(report, limit=limit)
    assert len(text.encode()) <= limit
    assert "`'br_roster'` -> `'br_rosters_current'` in 5 copies" in text  # the high drift is kept
    kept_lows = text.count("| `.driftbot-ignore.yml:")
    assert 0 < kept_lows < 40
    assert f"\n\n… {40 - kept_lows} more low findings not shown; see the job summary / JSON report\n\n" in text
    # The title still counts everything, not only what fits; the next steps too.
    assert "5 high, 40 low; 120 files scanned" in text
    assert text.endswith("- 40 findings need a change by hand: each rule is explained in docs/rules.md.\n")


def test_limit_names_every_severity_it_cut_and_custom_pointer() -> None:
    text = render_markdown(_many(), limit=800, see="see the job summary")
    assert len(text.encode()) <= 800
    assert "| `" not in text
    assert "```mermaid" in text
    assert "\n\n… 45 more findings (5 high, 40 low) not shown; see the job summary\n\n**Next steps**" in text


def test_limit_drops_the_diagram_before_truncating() -> None:
    text = render_markdown(_many(), limit=600)
    assert "```" not in text
    assert "0 bindings.\n\n… 45 more findings (5 high, 40 low) not shown; see the job summary / JSON report\n" in text


def test_limit_smaller_than_the_frame_truncates_at_a_line_break() -> None:
    assert render_markdown(_many(), limit=200) == (
        "## driftbot: 45 findings in 6 files\n\n"
        "5 high, 40 low; 120 files scanned, 0 bindings.\n\n"
        "| Severity | Confidence | Rule | Drift | Where |\n\n"
        "… truncated; see the job summary / JSON report\n"
    )
    assert render_markdown(_many(), limit=10) == "… trunca"  # the ellipsis is 3 bytes


def test_limit_counts_utf8_bytes() -> None:
    report = _report(*[finding("unparsable-file", Location(f"é{i}.py", 1, 1), "ééééé " * 20) for i in range(30)])
    full = render_markdown(report)
    assert len(full.encode()) > len(full)
    text = render_markdown(report, limit=len(full))
    assert len(text.encode()) <= len(full)
    assert "more info findings not shown" in text


def test_no_cut_when_the_report_fits() -> None:
    report = _many()
    full = render_markdown(report)
    assert render_markdown(report, limit=len(full.encode())) == full
