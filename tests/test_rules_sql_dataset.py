"""unknown-table on a table written under the wrong dataset (rules/sql.py `_wrong_dataset`): exact findings,
exact fixes, and silence (or no suggestion) when the home is not one dataset."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from driftbot.audit import run_audit
from driftbot.fix.plan import make_plan
from driftbot.ftypes import Finding, Location, Severity
from example_helpers import ROOT

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
JOB = 'def accuracy(client, project):\n    return client.query(f"SELECT AVG(points) FROM `{{project}}.{ref}`")\n'
ATTR = (
    "class Job:\n    def __init__(self):\n        self.raw_dataset = 'nba_raw'\n\n"
    '    def query(self):\n        return f"SELECT * FROM `p.{self.raw_dataset}.player_game_summary`"\n'
)


def _repo(tmp_path: Path, files: dict[str, str], tables: tuple[tuple[str, str], ...] | None = None) -> Path:
    """The project's SSOT; `tables`: a `snapshot:` inventory of the warehouse (None: no inventory)."""
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    if tables is not None:
        rows = [{"tableReference": {"projectId": "p", "datasetId": d, "tableId": t}} for d, t in tables]
        (tmp_path / "bq.json").write_text(json.dumps(rows))
        files = {".driftbot.yml": "inventory: ['snapshot:bq.json']\n", **files}
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


WAREHOUSE = (
    ("nba_raw", "nbac_schedule"),
    ("nba_raw", "bdl_player_boxscores"),
    ("nba_analytics", "player_game_summary"),
)


def _found(repo: Path) -> list[Finding]:
    return [f for f in run_audit(repo).findings if f.rule == "unknown-table"]


def test_a_table_an_authority_lists_in_one_other_dataset_moves_there(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"jobs/acc.py": JOB.format(ref="nba_raw.player_game_summary")}, WAREHOUSE)
    assert _found(repo) == [
        Finding(
            rule="unknown-table",
            severity=Severity.MEDIUM,
            location=Location("jobs/acc.py", 2, 62),
            message="'nba_raw.player_game_summary' is not a known table: not in snapshot:bq.json; "
            "it lives in nba_analytics",
            ssot=PHASE2,
            actual="nba_raw.player_game_summary",
            expected="nba_analytics.player_game_summary",
            fixable=True,
            confidence="certain",
            evidence=(
                "not in snapshot:bq.json",
                "nba_analytics.player_game_summary: in snapshot:bq.json",
                "no other dataset holds a table player_game_summary",
            ),
        )
    ]
    plan = make_plan(repo)
    assert plan.changes["jobs/acc.py"].after.decode() == JOB.format(ref="nba_analytics.player_game_summary")


def test_without_an_authority_the_move_is_likely(tmp_path: Path) -> None:
    # No inventory: the SSOT says phase 3 writes nba_analytics.player_game_summary; nothing speaks for nba_raw.
    repo = _repo(tmp_path, {"q.sql": "SELECT * FROM nba_raw.player_game_summary\n"})
    (f,) = _found(repo)
    assert (str(f.location), f.actual, f.expected, f.confidence, f.fixable) == (
        "q.sql:1:15",
        "nba_raw.player_game_summary",
        "nba_analytics.player_game_summary",
        "likely",
        True,
    )
    assert f.evidence[1] == "nba_analytics.player_game_summary: target table of phase 3 in the SSOT"
    assert make_plan(repo).changes == {}  # a suggestion: `fix` applies only certain moves by default
    plan = make_plan(repo, confidence="likely")
    assert plan.changes["q.sql"].after.decode() == "SELECT * FROM nba_analytics.player_game_summary\n"


def test_two_datasets_holding_the_name_are_no_suggestion(tmp_path: Path) -> None:
    tables = (*WAREHOUSE, ("nba_precompute", "player_game_summary"))
    repo = _repo(tmp_path, {"jobs/acc.py": JOB.format(ref="nba_raw.player_game_summary")}, tables)
    assert [(str(f.location), f.message, f.expected, f.fixable) for f in _found(repo)] == [
        (
            "jobs/acc.py:2:70",
            "'nba_raw.player_game_summary' is not a known table: not in snapshot:bq.json",
            None,
            False,
        )
    ]


def test_a_dataset_from_a_placeholder_is_named_but_not_rewritten(tmp_path: Path) -> None:
    # `{self.raw_dataset}` resolves to nba_raw: the text holds no `nba_raw.` to rewrite.
    repo = _repo(tmp_path, {"jobs/job.py": ATTR}, WAREHOUSE)
    assert [(str(f.location), f.actual, f.expected, f.fixable, f.confidence) for f in _found(repo)] == [
        ("jobs/job.py:6:54", "nba_raw.player_game_summary", None, False, "certain")
    ]
    assert make_plan(repo, confidence="possible").changes == {}


def test_a_table_the_dataset_holds_or_a_dataset_nobody_checks_stays_silent(tmp_path: Path) -> None:
    files = {
        "q.sql": "SELECT * FROM nba_raw.nbac_schedule\nUNION ALL SELECT * FROM nba_staging.player_game_summary\n",
        "schemas/raw.sql": "CREATE TABLE nba_raw.player_game_summary (x INT64);\n",
        "r.sql": "SELECT * FROM nba_raw.player_game_summary\n",  # the repository creates it there: known
    }
    assert _found(_repo(tmp_path, files)) == []
