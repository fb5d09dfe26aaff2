"""unknown-table over SQL written inside Python, YAML and shell files: exact findings, exact fixes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from driftbot.audit import run_audit
from driftbot.extract import embedded_sql, plan
from driftbot.fix.plan import make_plan
from example_helpers import PHASE2_TABLES, ROOT

RAW = (
    *PHASE2_TABLES,
    "nbac_player_boxscores",
    "bdl_active_players_current",
)
JOB = '''class Job:
    def __init__(self, project_id):
        self.project_id = project_id
        self.raw_dataset = "nba_raw"
        self.datasets = {"predictions": "nba_predictions"}

    def query(self):
        return f"""
        SELECT * FROM `{self.project_id}.{self.raw_dataset}.nbac_player_boxscore` b
        JOIN `{self.project_id}.{self.datasets['predictions']}.player_prop_predictions` p USING (player_id)
        """
'''


def _repo(tmp_path: Path, files: dict[str, str], snapshot: bool = True) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    if snapshot:
        tables = [{"tableReference": {"projectId": "p", "datasetId": "nba_raw", "tableId": t}} for t in RAW]
        tables.append({"tableReference": {"projectId": "p", "datasetId": "nba_predictions", "tableId": "x"}})
        (tmp_path / "bq.json").write_text(json.dumps(tables))
        files = {".driftbot.yml": "inventory: ['snapshot:bq.json']\n", **files}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def _found(repo: Path) -> list[tuple[str, str, str | None, str]]:
    report = run_audit(repo)
    return [
        (str(f.location), f.actual or "", f.expected, f.confidence)
        for f in report.findings
        if f.rule == "unknown-table"
    ]


def test_fstring_placeholders_resolved_from_static_assignments(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/job.py": JOB})
    assert _found(repo) == [
        ("jobs/job.py:9:61", "nbac_player_boxscore", "nbac_player_boxscores", "certain"),
        ("jobs/job.py:10:64", "player_prop_predictions", None, "certain"),
    ]


def test_placeholders_from_config_and_unresolved_ones_skipped(tmp_path: Path) -> None:
    code = (
        'Q = "SELECT * FROM {project}.{raw}.bdl_box_scores"\n'
        'R = "SELECT * FROM {project}.nba_raw.{table}"\n'  # the table is a placeholder: not a static name
        'S = "SELECT * FROM {project}.{other}.bdl_box_scores"\n'  # unresolved dataset: skipped
    )
    config = "inventory: ['snapshot:bq.json']\nsql:\n  placeholders:\n    raw: nba_raw\n"
    repo = _repo(tmp_path, {"q.py": code, ".driftbot.yml": config})
    assert _found(repo) == [("q.py:1:36", "bdl_box_scores", None, "certain")]


def test_adjacent_literals_joined_prose_and_escapes(tmp_path: Path) -> None:
    code = (
        "Q = (\n"
        '    "SELECT x "\n'
        '    "FROM nba_raw.game_schedule"\n'
        ")\n"
        "LOG = 'rows read from nba_raw.game_schedule'\n"  # prose, not a statement
        "E = 'SELECT x FROM nba_raw.game_schedule WHERE y = \\'\\\\x\\''\n"  # an escape: offsets unknown, skipped
        "N = 'SELECT x\\nFROM nba_raw.nbacom_schedule'\n"  # \\n keeps offsets
        "B = b'SELECT x FROM nba_raw.game_schedule'\n"
    )
    repo = _repo(tmp_path, {"q.py": code})
    assert [f[:2] for f in _found(repo)] == [("q.py:3:19", "game_schedule"), ("q.py:7:29", "nbacom_schedule")]


def test_table_created_by_the_same_file_is_known(tmp_path: Path) -> None:
    code = (
        'A = "CREATE TABLE nba_raw.bdl_backup AS SELECT * FROM nba_raw.bdl_player_boxscores"\n'
        'B = "SELECT COUNT(*) FROM nba_raw.bdl_backup"\n'
    )
    repo = _repo(tmp_path, {"dedupe.py": code}, snapshot=False)
    assert _found(repo) == []


def test_yaml_values_and_multi_document(tmp_path: Path) -> None:
    text = (
        "checks:\n"
        "  - query: |\n"
        "      SELECT COUNT(*)\n"
        "      FROM `{project_id}.nba_raw.nbacom_schedule`\n"
        "---\n"
        "q: 'SELECT a FROM nba_raw.bdl_active_players'\n"
        "d: 'see nba_raw.bdl_active_players'\n"
    )
    repo = _repo(tmp_path, {"validation/config.yaml": text})
    assert _found(repo) == [
        ("validation/config.yaml:4:34", "nbacom_schedule", "nbac_schedule", "certain"),
        ("validation/config.yaml:6:27", "bdl_active_players", "bdl_active_players_current", "certain"),
    ]


def test_shell_heredoc_and_bq_query(tmp_path: Path) -> None:
    text = (
        "#!/bin/bash\n"
        "# bq query 'SELECT * FROM nba_raw.commented_out'\n"
        'bq query --use_legacy_sql=false "SELECT * FROM \\`$PROJECT.nba_raw.bdl_active_players\\`"\n'
        "bq query --use_legacy_sql=false <<EOF\n"
        "SELECT * FROM ${PROJECT}.nba_raw.game_schedule\n"
        "EOF\n"
        'echo "it\'s done"\n'
    )
    repo = _repo(tmp_path, {"bin/check.sh": text})
    assert [f[:2] for f in _found(repo)] == [
        ("bin/check.sh:3:67", "bdl_active_players"),
        ("bin/check.sh:5:34", "game_schedule"),
    ]


def test_fix_renames_inside_the_python_string_only_when_certain(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/job.py": JOB})
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "fix", "--rule", "unknown-table"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    after = (repo / "jobs/job.py").read_text()
    assert after == JOB.replace(".nbac_player_boxscore`", ".nbac_player_boxscores`")


LOOPS = """class Purge:
    def __init__(self, project):
        self.project = project
        self.raw_dataset = "nba_raw"

    def run(self, client):
        for table in ["nbac_schedule", "bdl_active_players", "espn_boxscores"]:
            client.query(f"TRUNCATE `{self.project}.{self.raw_dataset}.{table}`")


STALE = ("odds_api_game_line", "br_rosters_current")


def tables(client):
    for t in STALE:
        client.get_table("nba_raw.{}".format(t))
    return [f"nba_raw.{n}" for n in ("nbac_schedule", "nbac_gamebook_player_stat")]


COLUMNS = ["game_date", "player_lookup"]
for column in COLUMNS:
    print(f"{column} IS NOT NULL")
"""


def test_bare_names_interpolated_into_a_dataset_qualified_template(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/purge.py": LOOPS})
    assert _found(repo) == [
        ("jobs/purge.py:7:41", "bdl_active_players", "bdl_active_players_current", "certain"),
        ("jobs/purge.py:7:63", "espn_boxscores", None, "certain"),
        ("jobs/purge.py:11:11", "odds_api_game_line", "odds_api_game_lines", "certain"),
        ("jobs/purge.py:17:56", "nbac_gamebook_player_stat", "nbac_gamebook_player_stats", "certain"),
    ]
    plan = make_plan(repo)
    after = plan.changes["jobs/purge.py"].after.decode()
    fixed = {'"bdl_active_players"': '"bdl_active_players_current"', '"odds_api_game_line"': '"odds_api_game_lines"'}
    expected = LOOPS.replace('_player_stat")', '_player_stats")')
    for old, new in fixed.items():
        expected = expected.replace(old, new)
    assert after == expected


def test_a_template_split_over_joined_literals_is_read_and_a_file_without_a_dotted_hole_is_skipped(
    tmp_path: Path,
) -> None:
    joined = 'for table in ["nbac_schedule", "bdl_active_players"]:\n    print("nba_raw." f"{table}")\n'
    repo = _repo(tmp_path, {"jobs/joined.py": joined})
    assert _found(repo) == [("jobs/joined.py:1:33", "bdl_active_players", "bdl_active_players_current", "certain")]
    assert plan.loops_into_template(joined.encode())
    assert not plan.loops_into_template(b'for t in ["nbac_schedule"]:\n    print(t, "nba_raw")\n')


def test_snippets_are_bounded() -> None:
    code = "".join(f'Q{i} = "SELECT * FROM nba_raw.t{i}"\n' for i in range(embedded_sql.MAX_SNIPPETS + 50))
    snippets = embedded_sql.python_snippets(code, {})
    assert len(snippets) == embedded_sql.MAX_SNIPPETS


def test_the_scanned_codes_syntax_warnings_are_not_ours_to_print() -> None:
    code = 'PATTERN = "\\d+"\nfor t in ["nbac_schedule"]:\n    print(f"nba_raw.{t}")\n'
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found = embedded_sql.loop_tables("jobs/x.py", code, {})
    assert [(r.dataset, r.table) for r in found] == [("nba_raw", "nbac_schedule")]
    assert caught == []


QUOTE_EDGES = [
    "",
    "'SELECT",
    "x = 'select a from t'",
    'q = ( "  (  Select x"',
    "q = '(\n\tWITH a AS (SELECT 1)'",
    "'SELECTED' 'select_x' 'select1' '(( SELECT' \"xSELECT\"",
    "'\x1c\x1fSELECT' '\x0b(\x0cupdate'",
    "'ſELECT a' 'ſelect b'",  # case folding beyond ASCII: the pattern decides
    "\"TRUNCATE\" 'replace' 'merge' 'delete' 'insert' 'create' 'with'",
    "a.update(b); with open(f): s.replace('a', 'b'); 'create'",
    "'" * 3 + "select" + "'" * 3,
]


def test_statement_quotes_are_where_the_pattern_matches() -> None:
    stdlib = Path(sys.modules["json"].__file__ or "").parents[1]
    texts = QUOTE_EDGES + [p.read_text(encoding="utf-8", errors="replace") for p in sorted(stdlib.glob("*.py"))]
    found = 0
    for text in texts:
        expected = [m.start() for m in embedded_sql._PY_STATEMENT.finditer(text)]
        assert embedded_sql._statement_quotes(text) == expected, text[:80]
        found += len(expected)
    assert found > 50
