"""Every rule driftbot knows: id, default severity, summary, and examples that are also its tests.

The README's rules table and docs/rules.md are generated from this file (`python -m driftbot.rules.docs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from driftbot.ftypes import Finding, Location, Severity


@dataclass(frozen=True)
class Example:
    """Files (path, text) on top of the project's own SSOT; `expect`: `path:line:col` of each finding of the rule."""

    files: tuple[tuple[str, str], ...]
    expect: tuple[str, ...] = ()  # empty: a valid example, the rule must stay silent


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    fixable: bool = False
    examples: tuple[Example, ...] = ()


_P2_GOOD = (
    "EXPECTED_PROCESSORS = [\n    'bdl_player_boxscores',\n    'bigdataball_play_by_play',\n"
    "    'odds_api_game_lines',\n    'nbac_schedule',\n    'nbac_gamebook_player_stats',\n"
    "    'br_rosters_current',\n]\n"
)
_P2_STALE = _P2_GOOD.replace("'br_rosters_current'", "'br_roster'")
_P2_SHORT = _P2_GOOD.replace("    'nbac_schedule',\n", "")  # a complete copy (its name says `expected`)
_P2_OPTIONAL_LEFT_OUT = _P2_GOOD.replace("    'br_rosters_current',\n", "")  # `required: false` may be left out
# A reference: a backfill job's dependencies, 3 of the 5 phase-4 processors by design.
_P4_SUBSET = (
    "queries = {\n    'team_defense_zone_analysis': 'SELECT 1',\n    'player_shot_zone_analysis': 'SELECT 2',\n"
    "    'player_composite_factors': 'SELECT 3',\n}\n"
)
_P4_SUBSET_STALE = _P4_SUBSET.replace("'player_shot_zone_analysis'", "'player_shot_zone'")
# A name list that is not a copy (2 SSOT tables among others): each member must exist.
_CLEANUP = (
    "CLEANUP_TABLES = [\n    'nbac_schedule',\n    'bdl_player_boxscores',\n    'espn_scoreboard',\n"
    "    'nbac_injury_report',\n    '{table}',\n]\n"
)
_CLEANUP_DDL = (
    "schemas/raw.sql",
    "".join(
        f"CREATE TABLE nba_raw.{t} (x INT64);\n"
        for t in ("espn_scoreboard", "nbac_injury_report", "nbac_player_boxscores")
    ),
)
_COLUMNS = "DATE_COLUMNS = ['game_date', 'game_id', 'player_lookup', 'nbac_schedule_date', 'points']\n"
# Dict keys that are processor classes; one with a typo and one with a non-ASCII letter.
_ROUTER = "PROCESSORS = {{\n    'NbacScheduleProcessor': 1,\n    'OddsGameLinesProcessor': 2,\n    '{cls}': 3,\n}}\n"
_P3_PARTITION = (
    "def trigger():\n    return (5, {'player_game_summary', 'upcoming_player_game_context'},\n"
    "            {'team_defense_game_summary', 'team_offense_game_summary', 'upcoming_team_game_context'})\n"
)
_P2_TWICE = _P2_GOOD.replace("    'br_rosters_current',\n", "    'br_rosters_current',\n    'nbac_schedule',\n")
_MIRROR = (".driftbot.yml", "mirrors:\n  - source: shared\n    copies: svc/*/shared\n")
# Inventory rules: the project's SSOT tables declared as DDL, read through `inventory: [ddl:schema.sql]`.
_SSOT_TABLES = (
    *(f"nba_raw.{t}" for t in ("bdl_player_boxscores", "bigdataball_play_by_play", "odds_api_game_lines")),
    *(f"nba_raw.{t}" for t in ("nbac_schedule", "nbac_gamebook_player_stats", "br_rosters_current")),
    *(f"nba_analytics.{t}" for t in ("player_game_summary", "team_defense_game_summary")),
    *(f"nba_analytics.{t}" for t in ("team_offense_game_summary", "upcoming_player_game_context")),
    "nba_analytics.upcoming_team_game_context",
    *(f"nba_precompute.{t}" for t in ("player_composite_factors", "player_shot_zone_analysis")),
    *(f"nba_precompute.{t}" for t in ("team_defense_zone_analysis", "player_daily_cache", "ml_feature_store_v2")),
)
# unknown-table in SQL written inside Python (an f-string, the dataset from a static assignment), YAML and shell.
_PY_SQL = (
    "class Cleanup:\n    def __init__(self, project_id):\n        self.project_id = project_id\n"
    "        self.raw_dataset = 'nba_raw'\n\n    def query(self):\n"
    '        return f"SELECT * FROM `{{self.project_id}}.{{self.raw_dataset}}.{table}`"\n'
)
_YAML_SQL = "checks:\n  - name: schedule\n    query: |\n      SELECT COUNT(*) FROM `{{project_id}}.nba_raw.{table}`\n"
_SH_SQL = "bq query --use_legacy_sql=false 'SELECT COUNT(*) FROM nba_raw.{table} WHERE game_date = CURRENT_DATE()'\n"
# SQL as an example inside a docstring (read leniently: the lines that parse).
_DOCSTRING = (
    '"""Daily player stats.\n\nExample:\n    SELECT player_id, points\n    FROM nba_raw.{table}\n'
    '    WHERE game_date = @game_date\n\nSelect the rows from the gamebook first.\n"""\n'
)
# Bare names interpolated into a dataset-qualified template: the loop's names are tables of nba_raw.
_LOOP = (
    "def purge(client):\n    for table in ['nbac_schedule', '{table}']:\n"
    "        client.query(f'TRUNCATE nba_raw.{{table}}')\n"
)
# A dbt model: `source()` names a table, `ref()` and `{% %}` are templating.
_DBT = (
    "{{{{ config(materialized='view') }}}}\nSELECT s.game_id\nFROM {{{{ source('nba_raw', '{table}') }}}} s\n"
    "JOIN {{{{ ref('stg_games') }}}} g USING (game_id)\n{{% if is_incremental() %}}WHERE s.game_date > '2026-01-01'"
    "{{% endif %}}\n"
)
# A phase whose old table is deprecated in favour of another (deprecated-table).
_PHASE5 = (
    "ssot/processors/phase5_predictions.yaml",
    'version: "1.0"\nphase: 5\nphase_name: predictions\ndataset: nba_predictions\ncritical_processors:\n'
    "  - name: prediction_accuracy\n  - name: prediction_grades\n    required: false\n    deprecated: true\n"
    "    replaced_by: prediction_accuracy\n",
)
_DDL_CONFIG = (".driftbot.yml", "inventory: ['ddl:schema.sql']\n")
_BOUND_TABLES = "TABLES = ['bdl_player_boxscores', 'nbac_schedule', '{}']\n"  # bound as a reference to phase 2
# Infrastructure rules: a deploy script checked against the project's ssot/infrastructure/.
_JOB = "gcloud scheduler jobs update http prediction-coordinator-daily-${{ENVIRONMENT}} \\\n  --schedule='{}' \\\n"
_JOB += "  --time-zone=America/Los_Angeles\n"
_RETRY1 = "gcloud scheduler jobs update http phase5-retry-1"
_STATUS = "gcloud scheduler jobs update http phase5-status-check"
_TOPICS = "gcloud pubsub topics create nba-phase4-precompute-complete"
_SUB = "gcloud pubsub subscriptions update nba-phase5-trigger-sub"
_URL = "URL=$(gcloud run services describe prediction-coordinator --format='value(status.url)')\n"
# Where infrastructure names really live: bash arrays, multi-document YAML, Python defaults and constants.
_ARRAY = 'declare -A JOBS=(\n  ["phase5-retry-1"]="{}|America/Los_Angeles"\n)\n'
_ZONES = "declare -A JOBS=(\n  [phase5-status-check]='0 4 * * *|{}'\n)\n"
_UTC_HOURS = 'JOBS["prediction-coordinator-daily-prod"]="{}|America/Los_Angeles"\n'
_DOCS = "name: phase5-retry-1\nschedule: '15 3 * * *'\n---\nname: phase5-retry-2\nschedule: '{}'\n"
_PY_JOB = "JOB = {{'name': 'phase5-retry-2', 'schedule': '{}', 'time_zone': 'America/Los_Angeles'}}\n"
_TEMPLATED = 'declare -A JOBS=(\n  ["{}-${{ENV}}"]="{} * * *|America/Los_Angeles"\n)\n'
_PY_TEMPLATED = "JOB = {{'name': f'prediction-coordinator-daily-{{env}}', 'schedule': '{}'}}\n"
_ENV_TOPIC = "import os\nTOPIC = os.environ.get('PHASE4_TOPIC', '{}')\n"
_URL_CONST = "COORDINATOR_URL = 'https://prediction-coordinator-abc-uw.a.run.app/{}'\n"
_CURL = _URL + 'curl -sS -X POST -d "{{}}" "$URL/{}"\n'
_REQUESTS = "import requests\nrequests.post('https://prediction-coordinator-abc-uw.a.run.app/{}', json={{}})\n"
_BACKTICKS = "STAMP=`echo \\`date\\``\ngcloud scheduler jobs update http {} --schedule='45 3 * * *'\n"


# A router of phase-2 processor classes (class objects keyed by scraper path) and a processor it forgets.
_REGISTRY = (
    "PROCESSOR_REGISTRY = {{\n    'ball-dont-lie/boxscores': BdlPlayerBoxScoresProcessor,\n"
    "    'bigdataball/play-by-play': BigDataBallPbpProcessor,\n    'nba-com/schedule': NbacScheduleProcessor,\n"
    "    'odds-api/game-lines': OddsGameLinesProcessor,\n{extra}}}\n"
)
_GAMEBOOK_CLASS = ("processors/gamebook.py", "class NbacGamebookProcessor:\n    pass\n")
_REGISTERED = _REGISTRY.format(extra="    'nba-com/gamebooks': NbacGamebookProcessor,\n")
_BACKFILL = (
    "BACKFILL_PROCESSORS = [BdlPlayerBoxScoresProcessor, BigDataBallPbpProcessor, NbacScheduleProcessor,\n"
    "                       OddsGameLinesProcessor]\n"
)
_TIMEOUTS = (
    "TIMEOUT_SECONDS = {'BdlPlayerBoxScoresProcessor': 600, 'BigDataBallPbpProcessor': 900,\n"
    "                   'NbacScheduleProcessor': 60, 'OddsGameLinesProcessor': 120}\n"
)
_HANDLED = "HANDLED = ['BdlPlayerBoxScoresProcessor', 'NbacScheduleProcessor']\n"
_BOUND_REGISTRY = (
    ".driftbot.yml",
    "bindings:\n  - files: router.py\n    symbol: HANDLED\n    ssot: phase2\n    field: class\n",
)


def _sh(text: str) -> tuple[tuple[str, str], ...]:
    return (("deploy.sh", text),)


def _ddl(*tables: str) -> tuple[tuple[str, str], ...]:
    return (_DDL_CONFIG, ("schema.sql", "".join(f"CREATE TABLE {t} (x INT64);\n" for t in tables)))


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "unknown-name",
            Severity.HIGH,
            "A complete copy holds a name not in its SSOT list; a reference or a name list, a near-miss of a "
            "known name that exists nowhere.",
            True,
            (
                Example((("cfg.py", _P2_STALE),), ("cfg.py:7:5",)),
                Example((("cfg.py", _P2_GOOD),)),
                Example((("job.py", _P4_SUBSET_STALE),), ("job.py:3:5",)),
                Example(
                    (("job.py", "status = {'_completed_count': 2, 'nbac_schedule': 1, 'bdl_player_boxscores': 1}\n"),)
                ),
                Example(
                    (_CLEANUP_DDL, ("jobs/cleanup.py", _CLEANUP.format(table="nbac_gamebook_player_stat"))),
                    ("jobs/cleanup.py:6:5",),
                ),
                Example((_CLEANUP_DDL, ("jobs/cleanup.py", _CLEANUP.format(table="nbac_player_boxscores")))),  # exists
                Example((_CLEANUP_DDL, ("jobs/columns.py", _COLUMNS))),  # column names: not a name list
                Example((("router.py", _ROUTER.format(cls="NbacGambookProcessor")),), ("router.py:4:5",)),
                Example((("router.py", _ROUTER.format(cls="BdlPlayerBoxScoresProcessór")),), ("router.py:4:5",)),
                Example(  # a class the code defines, though the SSOT does not list it
                    (
                        ("router.py", _ROUTER.format(cls="NbacScheduleBackfillProcessor")),
                        ("processors/backfill.py", "class NbacScheduleBackfillProcessor:\n    pass\n"),
                    )
                ),
            ),
        ),
        Rule(
            "unregistered-processor",
            Severity.HIGH,
            "A processor registry (a router of classes: bound with `field: class`, or holding nearly all of a "
            "phase's classes) lacks the class of a required SSOT processor the code defines: its output is dropped.",
            False,
            (
                Example((("router.py", _REGISTRY.format(extra="")), _GAMEBOOK_CLASS), ("router.py:1:22",)),
                Example((("router.py", _REGISTERED), _GAMEBOOK_CLASS)),
                Example((("router.py", _REGISTRY.format(extra="")),)),  # the class is defined nowhere
                Example((("jobs/backfill.py", _BACKFILL), _GAMEBOOK_CLASS)),  # a part by design
                Example((("jobs/timeouts.py", _TIMEOUTS), _GAMEBOOK_CLASS)),  # keyed by classes, not a router
                Example((("tests/test_router.py", _REGISTRY.format(extra="")), _GAMEBOOK_CLASS)),
                Example(
                    (("router.py", _HANDLED), _BOUND_REGISTRY),
                    ("router.py:1:11", "router.py:1:11", "router.py:1:11"),
                ),
            ),
        ),
        Rule(
            "missing-name",
            Severity.HIGH,
            "A required SSOT name is missing from a complete copy (a reference or a partition may hold a subset).",
            True,
            (
                Example((("cfg.py", _P2_SHORT),), ("cfg.py:1:23",)),
                Example((("cfg.py", _P2_GOOD),)),
                Example((("cfg.py", _P2_OPTIONAL_LEFT_OUT),)),
                Example((("job.py", _P4_SUBSET),)),
                Example((("orchestrator.py", _P3_PARTITION),)),
            ),
        ),
        Rule(
            "duplicate-name",
            Severity.MEDIUM,
            "A complete copy holds the same name twice.",
            True,
            (Example((("cfg.py", _P2_TWICE),), ("cfg.py:8:5",)), Example((("cfg.py", _P2_GOOD),))),
        ),
        Rule(
            "count-mismatch",
            Severity.HIGH,
            "A complete copy of processor names has a size other than `expected_count` (less optional ones left out).",
            False,
            (
                Example((("cfg.py", _P2_SHORT),), ("cfg.py:1:23",)),
                Example((("cfg.py", _P2_GOOD),)),
                Example((("cfg.py", _P2_OPTIONAL_LEFT_OUT),)),
            ),
        ),
        Rule(
            "copy-divergence",
            Severity.MEDIUM,
            "Complete copies of the same symbol (same name, same SSOT list) differ between files.",
            False,
            (
                Example((("a.py", _P2_GOOD), ("b.py", _P2_GOOD), ("c.py", _P2_STALE)), ("c.py:1:23",)),
                Example((("a.py", _P2_GOOD), ("b.py", _P2_GOOD))),
            ),
        ),
        Rule(
            "unparsable-file",
            Severity.INFO,
            "A file that mentions SSOT names could not be parsed; it was skipped and never modified.",
            False,
            (
                Example((("bad.py", "X = ['nbac_schedule', 'br_rosters_current'\ndef (:\n"),), ("bad.py:2:1",)),
                Example(
                    (("checks.yaml", _YAML_SQL.format(table="nbac_schedule") + "   bad: [\n"),), ("checks.yaml:5:4",)
                ),
                Example((("checks.yaml", _YAML_SQL.format(table="nbac_schedule")),)),
            ),
        ),
        Rule("expired-suppression", Severity.LOW, "An ignore-file entry is past its `expires` date."),
        Rule(
            "unknown-table",
            Severity.MEDIUM,
            "A query (a .sql file, SQL in a Python, YAML or shell string or a docstring's example, a loop's names put "
            "into `dataset.{name}`) "
            "reads a table of an SSOT dataset that "
            "nothing knows: not in the SSOT, not created by the "
            "repository's DDL, or absent from an authoritative inventory (with a rename hint, or the one other "
            "dataset that holds the table).",
            True,
            (
                Example((("q.sql", "SELECT COUNT(*) FROM nba_raw.nbac_gamebook\n"),), ("q.sql:1:30",)),
                Example((("q.sql", "SELECT COUNT(*) FROM `proj.nba_raw.nbac_gamebook_player_stats`\n"),)),
                Example(  # a view the repository creates
                    (
                        (
                            "schemas/views.sql",
                            "CREATE VIEW nba_raw.v_todays_games AS\nSELECT * FROM nba_raw.nbac_schedule;\n",
                        ),
                        ("q.sql", "SELECT COUNT(*) FROM nba_raw.v_todays_games\n"),
                    )
                ),
                Example(  # a backup made by CREATE TABLE ... AS in the same script
                    (
                        (
                            "dedupe.sql",
                            "CREATE TABLE nba_raw.bdl_backup_20250101 AS\nSELECT * FROM nba_raw.bdl_player_boxscores;\n"
                            "SELECT COUNT(*) FROM nba_raw.bdl_backup_20250101;\n",
                        ),
                    )
                ),
                Example((("q.sql", "SELECT COUNT(*) FROM `{project}.nba_raw.{table_name}`\n"),)),  # a placeholder
                Example(
                    (("jobs/cleanup.py", _PY_SQL.format(table="nbac_player_boxscore")),), ("jobs/cleanup.py:7:70",)
                ),
                Example((("jobs/cleanup.py", _PY_SQL.format(table="nbac_gamebook_player_stats")),)),  # f-string, known
                Example(
                    (("jobs/log.py", "msg = 'SELECT rows FROM nba_raw.nbac_gamebook, see the runbook'\n"),)
                ),  # prose
                Example(
                    (("validation/checks.yaml", _YAML_SQL.format(table="game_schedule")),),
                    ("validation/checks.yaml:4:50",),
                ),
                Example((("validation/checks.yaml", _YAML_SQL.format(table="nbac_schedule")),)),
                Example((("bin/check.sh", _SH_SQL.format(table="bdl_active_players")),), ("bin/check.sh:1:63",)),
                Example((("bin/check.sh", _SH_SQL.format(table="bdl_player_boxscores")),)),
                Example((("jobs/stats.py", _DOCSTRING.format(table="nbac_player_boxscore")),), ("jobs/stats.py:5:18",)),
                Example((("jobs/stats.py", _DOCSTRING.format(table="nbac_schedule")),)),
                Example(  # an example that does not parse is prose
                    (("jobs/stats.py", _DOCSTRING.format(table="nbac_player_boxscore WHERE (")),)
                ),
                Example((("jobs/purge.py", _LOOP.format(table="bdl_box_score")),), ("jobs/purge.py:2:37",)),
                Example((("jobs/purge.py", _LOOP.format(table="bdl_player_boxscores")),)),
                Example((("models/games.sql", _DBT.format(table="nbac_schedul")),), ("models/games.sql:3:28",)),
                Example((("models/games.sql", _DBT.format(table="nbac_schedule")),)),
                # A table under the wrong dataset: player_game_summary lives in nba_analytics (fix moves it there).
                Example((("q.sql", "SELECT * FROM nba_raw.player_game_summary\n"),), ("q.sql:1:15",)),
                Example((("q.sql", "SELECT * FROM nba_staging.player_game_summary\n"),)),  # a dataset nobody checks
            ),
        ),
        Rule(
            "deprecated-table",
            Severity.MEDIUM,
            "SQL (in any file) reads a table the SSOT marks `deprecated: true` (fix: its `replaced_by`).",
            True,
            (
                Example((_PHASE5, ("q.sql", "SELECT * FROM nba_predictions.prediction_grades\n")), ("q.sql:1:31",)),
                Example((_PHASE5, ("q.sql", "SELECT * FROM nba_predictions.prediction_accuracy\n"))),
                Example(
                    (_PHASE5, ("job.py", "Q = f'SELECT * FROM {P}.nba_predictions.prediction_grades'\n")),
                    ("job.py:1:41",),
                ),
            ),
        ),
        Rule(
            "stale-comment-name",
            Severity.LOW,
            "A SQL comment that names SSOT tables also names a near-miss of one (`nbac_gamebook`) nothing else uses.",
            True,
            (
                Example(
                    (("q.sql", "-- fallback: nbac_gamebook instead of bdl_player_boxscores\nSELECT 1\n"),),
                    ("q.sql:1:14",),
                ),
                Example((("q.sql", "-- the game_date column of bdl_player_boxscores\nSELECT 1\n"),)),
                Example(  # the word is a value the repository uses
                    (
                        ("q.sql", "-- fallback: nbac_gamebook instead of bdl_player_boxscores\nSELECT 1\n"),
                        ("processors/fallback.py", "primary_source = 'nbac_gamebook'\n"),
                    )
                ),
            ),
        ),
        Rule(
            "unparsable-sql",
            Severity.INFO,
            "A SQL statement could not be parsed; it was skipped, the rest of the file was read.",
            False,
            (
                Example((("q.sql", "SELECT * FROM nba_raw.nbac_schedule;\nSELECT FROM WHERE;\n"),), ("q.sql:2:13",)),
                Example((("q.sql", "SELECT * FROM nba_raw.nbac_schedule;\n"),)),
            ),
        ),
        Rule(
            "mirror-divergence",
            Severity.MEDIUM,
            "A file of a mirrored directory (`mirrors:` in .driftbot.yml) is missing in a copy, or differs.",
            True,
            (
                Example(
                    (_MIRROR, ("shared/a.py", "X = 1\n"), ("svc/one/shared/a.py", "X = 2\n")),
                    ("svc/one/shared/a.py:1:5",),
                ),
                Example((_MIRROR, ("shared/a.py", "X = 1\n"), ("svc/one/shared/a.py", "X = 1\n"))),
            ),
        ),
        Rule(
            "sla-breach",
            Severity.CRITICAL,
            "A scheduler job fires (or a deploy script would make it fire) after its SLA deadline on some day.",
            False,
            (
                Example(_sh(_JOB.format("0 6 * * *")), ("deploy.sh:2:3",)),
                Example(_sh(_JOB.format("0 3 * * *"))),
                Example((("deploy/jobs.sh", _UTC_HOURS.format("0 11 * * *")),), ("deploy/jobs.sh:1:44",)),
                Example((("deploy/jobs.sh", _UTC_HOURS.format("0 3 * * *")),)),
            ),
        ),
        Rule(
            "schedule-mismatch",
            Severity.HIGH,
            "A scheduler job's schedule (gcloud flag, bash array element, YAML job definition) differs from the SSOT.",
            False,
            (
                Example(_sh(f"{_RETRY1} --schedule='15 3 * * 1-5'\n"), ("deploy.sh:1:50",)),
                Example(_sh(f"{_RETRY1} --schedule='15 3 * * *'\n")),
                Example((("deploy/jobs.sh", _ARRAY.format("15 3 * 4-10 *")),), ("deploy/jobs.sh:2:23",)),
                Example((("deploy/jobs.sh", _ARRAY.format("15 3 * * *")),)),
                Example((("scheduler/jobs.yaml", _DOCS.format("30 3 * 4-10 *")),), ("scheduler/jobs.yaml:5:11",)),
                Example((("scheduler/jobs.yaml", _DOCS.format("30 3 * * *")),)),
                Example((("deploy/jobs.py", _PY_JOB.format("30 3 * 4-10 *")),), ("deploy/jobs.py:1:47",)),
                Example((("deploy/jobs.py", _PY_JOB.format("30 3 * * *")),)),
                # A templated job name is matched to the one SSOT job it fits; fitting two, it says nothing.
                Example(
                    (("deploy/jobs.sh", _TEMPLATED.format("prediction-coordinator-daily", "0 4")),),
                    ("deploy/jobs.sh:2:44",),
                ),
                Example((("deploy/jobs.sh", _TEMPLATED.format("prediction-coordinator-daily", "0 3")),)),
                Example((("deploy/jobs.sh", _TEMPLATED.format("phase5-retry", "45 3")),)),
                Example(_sh("gcloud scheduler jobs update http \"phase5-retry-${N}\" --schedule='45 3 * * *'\n")),
                Example((("deploy/jobs.py", _PY_TEMPLATED.format("0 4 * * *")),), ("deploy/jobs.py:1:68",)),
            ),
        ),
        Rule(
            "time-zone-mismatch",
            Severity.HIGH,
            "A scheduler job's time zone (gcloud flag, bash array element, YAML job definition) differs from the SSOT.",
            False,
            (
                Example(_sh(f"{_RETRY1} --time-zone=America/New_York\n"), ("deploy.sh:1:50",)),
                Example(_sh(f"{_RETRY1} --time-zone=America/Los_Angeles\n")),
                Example((("deploy/jobs.sh", _ZONES.format("America/New_York")),), ("deploy/jobs.sh:2:36",)),
                Example((("deploy/jobs.sh", _ZONES.format("America/Los_Angeles")),)),
            ),
        ),
        Rule(
            "topic-missing",
            Severity.HIGH,
            "An SSOT topic is not created (scripts) or not deployed (inventory), or a topic is not in the SSOT "
            "(a script creates it, or code names a near miss of an SSOT topic: `x` for `x-prod`, a typo).",
            True,
            (
                Example(_sh(f"{_TOPICS}\n"), ("ssot/infrastructure/pubsub_topics.yaml:7:11",)),
                Example(_sh(f"{_TOPICS} nba-phase5-trigger-dlq\n")),
                Example((("cf/main.py", _ENV_TOPIC.format("nba-phase4-precompute-completed")),), ("cf/main.py:2:41",)),
                Example((("cf/main.py", _ENV_TOPIC.format("nba-phase4-precompute-complete")),)),
                Example((("tests/test_main.py", _ENV_TOPIC.format("nba-phase4-precompute-completed")),)),
                Example((("cf/pubsub.yaml", "topic: nba-phase5-trigger-dq\n"),), ("cf/pubsub.yaml:1:8",)),
                Example((("cf/pubsub.yaml", "topic: nba-phase5-trigger-dlq\n"),)),
            ),
        ),
        Rule(
            "subscription-endpoint-mismatch",
            Severity.HIGH,
            "A subscription is missing, or reads another topic or pushes elsewhere than the SSOT says.",
            False,
            (
                Example(_sh(f'{_URL}{_SUB} --push-endpoint="$URL/start"\n'), ("deploy.sh:2:59",)),
                Example(_sh(f'{_URL}{_SUB} --push-endpoint="$URL/trigger"\n')),
            ),
        ),
        Rule(
            "dead-letter-missing",
            Severity.MEDIUM,
            "A subscription lacks the SSOT's dead-letter topic or delivery-attempt limit.",
            False,
            (
                Example(_sh(f"{_SUB} --clear-dead-letter-policy\n"), ("deploy.sh:1:59",)),
                Example(_sh(f"{_SUB} --dead-letter-topic=nba-phase5-trigger-dlq\n")),
            ),
        ),
        Rule(
            "scheduler-job-missing",
            Severity.HIGH,
            "An SSOT scheduler job is not created, deployed or enabled; or a script's job is not in the SSOT.",
            False,
            (
                Example(
                    _sh("gcloud scheduler jobs update http phase5-retry-3 --schedule='45 3 * * *'\n"),
                    ("deploy.sh:1:35",),
                ),
                Example(_sh("gcloud scheduler jobs update http phase5-retry-2 --schedule='30 3 * * *'\n")),
                Example(_sh(_BACKTICKS.format("phase5-retry-3")), ("deploy.sh:2:35",)),
                Example(_sh("# " + _BACKTICKS.format("phase5-retry-3").replace("\n", "\n# ", 1))),
            ),
        ),
        Rule(
            "endpoint-missing",
            Severity.HIGH,
            "A job calls another endpoint than its SSOT target, a service is missing or in another region, "
            "or a URL in code or a script (`curl`, `requests.post`) names a path its service does not serve.",
            False,
            (
                Example(_sh(f'{_STATUS} --uri="$URL/start" --http-method=GET\n'), ("deploy.sh:1:55",)),
                Example(_sh(f'{_STATUS} --uri="$URL/status" --http-method=GET\n')),
                Example((("cf/config.py", _URL_CONST.format("strat")),), ("cf/config.py:1:20",)),
                Example((("cf/config.py", _URL_CONST.format("start")),)),
                # URLs handed to curl / wget in a script, and to requests in Python: the same evidence.
                Example(_sh(_CURL.format("strat")), ("deploy.sh:2:26",)),
                Example(_sh(_CURL.format("status/$BATCH_ID"))),  # a resource under an endpoint
                Example(_sh('curl -X POST "${BASE_URL}/strat"\n')),  # a host nothing says is the service's
                Example((("cf/kick.py", _REQUESTS.format("strat")),), ("cf/kick.py:2:16",)),
                Example((("cf/kick.py", _REQUESTS.format("start")),)),
            ),
        ),
        Rule("service-unreachable", Severity.HIGH, "A service's health endpoint did not answer 2xx (`--probe-http`)."),
        Rule(
            "table-missing",
            Severity.CRITICAL,
            "An SSOT target table, or a table a bound config names, is not in an inventory (with a rename hint).",
            False,
            (
                Example(
                    _ddl(*(t for t in _SSOT_TABLES if t != "nba_raw.nbac_schedule")),
                    ("ssot/processors/phase2_raw_processors.yaml:30:19",),
                ),
                Example(_ddl(*_SSOT_TABLES)),
                Example((*_ddl(*_SSOT_TABLES), ("cfg.py", _BOUND_TABLES.format("espn_scoreboard"))), ("cfg.py:1:52",)),
                # A stale name of a bound list is `unknown-name`'s (with its rename): one drift, one row.
                Example((*_ddl(*_SSOT_TABLES), ("cfg.py", _BOUND_TABLES.format("br_roster")))),
            ),
        ),
        Rule(
            "unmanaged-table",
            Severity.INFO,
            "A table (not a view) exists in an SSOT dataset of an inventory, but no SSOT processor writes it.",
            False,
            (
                Example(_ddl(*_SSOT_TABLES, "nba_raw.nbac_injury_report"), ("schema.sql:17:14",)),
                Example(_ddl(*_SSOT_TABLES)),
            ),
        ),
        Rule(
            "inventory-unreachable",
            Severity.HIGH,
            "An inventory could not be read (network, credentials, permission, timeout): exit 3, never 'no drift'.",
        ),
        Rule(
            "time-budget-exceeded",
            Severity.HIGH,
            "The run's time budget (`--time-budget`, default 300 s) ran out; lists what was not checked: exit 3.",
        ),
    )
}


INCOMPLETE_RULES = frozenset({"inventory-unreachable", "time-budget-exceeded"})  # the audit exits 3


def finding(rule_id: str, location: Location, message: str, **fields: object) -> Finding:
    """Build a Finding with the rule's default severity and fixability."""
    rule = RULES[rule_id]
    fields.setdefault("severity", rule.severity)
    fields.setdefault("fixable", rule.fixable)
    return Finding(rule=rule_id, location=location, message=message, **fields)  # type: ignore[arg-type]
