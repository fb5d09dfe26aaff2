"""`driftbot init` on the example repository with its driftbot files removed, and discovery on small cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.commands.init.discover import discover
from driftbot.commands.init.layout import plan, slug
from driftbot.commands.init.rank import rank
from driftbot.commands.init.tables import NO_SSOT, InitTables
from driftbot.ftypes import Collection, Element, Location
from driftbot.inventory.known import KnownTables
from example_helpers import PHASE2_TABLES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_WORKFLOW = ROOT / "examples" / "workflows" / "driftbot.yml"
TEMPLATE_WORKFLOW = ROOT / "src" / "driftbot" / "templates" / "driftbot-workflow.yml"
# Every copy holds the stale br_roster for br_rosters_current; schemas/bigquery/nba_raw.sql creates the latter.
PHASE2 = PHASE2_TABLES
PHASE2_FILE = """\
# Proposed by `driftbot init` from 10 copies:
#   orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase2_to_phase3/main.py:81 EXPECTED_PROCESSORS
#   orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase4_to_phase5/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase5_to_phase6/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/self_heal/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   predictions/coordinator/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   predictions/worker/shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
#   shared/config/orchestration_config.py:26 PhaseTransitionConfig.phase2_expected_processors
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 2
phase_name: "expected_processors"
dataset: "nba_raw"

critical_processors:
  - name: "bdl_player_boxscores"
    description: "Ball Don't Lie box scores"
  - name: "bigdataball_play_by_play"
    description: "BigDataBall play-by-play"
  - name: "odds_api_game_lines"
    description: "Odds API game lines"
  - name: "nbac_schedule"
    description: "NBA.com schedule"
  - name: "nbac_gamebook_player_stats"
    description: "NBA.com gamebook stats"
  - name: "br_rosters_current"  # the copies say br_roster, which no inventory knows
    renamed_from: ["br_roster"]
    description: "Basketball-ref rosters"
orchestration:
  expected_count: 6
"""  # noqa: E501

CONFIG_FILE = """\
# driftbot configuration, proposed by `driftbot init` (see the driftbot README).
version: 1
ssot: ssot
auto_bind: true  # copies holding most of an SSOT list are found without a binding
"""

LISTING = [
    "ssot/processors/phase2_expected_processors.yaml  (phase2: 6 names from "
    "PhaseTransitionConfig.phase2_expected_processors)",
    "ssot/processors/phase3_expected_processors.yaml  (phase3: 5 names from "
    "PhaseTransitionConfig.phase3_expected_processors)",
    "ssot/processors/phase4_expected_processors.yaml  (phase4: 5 names from "
    "PhaseTransitionConfig.phase4_expected_processors)",
    ".driftbot.yml  (configuration: SSOT in ssot/)",
    ".github/workflows/driftbot.yml  (GitHub Actions: PR check, /driftbot commands, scheduled auto-fix and dashboard)",
]
PROPOSED = [
    "ssot/processors/phase2_expected_processors.yaml",
    "ssot/processors/phase3_expected_processors.yaml",
    "ssot/processors/phase4_expected_processors.yaml",
    ".driftbot.yml",
    ".github/workflows/driftbot.yml",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_what_it_found_and_writes_nothing(
    bare_example: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(p for p in bare_example.rglob("*"))
    code, out, err = run(capsys, "init", str(bare_example))
    assert (code, err) == (0, "")
    assert sorted(p for p in bare_example.rglob("*")) == before
    lines = out.splitlines()
    assert lines[:5] == [
        "Read 39 Python files, parsed 15 that may hold a pipeline list",
        "Inventory: 19 tables in CREATE statements in the repository",
        "",
        "Proposing 3 lists, most evidence first:",
        "",
    ]
    assert [line for line in lines if line.startswith("#")] == [
        "#1 phase3: 5 names in 9 copies (PhaseTransitionConfig.phase3_expected_processors)",
        "#2 phase2: 6 names in 10 copies (PhaseTransitionConfig.phase2_expected_processors, EXPECTED_PROCESSORS)",
        "#3 phase4: 5 names in 9 copies (PhaseTransitionConfig.phase4_expected_processors)",
    ]
    at = lines.index(
        "#2 phase2: 6 names in 10 copies (PhaseTransitionConfig.phase2_expected_processors, EXPECTED_PROCESSORS)"
    )
    assert lines[at + 1 : at + 7] == [
        "  " + ", ".join(PHASE2),
        "  evidence: copied in 10 files",
        "  evidence: the symbol names the pipeline: processors, phase 2, expected",
        "  evidence: 5 of 6 names are tables of nba_raw an inventory knows",
        "  evidence: br_roster -> br_rosters_current: no inventory knows br_roster; "
        "br_rosters_current: CREATE TABLE at schemas/bigquery/nba_raw.sql:120",
        "  orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py:26:75 "
        "PhaseTransitionConfig.phase2_expected_processors",
    ]
    assert "  orchestration/cloud_functions/phase2_to_phase3/main.py:81:38 EXPECTED_PROCESSORS" in lines
    # A processor that writes to a versioned table keeps its name: the table goes to target_table.
    assert (
        "  evidence: ml_feature_store writes to ml_feature_store_v2: no inventory knows ml_feature_store; "
        "ml_feature_store_v2: CREATE TABLE at schemas/bigquery/nba_precompute.sql:69"
    ) in lines
    assert lines[-6:] == ["Would write (run again with --write to create them):", *(f"  {line}" for line in LISTING)]


def test_write_creates_a_valid_setup_that_audits(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", str(bare_example), "--write")
    assert code == 0
    assert out.splitlines()[-8:] == [
        "Wrote:",
        *(f"  {line}" for line in LISTING),
        "",
        "Next: driftbot audit",
    ]
    for rel in PROPOSED:
        assert (bare_example / rel).is_file(), rel
    assert (bare_example / PROPOSED[0]).read_text() == PHASE2_FILE
    assert (bare_example / ".driftbot.yml").read_text() == CONFIG_FILE
    # The proposed workflow is the documented example, byte for byte.
    assert (bare_example / PROPOSED[-1]).read_bytes() == EXAMPLE_WORKFLOW.read_bytes()
    assert run(capsys, "validate", "--ssot", str(bare_example / "ssot"))[0] == 0
    assert (
        '    target_table: "ml_feature_store_v2"  # no inventory knows a table ml_feature_store\n'
        in (bare_example / PROPOSED[2]).read_text()
    )
    # The proposed SSOT follows the schema, not the majority: every copy of br_roster is now drift.
    _, out, _ = run(capsys, "audit", str(bare_example), "--format", "json")
    stale = [(f["path"], f["actual"]) for f in json.loads(out)["findings"] if f["rule"] == "unknown-name"]
    assert len(stale) == 10
    assert {actual for _, actual in stale} == {"br_roster"}


def test_the_example_workflow_is_the_template_init_writes() -> None:
    # One source: edit src/driftbot/templates/driftbot-workflow.yml, then copy it over the example.
    assert EXAMPLE_WORKFLOW.read_bytes() == TEMPLATE_WORKFLOW.read_bytes()
    assert "issue_comment:" in TEMPLATE_WORKFLOW.read_text()
    assert "secrets.DRIFTBOT_TOKEN" in TEMPLATE_WORKFLOW.read_text()


def test_write_refuses_to_overwrite(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bare_example / ".driftbot.yml").write_text("version: 1\n")
    code, _, err = run(capsys, "init", str(bare_example), "--write")
    assert code == 2
    assert err == "driftbot: .driftbot.yml: already exists; init never overwrites (move it away or edit it by hand)\n"
    assert not (bare_example / "ssot").exists()
    assert (bare_example / ".driftbot.yml").read_text() == "version: 1\n"


def test_dry_run_marks_existing_files(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (bare_example / ".driftbot.yml").write_text("version: 1\n")
    _, out, _ = run(capsys, "init", str(bare_example))
    assert "  .driftbot.yml  (configuration: SSOT in ssot/)  EXISTS: --write will refuse" in out.splitlines()


def test_nothing_copied_nothing_proposed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.py").write_text("NAMES = ['alpha', 'beta']\n")
    assert run(capsys, "init", str(tmp_path), "--write") == (
        0,
        "Read 1 Python files, parsed 0 that may hold a pipeline list\n"
        "Inventory: no CREATE TABLE statement, none given\n"
        "\n"
        "No copied list with pipeline evidence; nothing to propose.\n",
        "",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py"]


def test_not_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "init", str(tmp_path / "nope")) == (2, "", f"driftbot: {tmp_path / 'nope'}: not a directory\n")


ACTIONLINT = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint not installed (dev extra)")
def test_proposed_workflow_passes_actionlint(bare_example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "init", str(bare_example), "--write")
    done = subprocess.run(
        [str(ACTIONLINT), ".github/workflows/driftbot.yml"],
        cwd=bare_example,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "")


def coll(path: str, symbol: str, values: list[str], line: int = 1) -> Collection:
    elements = tuple(Element(v, Location(path, line + i + 1, 5)) for i, v in enumerate(values))
    return Collection(path, symbol, "list", Location(path, line, 1), elements, line + len(values) + 1)


def test_same_symbol_with_drift_groups_and_takes_the_majority() -> None:
    found = discover(
        [
            coll("a.py", "PROCS", ["x_one", "y_two", "z_three"]),
            coll("b.py", "PROCS", ["x_one", "y_two", "z_three"]),
            coll("c.py", "PROCS", ["x_one", "y_two", "z_old"]),
            coll("d.py", "PROCS", ["unrelated", "values"]),  # same symbol, different list: not a copy
        ]
    )
    assert [(f.values, f.files) for f in found] == [(("x_one", "y_two", "z_three"), ("a.py", "b.py", "c.py"))]
    assert [c.path for c in found[0].divergent()] == ["c.py"]


def test_same_values_under_other_symbols_group() -> None:
    found = discover([coll("a.py", "A", ["p_1x", "q_2y"]), coll("b.py", "B", ["q_2y", "p_1x"])])
    assert [(f.symbols, f.files) for f in found] == [(("A", "B"), ("a.py", "b.py"))]


def test_single_file_enumerations_exports_options_and_non_names_are_not_proposed() -> None:
    assert discover([coll("a.py", "A", ["one", "two"]), coll("a.py", "B", ["one", "two"])]) == []
    assert discover([coll("a.py", "K", ["phase2", "phase3"]), coll("b.py", "K", ["phase2", "phase3"])]) == []
    assert discover([coll("a.py", "M", ["a b", "c d"]), coll("b.py", "M", ["a b", "c d"])]) == []
    assert discover([coll(p, "__all__", ["run", "main"]) for p in ("a.py", "b.py")]) == []
    assert discover([coll(p, "pkg.__all__", ["run", "main"]) for p in ("a.py", "b.py")]) == []
    assert discover([coll(p, "parser.add_argument(choices)", ["daily", "replay"]) for p in ("a.py", "b.py")]) == []
    assert discover([coll(p, "FLAGS", ["--dry-run", "--verbose"]) for p in ("a.py", "b.py")]) == []


NO_TABLES = InitTables(KnownTables.build(NO_SSOT, []), ())


def test_phase_numbers_come_from_symbols_else_a_placeholder() -> None:
    found = discover(
        [
            *(coll(p, "cfg.phase3_list", ["aa", "bb"]) for p in ("a.py", "b.py")),
            *(coll(p, "OtherTables", ["cc", "dd"]) for p in ("a.py", "b.py")),
            *(coll(p, "cfg.PHASE_1_processors", ["ee", "ff"]) for p in ("a.py", "b.py")),
        ]
    )
    layout = plan(rank(found, NO_TABLES, []))
    assert [(p.key, p.filename, p.placeholder) for p in layout.by_number] == [
        ("phase1", "phase1_processors.yaml", False),
        ("phase2", "phase2_other_tables.yaml", True),  # 1 and 3 are claimed by symbols
        ("phase3", "phase3_list.yaml", False),
    ]


def test_two_lists_claiming_one_phase_keep_it_for_the_better_ranked() -> None:
    found = discover(
        [
            *(coll(p, "phase2_processors", ["aa", "bb"]) for p in ("a.py", "b.py", "c.py")),
            *(coll(p, "PHASE2_TABLES", ["cc", "dd"]) for p in ("a.py", "b.py")),
        ]
    )
    layout = plan(rank(found, NO_TABLES, []))
    assert [p.key for p in layout.phases] == ["phase2"]
    assert [(r.symbol, why) for r, why in layout.left_out] == [
        ("PHASE2_TABLES", "phase 2 is taken by phase2_processors, which ranks higher")
    ]


def test_lists_without_pipeline_evidence_are_counted_not_proposed() -> None:
    found = discover([coll(p, "TEAM_NAMES", ["LAL", "BOS"]) for p in ("a.py", "b.py", "c.py")])
    ranked = rank(found, NO_TABLES, [])
    assert [(r.symbol, r.qualifies) for r in ranked] == [("TEAM_NAMES", False)]
    assert plan(ranked).phases == ()


def test_a_symbol_naming_columns_or_options_is_no_pipeline_evidence() -> None:
    found = discover(
        [
            *(coll(p, "TABLE_COLUMNS", ["game_id", "game_date"]) for p in ("a.py", "b.py", "c.py")),
            *(coll(p, "PIPELINE_OPTIONS", ["fast_mode", "slow_mode"]) for p in ("a.py", "b.py")),
        ]
    )
    ranked = rank(found, NO_TABLES, [])
    assert [(r.symbol, r.qualifies, r.evidence[1]) for r in ranked] == [
        ("TABLE_COLUMNS", False, "the symbol names columns, not a pipeline list"),
        ("PIPELINE_OPTIONS", False, "the symbol names options, not a pipeline list"),
    ]


def test_top_cuts_the_proposal() -> None:
    found = discover(
        [coll(p, f"phase{i}_processors", [f"a{i}x", f"b{i}y"]) for i in (1, 2, 3) for p in ("a.py", "b.py")]
    )
    layout = plan(rank(found, NO_TABLES, []), top=2)
    assert (len(layout.phases), layout.beyond_top) == (2, 1)


@pytest.mark.parametrize(
    ("symbol", "expected"),
    [
        ("PhaseTransitionConfig.phase2_expected_processors", "expected_processors"),
        ("CONFIG[\"phase3 'core' tables\"]", "core_tables"),
        ("<call>(0)", "processors"),
        ("<module>", "processors"),
        ("run.<call>(tables)", "tables"),
        ("REQUIRED_PHASE2_TABLES[*][1]", "required_tables"),
        ("Config.phase4ProcessorList", "processor_list"),
    ],
)
def test_slug_is_a_clean_file_name_word(symbol: str, expected: str) -> None:
    assert slug(symbol) == expected
