"""`pytest --driftbot` through pytest itself (pytester), on copies of the example repository."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.cli import main
from integrations.conftest import EXAMPLE, GENERATED_BINDING

pytest_plugins = ["pytester"]

# Only driftbot's plugin: bqemulator's (also in this venv) starts nothing these tests need.
NO_OTHER_PLUGINS = ("-p", "no:bqemulator", "-p", "no:cacheprovider")
CONFIG = "shared/config/orchestration_config.py::PhaseTransitionConfig"
COPIES = (
    *(
        f"orchestration/cloud_functions/{fn}/shared/config/orchestration_config.py"
        for fn in ("daily_health_summary", "phase2_to_phase3", "phase3_to_phase4")
    ),
    *(
        f"orchestration/cloud_functions/{fn}/shared/config/orchestration_config.py"
        for fn in ("phase4_to_phase5", "phase5_to_phase6", "self_heal")
    ),
    "predictions/coordinator/shared/config/orchestration_config.py",
    "predictions/worker/shared/config/orchestration_config.py",
    "shared/config/orchestration_config.py",
)
FALLBACK = "orchestration/cloud_functions/phase2_to_phase3/main.py"
SQL = "bin/operations/monitoring_queries.sql"


def expected_ids() -> list[str]:
    ids = [
        "test_target_tables_match_ssot[phase4 data_processors/precompute/precompute_tables.py::PRECOMPUTE_TABLES]",
        "test_target_tables_match_ssot[phase4 data_processors/precompute/precompute_tables.py::PARTITION_COLUMNS]",
        "test_target_tables_match_ssot[phase2 monitoring/data_freshness.py::TABLE_FRESHNESS_CHECKS[*][1]]",
    ]
    for path in sorted((*COPIES, FALLBACK)):
        if path == FALLBACK:
            ids.append(f"test_processor_names_match_ssot[phase2 {FALLBACK}::EXPECTED_PROCESSORS]")
            continue
        for phase in (2, 3, 4):
            symbol = f"PhaseTransitionConfig.phase{phase}_expected_processors"
            ids.append(f"test_processor_names_match_ssot[phase{phase} {path}::{symbol}]")
    # A reference (2 of the 6 names, a test fixture): its names must exist, nothing more.
    ids.append(
        "test_processor_names_match_ssot[phase2 tests/unit/test_phase2_to_phase3.py::"
        "test_partial_completion_does_not_trigger.completed]"
    )
    ids += [
        "test_expected_processor_count[phase2]",
        f"test_no_hardcoded_table_names[{SQL}]",
        "test_no_other_drift",
    ]
    return [f"driftbot::{i}" for i in ids]


@pytest.fixture
def repo(pytester: pytest.Pytester) -> Path:
    """The example, copied into pytester's directory (which is also the working directory)."""
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return pytester.path


def fix_the_incident(repo: Path) -> None:
    for path in (*COPIES, FALLBACK):
        target = repo / path
        target.write_text(target.read_text().replace("'br_roster',", "'br_rosters_current',"))
    sql = repo / SQL
    sql.write_text(sql.read_text().replace("nbac_gamebook instead", "nbac_gamebook_player_stats instead"))


def test_one_item_per_binding_and_check(pytester: pytest.Pytester, repo: Path) -> None:
    result = pytester.runpytest("--driftbot-only", "--collect-only", "-q", *NO_OTHER_PLUGINS)
    assert result.ret == 0
    assert result.outlines[:-2] == expected_ids()
    assert result.outlines[-1].startswith("35 tests collected in ")


def test_the_incident_fails_the_named_tests_with_the_findings(pytester: pytest.Pytester, repo: Path) -> None:
    result = pytester.runpytest("--driftbot-only", "-rf", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=24, failed=11)
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            f"_* test_processor_names_match_ssot[[]phase2 {CONFIG}.phase2_expected_processors[]] _*",
            "shared/config/orchestration_config.py:32:9: 'br_roster' is not a phase 2 processor in the SSOT;"
            " did you mean 'br_rosters_current'? [[]unknown-name[]]",
            f"_* test_no_hardcoded_table_names[[]{SQL}[]] _*",
            f"{SQL}:322:55: comment names 'nbac_gamebook', which is not in the SSOT;"
            " did you mean 'nbac_gamebook_player_stats'? [[]stale-comment-name[]]",
        ]
    )
    # With CI set, pytest appends " - <message>" to these lines; compare the node ids only.
    failed = sorted(line.split(" - ")[0] for line in result.outlines if line.startswith("FAILED "))
    assert failed == sorted(
        [
            f"FAILED driftbot::test_processor_names_match_ssot[phase2 {p}::{CONFIG.split('::')[1]}"
            ".phase2_expected_processors]"
            for p in COPIES
        ]
        + [
            f"FAILED driftbot::test_processor_names_match_ssot[phase2 {FALLBACK}::EXPECTED_PROCESSORS]",
            f"FAILED driftbot::test_no_hardcoded_table_names[{SQL}]",
        ]
    )


def test_audits_the_directory_pytest_runs_in_not_the_rootdir(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini("[pytest]\n")  # the rootdir: no SSOT here
    platform = pytester.path / "platform"
    shutil.copytree(EXAMPLE, platform, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(platform)
    result = pytester.runpytest("--driftbot-only", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=24, failed=11)


COUNTING_CONFTEST = """
import os

import driftbot.pytest_plugin as plugin

real_audit = plugin.audit


def counting_audit(config):
    with open(os.environ["DRIFTBOT_AUDITS"], "a") as log:
        log.write(f"{os.getpid()}\\n")
    return real_audit(config)


plugin.audit = counting_audit
"""


def test_xdist_workers_share_one_audit(pytester: pytest.Pytester, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    audits = pytester.path.parent / "audits.log"
    monkeypatch.setenv("DRIFTBOT_AUDITS", str(audits))
    pytester.makeconftest(COUNTING_CONFTEST)
    result = pytester.runpytest_subprocess("--driftbot-only", "-n", "2", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=24, failed=11)
    assert len(audits.read_text().splitlines()) == 1


def test_fixed_repository_passes(pytester: pytest.Pytester, repo: Path) -> None:
    fix_the_incident(repo)
    result = pytester.runpytest("--driftbot-only", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=35)
    assert result.ret == 0


def test_count_mismatch_fails_the_count_check(pytester: pytest.Pytester, repo: Path) -> None:
    fix_the_incident(repo)
    main = repo / FALLBACK
    main.write_text(main.read_text().replace("        'odds_api_game_lines',        # Odds API game lines\n", "", 1))
    result = pytester.runpytest("--driftbot-only", "-k", "phase2 and main.py or count", *NO_OTHER_PLUGINS)
    result.assert_outcomes(failed=2, deselected=33)
    result.stdout.fnmatch_lines(
        [
            "_* test_processor_names_match_ssot[[]phase2 orchestration/*/main.py::EXPECTED_PROCESSORS[]] _*",
            f"{FALLBACK}:81:38: 'odds_api_game_lines' (phase 2 processor) is missing from EXPECTED_PROCESSORS"
            " [[]missing-name[]]",
            "_* test_expected_processor_count[[]phase2[]] _*",
            f"{FALLBACK}:81:38: EXPECTED_PROCESSORS lists 5 processors; the SSOT expects 6 [[]count-mismatch[]]",
        ]
    )


def test_project_tests_run_alongside(pytester: pytest.Pytester, tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE / "ssot", pytester.path / "ssot")
    pytester.makepyfile(
        app="PROCESSORS = ['bdl_player_boxscores', 'nbac_schedule', 'odds_api_game_lines',"
        " 'nbac_gamebook_player_stats', 'bigdataball_play_by_play', 'br_rosters_current']\n",
        test_app="def test_own():\n    assert True\n",
    )
    result = pytester.runpytest("--driftbot", "-v", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(
        [
            "test_app.py::test_own PASSED*",
            "driftbot::test_processor_names_match_ssot[[]phase2 app.py::PROCESSORS[]] PASSED*",
            "driftbot::test_expected_processor_count[[]phase2[]] PASSED*",
            "driftbot::test_no_other_drift PASSED*",
        ]
    )


def test_without_the_flag_the_plugin_adds_nothing(pytester: pytest.Pytester, repo: Path) -> None:
    result = pytester.runpytest("--ignore=tests", *NO_OTHER_PLUGINS)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_invalid_ssot_is_one_failing_item(pytester: pytest.Pytester, repo: Path) -> None:
    phase2 = repo / "ssot/processors/phase2_raw_processors.yaml"
    phase2.write_text(phase2.read_text().replace("  expected_count: 6", "  expected_count: seven"))
    result = pytester.runpytest("--driftbot-only", *NO_OTHER_PLUGINS)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["_* test_ssot_loads _*", "driftbot: *ssot/processors/phase2_raw_processors.yaml:51:*"])


def test_fail_on_lets_low_findings_pass(pytester: pytest.Pytester, repo: Path) -> None:
    result = pytester.runpytest("--driftbot-only", "--driftbot-fail-on", "high", "-k", "hardcoded", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=1, deselected=34)
    bad = pytester.runpytest("--driftbot-only", "--driftbot-fail-on", "urgent", *NO_OTHER_PLUGINS)
    assert bad.ret == pytest.ExitCode.USAGE_ERROR
    bad.stderr.fnmatch_lines(["*--driftbot-fail-on: unknown severity 'urgent' (choose from info, low, medium*"])


def test_generated_lists_get_an_idempotency_check(pytester: pytest.Pytester, repo: Path) -> None:
    with (repo / ".driftbot.yml").open("a") as config:
        config.write(GENERATED_BINDING)
    result = pytester.runpytest("--driftbot-only", "-k", "idempotent", *NO_OTHER_PLUGINS)
    result.assert_outcomes(failed=1, deselected=35)
    result.stdout.fnmatch_lines(
        [
            "_* test_config_generation_idempotent _*",
            "--- a/shared/config/orchestration_config.py",
            "+++ b/shared/config/orchestration_config.py",
            "+        # driftbot: generated from ssot/processors/phase3_analytics_processors.yaml — edit the SSOT,*",
        ]
    )
    assert main(["generate", str(repo)]) == 1  # 1: files changed
    result = pytester.runpytest("--driftbot-only", "-k", "idempotent", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=1, deselected=35)


def test_inventory_adds_the_table_existence_checks(pytester: pytest.Pytester, repo: Path) -> None:
    snapshot = repo / "inventory/bigquery_tables.json"
    snapshot.write_text(snapshot.read_text().replace('"player_daily_cache"', '"player_daily_cache_v2"'))
    args = ("--driftbot-only", "--driftbot-inventory", "snapshot:inventory/bigquery_tables.json", "-rf")
    result = pytester.runpytest(*args, "-k", "tables_exist or reachable", *NO_OTHER_PLUGINS)
    result.assert_outcomes(passed=3, failed=1, deselected=35)
    result.stdout.fnmatch_lines(
        [
            "_* test_all_tables_exist[[]phase4 nba_precompute[]] _*",
            "ssot/processors/phase4_precompute_processors.yaml:*: table nba_precompute.player_daily_cache"
            " (processor 'player_daily_cache') is not in *; renamed to nba_precompute.player_daily_cache_v2?"
            " [[]table-missing[]]",
        ]
    )
