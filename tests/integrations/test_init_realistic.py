"""`driftbot init` on a realistic repository: 7 vendored copies carrying a stale name, a schema with the
real table, and everything else real platforms copy around (Slack blocks, team dicts, `__all__`,
argparse choices). The proposal must rank the pipeline lists first, correct the stale name from the
CREATE TABLE statements, number phases from the symbols only, quote every scalar and validate."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from driftbot import paths
from driftbot.cli import main
from driftbot.commands.init import propose
from driftbot.commands.init import tables as known_tables
from driftbot.commands.init.discover import discover
from driftbot.commands.init.layout import plan
from driftbot.commands.init.rank import rank
from driftbot.commands.init.read import may_hold_a_list
from driftbot.extract.python import extract
from recorded_git import listings

VENDORED = (
    "orchestration/cloud_functions/phase2_to_phase3",
    "orchestration/cloud_functions/phase3_to_phase4",
    "orchestration/cloud_functions/phase4_to_phase5",
    "orchestration/cloud_functions/self_heal",
    "orchestration/cloud_functions/daily_health_summary",
    "predictions/coordinator",
    "predictions/worker",
)

ORCHESTRATION_CONFIG = """\
from dataclasses import dataclass, field


@dataclass
class PhaseTransitionConfig:
    phase2_expected_processors: list[str] = field(default_factory=lambda: [
        'bdl_player_boxscores',  # Ball Don't Lie box scores
        'nbac_schedule',
        'odds_api_game_lines',
        'br_roster',  # Basketball-ref rosters
    ])
    phase3_expected_processors: list[str] = field(default_factory=lambda: [
        'player_game_summary',
        'team_defense_game_summary',
        'upcoming_player_game_context',
    ])
"""

EXPORTS = "EXPORTS = {}\nEXPORTS[\"phase5 'daily' processors\"] = ['prediction_export', 'yes', 'null']\n"

FILES = {
    "schemas/bigquery/nba_raw.sql": """\
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bdl_player_boxscores` (game_date DATE);
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_schedule` (game_date DATE);
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.odds_api_game_lines` (game_date DATE);
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.br_rosters_current` (team STRING);
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_injury_report` (game_date DATE);
        CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.nbac_team_boxscore` (game_date DATE);
        """,
    "schemas/bigquery/nba_analytics.sql": """\
        CREATE TABLE IF NOT EXISTS nba_analytics.player_game_summary (game_date DATE);
        CREATE TABLE IF NOT EXISTS nba_analytics.team_defense_game_summary (game_date DATE);
        CREATE TABLE IF NOT EXISTS nba_analytics.upcoming_player_game_context (game_date DATE);
        """,
    # A freshness gate that also says phase 2: it shares names with the phase-2 list, so it is left out.
    "monitoring/freshness.py": """\
        REQUIRED_PHASE2_TABLES = [
            ('nba_raw', 'bdl_player_boxscores', 'game_date'),
            ('nba_raw', 'nbac_team_boxscore', 'game_date'),
        ]
        """,
    "monitoring/freshness_check.py": """\
        REQUIRED_PHASE2_TABLES = [
            ('nba_raw', 'bdl_player_boxscores', 'game_date'),
            ('nba_raw', 'nbac_team_boxscore', 'game_date'),
        ]
        """,
    # A pipeline list whose symbol says no phase: it gets a placeholder number.
    "backfill/jobs.py": "BACKFILL_TABLES = ['nbac_injury_report', 'nbac_team_boxscore_v1']\n",
    "backfill/replay.py": "BACKFILL_TABLES = ['nbac_injury_report', 'nbac_team_boxscore_v1']\n",
    # A symbol with quotes and names YAML 1.1 reads as a boolean and as null.
    **{f"exports/{name}.py": EXPORTS for name in ("daily", "weekly")},
    # Copied around, but no pipeline list: Slack block keys, a team dict, exports, CLI options.
    **{
        f"alerts/{name}.py": """\
            def build_alert(message):
                return {"type": "section", "text": {"type": "mrkdwn", "text": message}}
            """
        for name in ("slack", "email_digest", "pager")
    },
    **{
        f"{pkg}/teams.py": "TEAM_NAMES = {'LAL': 'Lakers', 'BOS': 'Celtics', 'GSW': 'Warriors'}\n"
        for pkg in ("predictions", "monitoring")
    },
    **{f"{pkg}/__init__.py": "__all__ = ['build_alert', 'send_alert']\n" for pkg in ("alerts", "notify")},
    **{
        f"bin/{name}.py": """\
            import argparse
            parser = argparse.ArgumentParser()
            parser.add_argument('--mode', choices=['daily', 'backfill', 'replay'])
            FLAGS = ['--dry-run', '--verbose']
            """
        for name in ("run_backfill", "run_daily")
    },
}

PHASE2_FILE = """\
# Proposed by `driftbot init` from 7 copies:
#   orchestration/cloud_functions/daily_health_summary/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase2_to_phase3/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase3_to_phase4/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/phase4_to_phase5/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   orchestration/cloud_functions/self_heal/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   predictions/coordinator/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
#   predictions/worker/shared/config/orchestration_config.py:6 PhaseTransitionConfig.phase2_expected_processors
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 2
phase_name: "expected_processors"
dataset: "nba_raw"

critical_processors:
  - name: "bdl_player_boxscores"
    description: "Ball Don't Lie box scores"
  - name: "nbac_schedule"
  - name: "odds_api_game_lines"
  - name: "br_rosters_current"  # the copies say br_roster, which no inventory knows
    renamed_from: ["br_roster"]
    description: "Basketball-ref rosters"
orchestration:
  expected_count: 4
"""  # noqa: E501

PHASE5_FILE = """\
# Proposed by `driftbot init` from 2 copies:
#   exports/daily.py:2 EXPORTS["phase5 'daily' processors"]
#   exports/weekly.py:2 EXPORTS["phase5 'daily' processors"]
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 5
phase_name: "daily_processors"
dataset: "CHANGE_ME"  # the BigQuery dataset these processors write to

critical_processors:
  - name: "prediction_export"
  - name: "yes"
  - name: "null"
orchestration:
  expected_count: 3
"""

PHASE1_HEAD = """\
# Proposed by `driftbot init` from 2 copies:
#   backfill/jobs.py:1 BACKFILL_TABLES
#   backfill/replay.py:1 BACKFILL_TABLES
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 1  # placeholder: no phase number in BACKFILL_TABLES
phase_name: "backfill_tables"
dataset: "nba_raw"
"""

CONFIG_FILE = """\
# driftbot configuration, proposed by `driftbot init` (see the driftbot README).
version: 1
ssot: ssot
auto_bind: true  # copies holding most of an SSOT list are found without a binding
# copies too different for auto-discovery
bindings:
  - files: backfill/jobs.py
    symbol: BACKFILL_TABLES
    ssot: phase1
  - files: backfill/replay.py
    symbol: BACKFILL_TABLES
    ssot: phase1
"""


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    for rel, text in FILES.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    for base in VENDORED:
        target = tmp_path / base / "shared" / "config" / "orchestration_config.py"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ORCHESTRATION_CONFIG)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_pipeline_lists_rank_first_with_their_evidence(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "init", str(platform))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:5] == [
        # Only the files that can hold a pipeline list are parsed (the audit's read): the 7 copies, the freshness
        # gates, the backfill jobs and the exports (a first pass with CPython's `ast` read all 22).
        "Read 22 Python files, parsed 13 that may hold a pipeline list",
        "Inventory: 9 tables in CREATE statements in the repository",
        "",
        "Proposing 4 lists, most evidence first:",
        "",
    ]
    headers = [line for line in lines if line.startswith("#")]
    assert headers == [
        "#1 phase3: 3 names in 7 copies (PhaseTransitionConfig.phase3_expected_processors)",
        "#2 phase2: 4 names in 7 copies (PhaseTransitionConfig.phase2_expected_processors)",
        "#3 phase1: 2 names in 2 copies (BACKFILL_TABLES)",
        "#4 phase5: 3 names in 2 copies (EXPORTS[\"phase5 'daily' processors\"])",
    ]
    at = lines.index(headers[1])
    assert lines[at + 1 : at + 6] == [
        "  bdl_player_boxscores, nbac_schedule, odds_api_game_lines, br_rosters_current",
        "  evidence: copied in 7 files",
        "  evidence: the symbol names the pipeline: processors, phase 2, expected",
        "  evidence: 3 of 4 names are tables of nba_raw an inventory knows",
        "  evidence: br_roster -> br_rosters_current: no inventory knows br_roster; "
        "br_rosters_current: CREATE TABLE at schemas/bigquery/nba_raw.sql:4",
    ]
    at = lines.index(headers[2])
    assert lines[at + 1 : at + 6] == [
        "  nbac_injury_report, nbac_team_boxscore",
        "  evidence: copied in 2 files",
        "  evidence: the symbol names the pipeline: tables",
        "  evidence: 1 of 2 names are tables of nba_raw an inventory knows",
        "  evidence: nbac_team_boxscore_v1 -> nbac_team_boxscore: no inventory knows nbac_team_boxscore_v1; "
        "nbac_team_boxscore: CREATE TABLE at schemas/bigquery/nba_raw.sql:6",
    ]
    at = lines.index(headers[3])
    assert lines[at + 1 : at + 4] == [
        "  prediction_export, yes, null",
        "  evidence: copied in 2 files",
        "  evidence: the symbol names the pipeline: processors, phase 5",
    ]
    assert lines[lines.index("Would write (run again with --write to create them):") - 2 :] == [
        "Not proposed: REQUIRED_PHASE2_TABLES[*][1] (bdl_player_boxscores, nbac_team_boxscore): "
        "shares bdl_player_boxscores with PhaseTransitionConfig.phase2_expected_processors, which ranks higher",
        "",
        "Would write (run again with --write to create them):",
        "  ssot/processors/phase1_backfill_tables.yaml  (phase1: 2 names from BACKFILL_TABLES)",
        "  ssot/processors/phase2_expected_processors.yaml  "
        "(phase2: 4 names from PhaseTransitionConfig.phase2_expected_processors)",
        "  ssot/processors/phase3_expected_processors.yaml  "
        "(phase3: 3 names from PhaseTransitionConfig.phase3_expected_processors)",
        "  ssot/processors/phase5_daily_processors.yaml  (phase5: 3 names from EXPORTS[\"phase5 'daily' processors\"])",
        "  .driftbot.yml  (configuration: SSOT in ssot/, 2 explicit bindings)",
        "  .github/workflows/driftbot.yml  "
        "(GitHub Actions: PR check, /driftbot commands, scheduled auto-fix and dashboard)",
    ]
    for never in ("phase72", "__all__", "choices", "--dry-run", "TEAM_NAMES", "build_alert"):
        assert never not in out


def test_write_quotes_scalars_uses_clean_file_names_and_validates(
    platform: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init", str(platform), "--write")
    assert code == 0
    written = sorted(p.relative_to(platform).as_posix() for p in (platform / "ssot").rglob("*.yaml"))
    assert written == [
        "ssot/processors/phase1_backfill_tables.yaml",
        "ssot/processors/phase2_expected_processors.yaml",
        "ssot/processors/phase3_expected_processors.yaml",
        "ssot/processors/phase5_daily_processors.yaml",
    ]
    assert (platform / written[1]).read_text() == PHASE2_FILE
    assert (platform / written[3]).read_text() == PHASE5_FILE
    assert (platform / written[0]).read_text().startswith(PHASE1_HEAD)
    assert (platform / ".driftbot.yml").read_text() == CONFIG_FILE
    assert run(capsys, "validate", str(platform)) == (0, "SSOT valid: 4 phase(s), 12 processor(s)\n", "")
    # The stale names are now drift: br_roster in every vendored copy, the old backfill table in both jobs.
    code, out, _ = run(capsys, "audit", str(platform), "--format", "json")
    report = json.loads(out)
    assert code == 1
    assert sorted((f["path"], f["rule"], f["actual"]) for f in report["findings"]) == sorted(
        [(f"{base}/shared/config/orchestration_config.py", "unknown-name", "br_roster") for base in VENDORED]
        + [(f"backfill/{n}.py", "unknown-name", "nbac_team_boxscore_v1") for n in ("jobs", "replay")]
    )
    # `renamed_from` makes the renames certain, so `fix` repairs every copy and the audit is clean.
    assert run(capsys, "fix", str(platform))[0] == 1
    assert (
        "        'br_rosters_current',  # Basketball-ref rosters\n"
        in (platform / VENDORED[0] / "shared" / "config" / "orchestration_config.py").read_text()
    )
    assert run(capsys, "audit", str(platform))[0] == 0


def test_the_phase_number_comes_from_the_symbol_only(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Two lists claim phase 2 and share no name: the better ranked one gets it, the other is left out.
    for name in ("a", "b"):
        (platform / "monitoring" / f"{name}_gate.py").write_text(
            "PHASE2_GATE_TABLES = ['nbac_injury_report', 'nbac_team_boxscore']\n"
        )
    _, out, _ = run(capsys, "init", str(platform))
    assert (
        "Not proposed: PHASE2_GATE_TABLES (nbac_injury_report, nbac_team_boxscore): "
        "phase 2 is taken by PhaseTransitionConfig.phase2_expected_processors, which ranks higher"
    ) in out.splitlines()
    assert "phase72" not in out


def test_a_budget_that_runs_out_says_so(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Pass 1 reads in chunks of 250 files, so all 22 are read; the parse stops after the first file.
    code, out, err = run(capsys, "init", str(platform), "--budget", "0.000001")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        "Read 22 of 22 Python files, parsed 1 of 13 that may hold a pipeline list: "
        "the --budget of 1e-06 s ran out, the proposal may miss copies"
    )


def test_budget_and_top_must_make_sense(platform: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["init", str(platform), "--top", "0"])
    assert exc.value.code == 2
    assert "argument --top: must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["init", str(platform), "--budget", "-1"])
    assert "argument --budget: must be 0 (no limit) or more" in capsys.readouterr().err


def test_a_ddl_inventory_shares_inits_listing(
    platform: Path, argv_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "init", str(platform), "--inventory", "ddl:schemas/**/*.sql")
    assert code == 0
    assert "9 tables in ddl:schemas/**/*.sql" in out
    assert listings(argv_log) == 1  # one listing for the walks and ddl:


def full_read_layout(repo: Path) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """The proposal as a libcst read of every file makes it (the slow path the fast one must equal)."""
    files = paths.walk(repo, [], (".py",))
    found = [c for rel in files for c in extract(rel, (repo / rel).read_bytes())]
    sql = paths.walk(repo, [], (".sql",))
    tables = known_tables.read(repo, sql, [])
    layout = plan(rank(discover(found), tables, []))
    return [(p.key, p.ranked.values, p.ranked.found.files) for p in layout.phases]


@pytest.mark.parametrize("repo_fixture", ["platform", "bare_example"])
def test_the_two_pass_read_proposes_what_a_full_read_does(repo_fixture: str, request: pytest.FixtureRequest) -> None:
    repo: Path = request.getfixturevalue(repo_fixture)
    fast = propose(repo)
    assert fast.layout.phases
    assert [(p.key, p.ranked.values, p.ranked.found.files) for p in fast.layout.phases] == full_read_layout(repo)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"PHASE2_TABLES = [\n    'a_b',\n]\n", True),
        (b"x = {'processors': ('a_b', 'c_d')}\n", True),
        (b"    phase2_expected_processors: list[str] = field(\n", True),
        (b"class RawTables:\n    names = ['a_b', 'c_d']\n", True),
        (b"def phase3_lists():\n    return ['a_b', 'c_d']\n", True),
        (b'"""Helpers for the odds pipeline."""\nNAMES = [\'a_b\', \'c_d\']\n', False),
        (b"def load(client, dataset: str) -> None:\n    log('x', dataset)\n", False),
        (b"query = f'SELECT * FROM {dataset}.t'\nphases = ['a_b', 'c_d']\n", False),
        (b"NAMES = ['br_rosters_current', 'x_y']\n", True),  # names an inventory table
        (b"NAMES = ['br_rosters_current_v2', 'x_y']\n", False),  # only inside a longer name
    ],
)
def test_the_byte_scan_keeps_files_that_may_hold_a_pipeline_list(source: bytes, expected: bool) -> None:
    assert may_hold_a_list(source, frozenset({b"br_rosters_current"})) is expected


AMBIGUOUS_FILE = """\
# Proposed by `driftbot init` from 2 copies:
#   a.py:1 PHASE2_PROCESSORS
#   b.py:1 PHASE2_PROCESSORS
# Check the names and the dataset; processors may also take class, target_table, schedule.
version: "1.0"
phase: 2
phase_name: "processors"
dataset: "nba_raw"

critical_processors:
  - name: "nbac_schedule"
  - name: "br_rosters_current"  # the copies say br_roster, which no inventory knows
  - name: "custom_loader"
  - name: "other_loader"
orchestration:
  expected_count: 4
"""


def test_several_close_tables_replace_the_name_but_declare_no_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One table in four is enough to know the dataset; two tables start with br_roster, so the SSOT
    # takes the first but does not declare renamed_from: `fix` must not rename the copies on a guess.
    (tmp_path / "schema.sql").write_text(
        "CREATE TABLE nba_raw.nbac_schedule (d DATE);\n"
        "CREATE TABLE nba_raw.br_rosters_current (d DATE);\n"
        "CREATE TABLE nba_raw.br_rosters_history (d DATE);\n"
    )
    for name in ("a", "b"):
        (tmp_path / f"{name}.py").write_text(
            "PHASE2_PROCESSORS = ['nbac_schedule', 'br_roster', 'custom_loader', 'other_loader']\n"
        )
    code, out, _ = run(capsys, "init", str(tmp_path), "--write")
    assert code == 0
    assert (
        "  evidence: br_roster -> br_rosters_current: no inventory knows br_roster; "
        "br_rosters_current: CREATE TABLE at schema.sql:2 (also close: br_rosters_history)"
    ) in out.splitlines()
    assert (tmp_path / "ssot" / "processors" / "phase2_processors.yaml").read_text() == AMBIGUOUS_FILE
