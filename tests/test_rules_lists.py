"""unknown-name on name lists that are not copies (rules/lists.py): exact findings, exact fixes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from driftbot.audit import run_audit
from driftbot.fix.plan import make_plan
from example_helpers import PHASE2_TABLES, ROOT

RAW = (
    *PHASE2_TABLES,
    "nbac_player_boxscores",
    "espn_scoreboard",
    "nbac_injury_report",
)
# A cleanup job's list: 2 SSOT tables among inventory tables (it never binds), 3 wrong names.
CLEANUP = """CLEANUP_TABLES = [
    'nbac_schedule',
    'bdl_player_boxscores',
    'odds_api_game_lines',
    'nbac_injury_reports',
    'nba_raw.nbac_player_boxscore',
    'espn_scorebord',
    'nbac_player_box',
    'player_lookup',
]
"""


def _repo(tmp_path: Path, files: dict[str, str], snapshot: bool = True) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    if snapshot:
        tables = [{"tableReference": {"projectId": "p", "datasetId": "nba_raw", "tableId": t}} for t in RAW]
        (tmp_path / "bq.json").write_text(json.dumps(tables))
        files = {".driftbot.yml": "inventory: ['snapshot:bq.json']\n", **files}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def _found(repo: Path) -> list[tuple[str, str | None, str | None, str]]:
    return [
        (str(f.location), f.actual, f.expected, f.confidence)
        for f in run_audit(repo).findings
        if f.rule == "unknown-name"
    ]


def test_each_member_of_a_list_that_is_not_a_copy_must_exist(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/cleanup.py": CLEANUP})
    assert _found(repo) == [
        ("jobs/cleanup.py:5:5", "nbac_injury_reports", "nbac_injury_report", "certain"),
        ("jobs/cleanup.py:6:5", "nba_raw.nbac_player_boxscore", "nba_raw.nbac_player_boxscores", "certain"),
        ("jobs/cleanup.py:7:5", "espn_scorebord", "espn_scoreboard", "certain"),
        ("jobs/cleanup.py:8:5", "nbac_player_box", "nbac_player_boxscores", "certain"),
    ]
    (f, *_) = [f for f in run_audit(repo).findings if f.rule == "unknown-name"]
    assert f.message == ("'nbac_injury_reports' is not a known table or processor; did you mean 'nbac_injury_report'?")


def test_evidence_names_the_inventory_and_the_close_name(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/cleanup.py": CLEANUP})
    f = next(f for f in run_audit(repo).findings if f.actual == "espn_scorebord")
    assert f.evidence == (
        "CLEANUP_TABLES names 3 known names",
        "not in snapshot:bq.json",
        "'espn_scorebord' is not in the inventory; 'espn_scoreboard' is",
        "'espn_scoreboard' is the only close name (similarity 0.97)",
    )
    assert (f.symbol, f.severity.label, f.fixable) == ("CLEANUP_TABLES", "high", True)


def test_fix_applies_the_certain_renames_of_a_name_list(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/cleanup.py": CLEANUP})
    plan = make_plan(repo)
    after = plan.changes["jobs/cleanup.py"].after.decode()
    fixed = {
        "nbac_injury_reports": "nbac_injury_report",
        "nbac_player_boxscore'": "nbac_player_boxscores'",
        "espn_scorebord": "espn_scoreboard",
        "nbac_player_box'": "nbac_player_boxscores'",
    }
    expected = CLEANUP
    for old, new in fixed.items():
        expected = expected.replace(old, new)
    assert after == expected


def test_column_names_and_labels_stay_silent(tmp_path: Path) -> None:
    code = (
        "COLUMNS = ['game_date', 'player_lookup', 'points', 'nbac_schedule', 'bdl_player_boxscores', 'game_dat']\n"
        "LABELS = {'nbac_schedul': 'Schedule', 'bdl_player': 'Box scores'}\n"  # one known name at most
        "OPTIONS = ['--nbac_schedule', '--bdl_player_boxscores', '--nbac_schedulee']\n"
    )
    assert _found(_repo(tmp_path, {"jobs/x.py": code})) == []


def test_tuple_rows_use_their_dataset_column(tmp_path: Path) -> None:
    code = (
        "REQUIRED = [\n    ('nba_raw', 'nbac_schedule', 'game_date'),\n"
        "    ('nba_raw', 'bdl_player_boxscores', 'game_date'),\n"
        "    ('nba_raw', 'espn_scorebord', 'game_date'),\n]\n"
    )
    assert _found(_repo(tmp_path, {"jobs/gate.py": code})) == [
        ("jobs/gate.py:4:17", "espn_scorebord", "espn_scoreboard", "certain")
    ]


def test_processor_class_keys(tmp_path: Path) -> None:
    router = (
        "PROCESSORS = {\n    'NbacScheduleProcessor': 1,\n    'NbacGambookProcessor': 2,\n"
        "    'BdlPlayerBoxScoresProcessor': 5,\n"
        "    'OddsGameLinesProcessór': 3,\n    'MyOwnHelperProcessor': 4,\n}\n"
    )
    repo = _repo(tmp_path, {"router.py": router}, snapshot=False)
    assert _found(repo) == [
        ("router.py:3:5", "NbacGambookProcessor", "NbacGamebookProcessor", "likely"),
        ("router.py:5:5", "OddsGameLinesProcessór", "OddsGameLinesProcessor", "likely"),
    ]
    (repo / "processors.py").write_text("class NbacGamebookProcessor:\n    pass\n")
    f = next(f for f in run_audit(repo).findings if f.rule == "unknown-name")
    assert (f.actual, f.confidence, f.evidence[1:3]) == (
        "NbacGambookProcessor",
        "certain",
        (
            "not a class in the SSOT, and no scanned Python file defines it",
            "the code defines class NbacGamebookProcessor, and no class NbacGambookProcessor",
        ),
    )


def test_a_list_naming_one_ssot_table_is_seen_only_where_the_file_names_another(tmp_path: Path) -> None:
    """The prefilter's trade (README, "Name lists"): a file naming one SSOT name is not parsed."""
    code = "PURGE = ['nbac_schedule', 'espn_scoreboard', 'nbac_injury_reports']\n"
    assert _found(_repo(tmp_path / "one", {"jobs/purge.py": code})) == []
    other = code + "SOURCE = 'bdl_player_boxscores'\n"  # a second SSOT name in the file: parsed, and reported
    assert _found(_repo(tmp_path / "two", {"jobs/purge.py": other})) == [
        ("jobs/purge.py:1:46", "nbac_injury_reports", "nbac_injury_report", "certain")
    ]
