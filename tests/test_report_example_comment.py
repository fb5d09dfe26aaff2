"""The example's PR comment, exactly: one screen, three rows (br_roster x10, the SQL comment, the info), links."""

from __future__ import annotations

from driftbot.audit import run_audit
from driftbot.github import comment, pipeline
from driftbot.rules.catalog import RULES
from example_helpers import CONFIG_COPIES, EXAMPLE, FALLBACK, MONITORING_SQL

SHA = "0123456789abcdef0123456789abcdef01234567"
REPO = "acme/nba-props-platform"
PHASE2 = "ssot/processors/phase2_raw_processors.yaml"


def link(path: str, line: int) -> str:
    return f"[{path}:{line}](https://github.com/{REPO}/blob/{SHA}/{path}#L{line})"


def test_the_example_pr_comment_is_three_rows_with_links_and_next_steps() -> None:
    report = run_audit(EXAMPLE)
    links = pipeline.source_links("https://github.com", REPO, SHA)
    body = comment.header(SHA) + pipeline.markdown(
        report, limit=comment.COMMENT_LIMIT, see="see the job summary", links=links, pull_request=True
    )
    copies = sorted([(p, 32) for p in CONFIG_COPIES] + [(FALLBACK, 87)])
    assert body == (
        f"{comment.MARKER}\n<sub>driftbot audited {SHA[:7]}</sub>\n\n"
        "## driftbot: 13 findings in 12 files\n\n"
        "10 high, 1 low, 2 info; 57 files scanned, 32 bindings.\n\n"
        "```mermaid\n"
        "flowchart LR\n"
        '  p_phase2["phase2: 13 findings"]\n'
        '  p_phase3["phase3: in sync"]\n'
        '  p_phase4["phase4: in sync"]\n'
        "  p_phase2 --> p_phase3\n"
        "  p_phase3 --> p_phase4\n"
        "  classDef drifted fill:#ffebe9,stroke:#cf222e,color:#82071e\n"
        "  classDef clean fill:#dafbe1,stroke:#1a7f37,color:#044f1e\n"
        "  class p_phase2 drifted\n"
        "  class p_phase3,p_phase4 clean\n"
        "```\n\n"
        "| Severity | Confidence | Rule | Drift | Where |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| high | certain | `unknown-name` | `'br_roster'` -> `'br_rosters_current'` in 10 copies <sub>(9 copies of "
        "PhaseTransitionConfig.phase2_expected_processors; size 6 = SSOT phase 2 (6); its name "
        "phase2_expected_processors says 'expected'; the only unknown name, and 'br_rosters_current' the only "
        "missing one; 'br_roster' is a prefix of 'br_rosters_current')</sub> | "
        "<details><summary>10 files</summary>" + "<br>".join(link(p, n) for p, n in copies) + "</details> |\n"
        "| low | certain | `stale-comment-name` | `'nbac_gamebook'` -> `'nbac_gamebook_player_stats'` <sub>("
        "'nbac_gamebook' is not in the inventory; 'nbac_gamebook_player_stats' is; 'nbac_gamebook' is a prefix of "
        "'nbac_gamebook_player_stats')</sub> | "
        f"{link(MONITORING_SQL, 322)} |\n"
        f"| info | certain | `unmanaged-table` | {RULES['unmanaged-table'].summary} <sub>(in snapshot:inventory/"
        "bigquery_tables.json; no SSOT processor of nba_raw writes it)</sub> | <details><summary>2 locations</summary>"
        f"{link(PHASE2, 4)} `nba_raw.nbac_injury_report`<br>{link(PHASE2, 4)} `nba_raw.odds_api_player_points_props`"
        "</details> |\n\n"
        "**Next steps**\n\n"
        "- 11 findings can be fixed automatically: comment `/driftbot fix` on this pull request, "
        "or run `driftbot fix` in your checkout.\n"
        "- 2 info findings (`unmanaged-table`): Tables that exist in an inventory but that no SSOT processor writes. "
        "Add them to the SSOT, or list them in the ignore file when they are meant to stay unmanaged. "
        "Info never fails the run.\n"
    )
    # One screen: the rendered lines outside the folded locations and the diagram's source.
    shown = body.split("```\n\n", 1)[1]
    assert len(shown.splitlines()) == 10


def test_without_a_repository_or_sha_locations_are_plain_text() -> None:
    assert pipeline.source_links("https://github.com", REPO, None) is None
    text = pipeline.markdown(run_audit(EXAMPLE), limit=comment.COMMENT_LIMIT, see="x")
    assert f"| `{MONITORING_SQL}:322` |" in text
    assert "](https://" not in text
