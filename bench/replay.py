"""History-replay benchmark: a small git repository whose commits introduce drift and then fix it by hand.

`build(dest)` writes the repository: a base commit (the project's SSOT, a `snapshot:` inventory of the
warehouse, a `.driftbot.yml`), then for each incident a commit that introduces it and a `fix:` commit that
repairs it by hand. `replay(repo)` audits each `fix:` commit's parent (the drift of the day) and scores:
  - caught: a finding of the incident's rule at the incident's file and line, naming the wrong value;
  - noise: every other finding at that parent (earlier incidents are fixed by then);
  - fix: `driftbot fix` (certain renames only) run at the parent gives the hand fix's file exactly.

Usage: python bench/replay.py [--keep DIR]  (exit 1 when an incident is missed or noise > 5 per incident)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_NOISE = 5
RAW = (
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
    "odds_api_game_lines",
    "nbac_schedule",
    "nbac_gamebook_player_stats",
    "br_rosters_current",
    "nbac_player_boxscores",
    "bdl_active_players_current",
)
PREDICTIONS = ("prediction_accuracy", "prediction_grades", "player_prop_predictions")


@dataclass(frozen=True)
class Incident:
    """One hand fix: `path` held `bad` (the wrong name `wrong` on `line`) until it became `good`."""

    id: str
    rule: str
    path: str
    bad: str
    good: str
    wrong: str | None  # the finding's `actual` (None: a rule that names no value, e.g. mirror-divergence)
    line: int
    fixable: bool = True  # `fix` must reproduce the hand fix
    # Files committed with `bad`, and their own hand fix committed before `fix:` (copies fixed by hand with one
    # missed, or the mirror source fixed in shared/ before its vendored copies are synced).
    copies_bad: tuple[tuple[str, str], ...] = ()
    copies_good: tuple[tuple[str, str], ...] = ()
    # More files the `fix:` commit sets to `good` (a hand sync of vendored copies): each must be caught at
    # `line` like `path`, and `fix` must write them all.
    synced: tuple[str, ...] = ()


_JOB = '''class PlayerStatsJob:
    def __init__(self, project_id):
        self.project_id = project_id
        self.raw_dataset = "nba_raw"

    def query(self):
        return f"""
        SELECT player_id, points
        FROM `{{self.project_id}}.{{self.raw_dataset}}.{table}`
        WHERE game_date = @game_date
        """
'''
_VALIDATION = """checks:
  - name: schedule_loaded
    query: |
      SELECT COUNT(*) AS n
      FROM `{{project_id}}.nba_raw.{table}`
      WHERE game_date = CURRENT_DATE()
"""
_SCRIPT = """#!/bin/bash
set -euo pipefail
bq query --use_legacy_sql=false "SELECT COUNT(*) FROM \\`$PROJECT.nba_raw.{table}\\`"
"""
_HEREDOC = """#!/bin/bash
bq query --use_legacy_sql=false <<EOF
SELECT COUNT(*) FROM ${{PROJECT}}.nba_predictions.{table}
EOF
"""
_CF_SQL = "-- copied into the Cloud Function\nSELECT * FROM `nba-props.nba_raw.{table}` LIMIT 10\n"

INCIDENTS = (
    Incident(
        "python-fstring",
        "unknown-table",
        "jobs/player_stats.py",
        _JOB.format(table="nbac_player_boxscore"),
        _JOB.format(table="nbac_player_boxscores"),
        "nbac_player_boxscore",
        9,
    ),
    Incident(
        "yaml-validation",
        "unknown-table",
        "validation/configs/schedule.yaml",
        _VALIDATION.format(table="nbacom_schedule"),
        _VALIDATION.format(table="nbac_schedule"),
        "nbacom_schedule",
        5,
    ),
    Incident(
        "bq-query",
        "unknown-table",
        "bin/check_players.sh",
        _SCRIPT.format(table="bdl_active_players"),
        _SCRIPT.format(table="bdl_active_players_current"),
        "bdl_active_players",
        3,
    ),
    Incident(
        "heredoc-deprecated",
        "deprecated-table",
        "bin/grade.sh",
        _HEREDOC.format(table="prediction_grades"),
        _HEREDOC.format(table="prediction_accuracy"),
        "prediction_grades",
        3,
    ),
    Incident(
        "cloud-function-sql",
        "unknown-table",
        "orchestration/cloud_functions/check/queries/boxscores.sql",
        _CF_SQL.format(table="bdl_box_scores"),
        _CF_SQL.format(table="bdl_player_boxscores"),
        "bdl_box_scores",
        2,
        fixable=False,  # two close candidates in nba_raw: a suggestion, never a certain rename
    ),
)
# ---- infrastructure where it really lives (topics, schedules, URLs outside gcloud commands)
_PUBSUB = """version: "1.0"
topics:
  - name: nba-phase4-precompute-complete
  - name: nba-phase5-trigger-dlq
  - name: nba-phase2-raw-complete-prod
subscriptions:
  - name: nba-phase5-trigger-sub
    topic: nba-phase4-precompute-complete
    push_endpoint: {service: prediction-coordinator, path: /trigger}
    dead_letter_topic: nba-phase5-trigger-dlq
    max_delivery_attempts: 5
    ack_deadline_seconds: 600
"""
# The odds scrapers run in season only (March to October), 07:00 and 18:30 Eastern.
_SEASON_JOBS = """
  - name: nba-odds-morning-prod
    schedule: "0 7 * 3-10 *"
    time_zone: America/New_York
    location: us-west2
    topic: nba-phase4-precompute-complete
    sla: odds_lines_ready
  - name: nba-odds-closing-prod
    schedule: "30 18 * 3-10 *"
    time_zone: America/New_York
    location: us-west2
    topic: nba-phase4-precompute-complete
"""
_SLA = """  - name: odds_lines_ready
    deadline: "08:00"
    time_zone: America/New_York
"""
_CF_TOPIC = """import json
import os

from google.cloud import pubsub_v1

PROJECT_ID = os.environ.get('GCP_PROJECT', 'nba-props-platform')
RAW_COMPLETE_TOPIC = os.environ.get('RAW_COMPLETE_TOPIC', '{topic}')


def publish(message):
    publisher = pubsub_v1.PublisherClient()
    path = publisher.topic_path(PROJECT_ID, RAW_COMPLETE_TOPIC)
    return publisher.publish(path, data=json.dumps(message).encode('utf-8')).result(timeout=30)
"""
_SCHEDULER_YAML = """# Odds scraper schedules, one document per job (gcloud scheduler jobs create pubsub --flags-file)
name: nba-odds-morning-prod
schedule: "0 7 * {morning} *"
timeZone: America/New_York
pubsubTarget:
  topicName: projects/nba-props-platform/topics/nba-phase4-precompute-complete
---
name: nba-odds-closing-prod
schedule: "30 18 * {closing} *"
timeZone: America/New_York
pubsubTarget:
  topicName: projects/nba-props-platform/topics/nba-phase4-precompute-complete
"""
_DEPLOY_JOBS = """#!/usr/bin/env bash
# Scheduler jobs of the {what} scrapers: name -> "cron|time zone|topic".
set -euo pipefail
REGION="${{REGION:-us-west2}}"
declare -A JOBS=(
  ["nba-odds-morning-prod"]="0 7 * {months} *|America/New_York|nba-phase4-precompute-complete"
  ["nba-odds-closing-prod"]="30 18 * 3-10 *|America/New_York|nba-phase4-precompute-complete"
)
for job in "${{!JOBS[@]}}"; do
  IFS='|' read -r cron tz topic <<< "${{JOBS[$job]}}"
  gcloud scheduler jobs update pubsub "$job" --location="$REGION" \\
    --schedule="$cron" --time-zone="$tz" --topic="$topic"
done
"""
_SCRAPERS = ("odds", "props", "lines", "injuries", "rosters", "schedule", "boxscores")
_BACKTICKS = """#!/bin/bash
# Re-point the morning odds job after a deploy (stamp for the audit log).
STAMP=`date -u +%Y%m%d-\\`hostname\\``
echo "deploy $STAMP"
gcloud scheduler jobs update pubsub nba-odds-morning-prod --location=us-west2 \\
  --schedule="{cron}" --time-zone=America/New_York
"""
_URLS = """import os

# Cloud Run URL of the prediction coordinator (scheduler backup path)
COORDINATOR_URL = os.environ.get(
    'COORDINATOR_URL', 'https://prediction-coordinator-f7p3g7f6ya-wl.a.run.app/{path}'
)
"""

INCIDENTS += (
    Incident(
        "topic-default-prod",
        "topic-missing",
        "orchestration/cloud_functions/raw_complete/main.py",
        _CF_TOPIC.format(topic="nba-phase2-raw-complete"),
        _CF_TOPIC.format(topic="nba-phase2-raw-complete-prod"),
        "nba-phase2-raw-complete",
        7,
    ),
    Incident(
        "scheduler-yaml-months",
        "schedule-mismatch",
        "scheduler/odds_jobs.yaml",
        _SCHEDULER_YAML.format(morning="3-10", closing="4-10"),
        _SCHEDULER_YAML.format(morning="3-10", closing="3-10"),
        "30 18 * 4-10 *",
        9,
        fixable=False,
    ),
    Incident(
        "bash-array-months",
        "schedule-mismatch",
        "bin/scrapers/deploy_boxscores_jobs.sh",
        _DEPLOY_JOBS.format(what="boxscores", months="4-10"),
        _DEPLOY_JOBS.format(what="boxscores", months="3-10"),
        "0 7 * 4-10 *",
        6,
        fixable=False,
        copies_bad=tuple(
            (f"bin/scrapers/deploy_{w}_jobs.sh", _DEPLOY_JOBS.format(what=w, months="4-10")) for w in _SCRAPERS[:-1]
        ),
        copies_good=tuple(
            (f"bin/scrapers/deploy_{w}_jobs.sh", _DEPLOY_JOBS.format(what=w, months="3-10")) for w in _SCRAPERS[:-1]
        ),
    ),
    Incident(
        "utc-hours-eastern",
        "schedule-mismatch",
        "bin/scrapers/repoint_morning.sh",
        _BACKTICKS.format(cron="0 12 * 3-10 *"),
        _BACKTICKS.format(cron="0 7 * 3-10 *"),
        "0 12 * 3-10 *",
        6,
        fixable=False,
    ),
    Incident(
        "service-url-path",
        "endpoint-missing",
        "predictions/backup/config.py",
        _URLS.format(path="strat"),
        _URLS.format(path="start"),
        "/strat",
        5,
        fixable=False,
    ),
)
# Name lists that are not copies (issue 12, item 2): each member must exist.
_CLEANUP = '''"""Delete one day of phase 2 rows before a re-run (not every phase 2 table: the ones it re-loads)."""

CLEANUP_TABLES = [
    "nbac_schedule",
    "nbac_player_boxscores",
    "{table}",
    "odds_api_game_lines",
]
'''
_TRIGGERS = """TOPIC_BY_TABLE = {{
    "nbac_schedule": "nba-phase2-schedule",
    "bdl_player_boxscores": "nba-phase2-boxscores",
    "{table}": "nba-phase2-nbac-boxscores",
}}
"""
_FRESHNESS = """REQUIRED_TABLES = [
    ("nba_raw", "bdl_player_boxscores", "game_date"),
    ("nba_raw", "nbac_schedule", "game_date"),
    ("nba_raw", "{table}", "game_date"),
]
"""
_PROCESSORS = (
    "".join(
        f"class {name}:\n    table = {table!r}\n\n\n"
        for name, table in (
            ("NbacScheduleProcessor", "nbac_schedule"),
            ("NbacGamebookProcessor", "nbac_gamebook_player_stats"),
            ("BdlPlayerBoxScoresProcessor", "bdl_player_boxscores"),
            ("OddsGameLinesProcessor", "odds_api_game_lines"),
        )
    ).rstrip("\n")
    + "\n"
)
_ROUTER = """from data_processors.raw import processors as p

PROCESSOR_CLASSES = {{
    "NbacScheduleProcessor": p.NbacScheduleProcessor,
    "{gamebook}": p.NbacGamebookProcessor,
    "BdlPlayerBoxScoresProcessor": p.BdlPlayerBoxScoresProcessor,
    "{odds}": p.OddsGameLinesProcessor,
}}
"""
_PURGE = """def purge(client, project):
    for table in ["nbac_schedule", "{table}"]:
        client.query(f"DELETE FROM `{{project}}.nba_raw.{{table}}` WHERE game_date = @d")
"""
_WAITS = """# What the phase 2 -> 3 orchestrator waits for (bound to phase2.orchestrator_waits_for).
WAITS_FOR = ["bdl_player_boxscores", "nbac_schedule", "{table}"]
"""
_SUBSETS = """
subsets:
  orchestrator_waits_for: [bdl_player_boxscores, nbac_schedule, nbac_gamebook_player_stats]
"""
_BINDING = """bindings:
  - files: orchestration/phase2_to_phase3.py
    symbol: WAITS_FOR
    ssot: phase2.orchestrator_waits_for
"""
_GAMEBOOK, _ODDS = "NbacGamebookProcessor", "OddsGameLinesProcessor"
LIST_INCIDENTS = (
    Incident(
        "cleanup-list",
        "unknown-name",
        "jobs/cleanup_phase2.py",
        _CLEANUP.format(table="bdl_active_players"),
        _CLEANUP.format(table="bdl_active_players_current"),
        "bdl_active_players",
        6,
    ),
    Incident(
        "trigger-dict",
        "unknown-name",
        "orchestration/topics.py",
        _TRIGGERS.format(table="nbac_player_boxscore"),
        _TRIGGERS.format(table="nbac_player_boxscores"),
        "nbac_player_boxscore",
        4,
    ),
    Incident(
        "freshness-rows",
        "unknown-name",
        "monitoring/freshness.py",
        _FRESHNESS.format(table="nbac_gamebook_player_stat"),
        _FRESHNESS.format(table="nbac_gamebook_player_stats"),
        "nbac_gamebook_player_stat",
        4,
    ),
    Incident(
        "class-key-typo",
        "unknown-name",
        "data_processors/router.py",
        _ROUTER.format(gamebook="NbacGambookProcessor", odds=_ODDS),
        _ROUTER.format(gamebook=_GAMEBOOK, odds=_ODDS),
        "NbacGambookProcessor",
        5,
    ),
    Incident(
        "class-key-accent",
        "unknown-name",
        "data_processors/router.py",
        _ROUTER.format(gamebook=_GAMEBOOK, odds="OddsGameLinesProcessór"),
        _ROUTER.format(gamebook=_GAMEBOOK, odds=_ODDS),
        "OddsGameLinesProcessór",
        7,
    ),
    Incident(
        "loop-template",
        "unknown-table",
        "jobs/purge.py",
        _PURGE.format(table="bdl_active_players"),
        _PURGE.format(table="bdl_active_players_current"),
        "bdl_active_players",
        2,
    ),
    Incident(
        "subset-copy",
        "unknown-name",
        "orchestration/phase2_to_phase3.py",
        _WAITS.format(table="nbac_gamebook_player_stat"),
        _WAITS.format(table="nbac_gamebook_player_stats"),
        "nbac_gamebook_player_stat",
        2,
    ),
)
INCIDENTS = (*INCIDENTS, *LIST_INCIDENTS)
# Copies out of sync, a processor missing, a table under the wrong dataset (issue 12).
_ORCH_CONFIG = """\"\"\"Orchestration settings shared by every Cloud Function (vendored into each one's shared/).\"\"\"

PHASE_TRANSITION_TIMEOUT_MINUTES = {timeout}
USE_FIRESTORE_STATE = True
"""
_SHARED_CONFIG = "shared/config/orchestration_config.py"
_FUNCTIONS = ("phase2_to_phase3", "phase3_to_phase4", "phase4_to_phase5", "phase5_to_phase6", "self_heal", "grading")
_VENDORED = tuple(f"orchestration/cloud_functions/{fn}/shared/config/orchestration_config.py" for fn in _FUNCTIONS)
_MIRRORS = """mirrors:
  - source: shared
    copies: orchestration/cloud_functions/*/shared
"""
_EXPECTED = """\"\"\"Phase 2 -> 3 orchestrator: phase 3 starts once every phase 2 processor has completed.\"\"\"

EXPECTED_PROCESSORS = [
    'bdl_player_boxscores',
    'bigdataball_play_by_play',
    'odds_api_game_lines',
    'nbac_schedule',
{gamebook}    'br_rosters_current',
]
"""
_ACCURACY = """def accuracy(client, project):
    return client.query(f"SELECT AVG(correct) FROM `{{project}}.{dataset}.prediction_accuracy`")
"""
INCIDENTS += (
    Incident(
        "vendored-config-sync",
        "mirror-divergence",
        _VENDORED[0],
        _ORCH_CONFIG.format(timeout=15),
        _ORCH_CONFIG.format(timeout=30),
        None,
        3,
        copies_bad=tuple((c, _ORCH_CONFIG.format(timeout=15)) for c in (_SHARED_CONFIG, *_VENDORED[1:])),
        copies_good=((_SHARED_CONFIG, _ORCH_CONFIG.format(timeout=30)),),  # fixed in shared/ first
        synced=_VENDORED[1:],  # the copies, synced by hand later
    ),
    Incident(
        "processor-missing",
        "missing-name",
        "orchestration/cloud_functions/phase2_to_phase3/main.py",
        _EXPECTED.format(gamebook=""),
        _EXPECTED.format(gamebook="    'nbac_gamebook_player_stats',\n"),
        None,  # the message names the missing processor; count-mismatch on the same line counts as noise
        3,
        fixable=False,  # a "likely" finding: `fix` inserts nothing
    ),
    Incident(
        "wrong-dataset",
        "unknown-table",
        "predictions/monitoring/accuracy.py",
        _ACCURACY.format(dataset="nba_raw"),
        _ACCURACY.format(dataset="nba_predictions"),
        "nba_raw.prediction_accuracy",
        2,  # the snapshot lists prediction_accuracy in nba_predictions only: `fix` moves it there
    ),
)
# Job names with a variable (issue 12): one script deploys every environment's jobs.
_ENV_JOBS = """#!/usr/bin/env bash
# Odds scraper jobs of one environment: ./deploy_env_jobs.sh prod|staging
set -euo pipefail
ENV="${{1:?usage: deploy_env_jobs.sh prod|staging}}"
declare -A JOBS=(
  ["nba-odds-morning-${{ENV}}"]="0 7 * {months} *|America/New_York|nba-phase4-precompute-complete"
  ["nba-odds-closing-${{ENV}}"]="30 18 * 3-10 *|America/New_York|nba-phase4-precompute-complete"
)
"""
INCIDENTS += (
    Incident(
        "templated-job-name",
        "schedule-mismatch",
        "bin/scrapers/deploy_env_jobs.sh",
        _ENV_JOBS.format(months="4-10"),
        _ENV_JOBS.format(months="3-10"),
        "0 7 * 4-10 *",
        6,
        fixable=False,
    ),
)
# A URL handed to curl in an operations script (issue 12): the coordinator's URL, a path it does not serve.
_RERUN = """#!/usr/bin/env bash
# Re-run Phase 5 for one date after a failed night.
set -euo pipefail
URL=$(gcloud run services describe prediction-coordinator --region=us-west2 --format='value(status.url)')
curl -fsS -X POST -H "Authorization: Bearer $(gcloud auth print-identity-token)" "$URL/{path}"
"""
INCIDENTS += (
    Incident(
        "curl-url-path",
        "endpoint-missing",
        "bin/operations/rerun_predictions.sh",
        _RERUN.format(path="strat"),
        _RERUN.format(path="start"),
        "/strat",
        5,
        fixable=False,
    ),
)
# A processor class written and never registered in the router: its data is dropped silently (issue 12).
_ROUTED = _ROUTER.format(gamebook=_GAMEBOOK, odds=_ODDS)
_BIGDATABALL = "\n\nclass BigDataBallPbpProcessor:\n    table = 'bigdataball_play_by_play'\n"
INCIDENTS += (
    Incident(
        "router-unregistered",
        "unregistered-processor",
        "data_processors/router.py",
        _ROUTED,
        _ROUTED.replace("}\n", '    "BigDataBallPbpProcessor": p.BigDataBallPbpProcessor,\n}\n'),
        None,  # the finding names the class the router lacks (`expected`)
        3,
        fixable=False,  # registering a class needs an import and a key: a suggestion, never an edit
        copies_bad=(("data_processors/raw/processors.py", _PROCESSORS + _BIGDATABALL),),
    ),
)
# SQL in a docstring example naming a wrong table (issue 12): read leniently, fixed like any embedded SQL.
_DOC_EXAMPLE = '''"""Box score report for one game day.

Example:
    SELECT game_id, player_id, points
    FROM `{{project}}.nba_raw.{table}`
    WHERE game_date = @game_date

Select the day in the console first: a day without games has no rows.
"""


def report(client, project, game_date):
    return client.query(f"SELECT COUNT(*) FROM `{{project}}.nba_raw.bdl_player_boxscores`").result()
'''
INCIDENTS += (
    Incident(
        "docstring-example",
        "unknown-table",
        "reports/boxscores.py",
        _DOC_EXAMPLE.format(table="nbac_player_boxscore"),
        _DOC_EXAMPLE.format(table="nbac_player_boxscores"),
        "nbac_player_boxscore",
        5,
    ),
)
_PHASE5 = """version: "1.0"
phase: 5
phase_name: predictions
dataset: nba_predictions
critical_processors:
  - name: prediction_accuracy
  - name: player_prop_predictions
  - name: prediction_grades
    required: false
    deprecated: true
    replaced_by: prediction_accuracy
"""


def _git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z"}
    ident = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    done = subprocess.run(
        ["git", *ident, *args], cwd=repo, capture_output=True, text=True, check=True, env={**_env(), **env}
    )
    return done.stdout


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


def build(dest: Path) -> Path:
    dest.mkdir(parents=True)
    _git(dest, "init", "-q", "-b", "main")
    shutil.copytree(ROOT / "ssot", dest / "ssot")
    from driftbot.ssot import loader

    ssot = loader.load(ROOT / "ssot", ROOT)
    warehouse = {(s.dataset_of(p), p.target_table) for s in ssot.lists for p in s.processors}
    warehouse |= {("nba_raw", t) for t in RAW} | {("nba_predictions", t) for t in PREDICTIONS}
    tables = [{"tableReference": {"projectId": "p", "datasetId": d, "tableId": t}} for d, t in sorted(warehouse)]
    jobs = (ROOT / "ssot" / "infrastructure" / "cloud_scheduler_jobs.yaml").read_text()
    jobs = jobs.replace("\nscheduler_jobs:\n", f"{_SLA}\nscheduler_jobs:\n{_SEASON_JOBS}", 1)
    base = {
        "ssot/processors/phase5_predictions.yaml": _PHASE5,
        "ssot/infrastructure/pubsub_topics.yaml": _PUBSUB,
        "ssot/infrastructure/cloud_scheduler_jobs.yaml": jobs,
        "ssot/processors/phase2_raw_processors.yaml": (dest / "ssot/processors/phase2_raw_processors.yaml").read_text()
        + _SUBSETS,
        "inventory/bigquery_tables.json": json.dumps(tables, indent=1) + "\n",
        ".driftbot.yml": "inventory: ['snapshot:inventory/bigquery_tables.json']\n" + _BINDING + _MIRRORS,
        "data_processors/raw/processors.py": _PROCESSORS,
    }
    _commit(dest, base, "base: SSOT and warehouse snapshot")
    for inc in INCIDENTS:
        _commit(dest, {inc.path: inc.bad, **dict(inc.copies_bad)}, f"add {inc.path}")
        if inc.copies_good:
            _commit(dest, dict(inc.copies_good), f"hand fix of {len(inc.copies_good)} file(s) before the fix")
        _commit(dest, dict.fromkeys((inc.path, *inc.synced), inc.good), f"fix: {inc.id}")
    return dest


@dataclass(frozen=True)
class Outcome:
    incident: Incident
    caught: bool
    noise: int
    fix_ok: bool | None  # None: not fixable by design


def replay(repo: Path) -> list[Outcome]:
    from driftbot.audit import run_audit
    from driftbot.fix.plan import make_plan

    by_id = {i.id: i for i in INCIDENTS}
    log = _git(repo, "log", "--reverse", "--format=%H %s").splitlines()
    out: list[Outcome] = []
    for entry in log:
        sha, subject = entry.split(" ", 1)
        if not subject.startswith("fix: "):
            continue
        inc = by_id[subject.removeprefix("fix: ")]
        with tempfile.TemporaryDirectory() as tmp:
            at = Path(tmp) / "at"
            _git(repo, "worktree", "add", "-q", "--detach", str(at), f"{sha}^")
            try:
                report = run_audit(at, time_budget=None)
                paths = {inc.path, *inc.synced}
                hits = [
                    f
                    for f in report.findings
                    if f.rule == inc.rule
                    and f.location.path in paths
                    and f.location.line == inc.line
                    and f.actual == inc.wrong
                ]
                noise = len(report.findings) - len(hits)
                fix_ok = None
                if inc.fixable:
                    plan = make_plan(at)
                    after = {path: change.after.decode() for path, change in plan.changes.items()}
                    fix_ok = after == dict.fromkeys(paths, inc.good)
            finally:
                _git(repo, "worktree", "remove", "--force", str(at))
        out.append(Outcome(inc, {f.location.path for f in hits} == paths, noise, fix_ok))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keep", type=Path, help="build the repository here and keep it")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory() as tmp:
        repo = build(args.keep or Path(tmp) / "replay")
        outcomes = replay(repo)
    print(f"{'incident':22} {'rule':23} caught  noise  fix")
    for o in outcomes:
        fix = "-" if o.fix_ok is None else ("yes" if o.fix_ok else "NO")
        print(f"{o.incident.id:22} {o.incident.rule:23} {'yes' if o.caught else 'NO':6} {o.noise:5}  {fix}")
    caught = sum(o.caught for o in outcomes)
    fixes = [o.fix_ok for o in outcomes if o.fix_ok is not None]
    print(f"\ncaught {caught}/{len(outcomes)}; noise {sum(o.noise for o in outcomes)} findings in all ")
    print(f"fix reproduces the hand fix: {sum(fixes)}/{len(fixes)} (certain renames)")
    ok = caught == len(outcomes) and all(o.noise <= MAX_NOISE for o in outcomes) and all(fixes)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
