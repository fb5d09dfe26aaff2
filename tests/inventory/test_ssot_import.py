"""`driftbot ssot import`: extend or bootstrap SSOT phase files from an inventory, keeping their formatting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inventory_servers import closed_port

from driftbot.cli import main
from driftbot.errors import EXIT_DRIFT, EXIT_ERROR, EXIT_OK, EXIT_UNREACHABLE

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
PHASE4 = "ssot/processors/phase4_precompute_processors.yaml"


def snapshot(repo: Path, dataset: str, *tables: str) -> str:
    items = [
        {
            "tableReference": {"projectId": "nba-props-platform", "datasetId": dataset, "tableId": t},
            "type": "VIEW" if t.startswith("v_") else "TABLE",
        }
        for t in tables
    ]
    (repo / "bq.json").write_text(json.dumps(items))
    return "snapshot:bq.json"


def ssot_import(repo: Path, url: str, dataset: str, phase: int, *extra: str) -> int:
    args = ["ssot", "import", "--inventory", url, "--dataset", dataset, "--phase", str(phase)]
    return main([*args, "--ssot", str(repo / "ssot"), *extra])


RAW_TABLES = (
    "bdl_player_boxscores",
    "bigdataball_play_by_play",
    "br_rosters_current",
    "nbac_gamebook_player_stats",
    "nbac_injury_report",
    "nbac_schedule",
    "odds_api_game_lines",
    "odds_api_player_points_props",
    "v_player_recent_form",
)


def test_extending_a_phase_keeps_comments_order_and_layout(
    small_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(small_repo)
    path = small_repo / PHASE2
    original = path.read_text()
    commented = original.replace('dataset: "nba_raw"\n', 'dataset: "nba_raw"  # written by the scrapers\n', 1)
    commented = "# Phase 2: one processor per scraper source.\n" + commented
    path.write_text(commented)
    url = snapshot(small_repo, "nba_raw", *RAW_TABLES)

    assert ssot_import(small_repo, url, "nba_raw", 2) == EXIT_DRIFT
    out, err = capsys.readouterr()
    assert path.read_text() == commented  # a dry run writes nothing
    assert out == (
        f"--- a/{PHASE2}\n"
        f"+++ b/{PHASE2}\n"
        "@@ -48,8 +48,12 @@\n"
        '     description: "Current NBA rosters from Basketball Reference"\n'
        '     notes: "May not publish daily if no roster changes"\n'
        " \n"
        "+  - name: nbac_injury_report\n"
        "+\n"
        "+  - name: odds_api_player_points_props\n"
        "+\n"
        " orchestration:\n"
        "-  expected_count: 6\n"
        "+  expected_count: 8\n"
        "   trigger_mode: all_complete\n"
        "   timeout_minutes: 30\n"
        "   enable_deadline_monitoring: true\n"
    )
    assert err == f"2 processor(s) to import into {PHASE2}; run again with --write\n"

    assert ssot_import(small_repo, url, "nba_raw", 2, "--write") == EXIT_OK
    assert capsys.readouterr().out == (
        f"imported 2 processor(s) into {PHASE2}: nbac_injury_report, odds_api_player_points_props\n"
    )
    expected = commented.replace("expected_count: 6", "expected_count: 8").replace(
        "\norchestration:",
        "\n  - name: nbac_injury_report\n\n  - name: odds_api_player_points_props\n\norchestration:",
    )
    assert path.read_text() == expected

    assert ssot_import(small_repo, url, "nba_raw", 2, "--write") == EXIT_OK
    assert capsys.readouterr().out == f"nothing to import: {PHASE2} lists every table of nba_raw in {url}\n"
    assert main(["validate", "--ssot", str(small_repo / "ssot")]) == EXIT_OK


def test_a_compact_phase_file_stays_compact(small_repo: Path) -> None:
    path = small_repo / PHASE4
    original = path.read_text()
    url = snapshot(small_repo, "nba_precompute", "ml_feature_store_v2", "player_daily_cache", "team_pace_daily")
    assert ssot_import(small_repo, url, "nba_precompute", 4, "--write") == EXIT_OK
    assert path.read_text() == original.replace(
        "    target_table: ml_feature_store_v2\n", "    target_table: ml_feature_store_v2\n  - name: team_pace_daily\n"
    )


def test_bootstrapping_a_new_phase(small_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = snapshot(small_repo, "nba_predictions", "player_prop_predictions", "prediction_accuracy", "v_latest")
    assert ssot_import(small_repo, url, "nba_predictions", 5, "--write") == EXIT_OK
    created = small_repo / "ssot/processors/phase5_nba_predictions_processors.yaml"
    assert created.read_text() == (
        'version: "1.0"\n'
        "phase: 5\n"
        'phase_name: "nba_predictions"\n'
        'dataset: "nba_predictions"\n'
        "\n"
        "# Imported by `driftbot ssot import`: one processor per table; add class, schedule, description.\n"
        "critical_processors:\n"
        "  - name: player_prop_predictions\n"
        "  - name: prediction_accuracy\n"
    )
    capsys.readouterr()
    assert main(["validate", "--ssot", str(small_repo / "ssot")]) == EXIT_OK


def test_a_phase_of_another_dataset_is_refused(small_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = snapshot(small_repo, "nba_analytics", "player_game_summary")
    assert ssot_import(small_repo, url, "nba_analytics", 2) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err == f"driftbot: {small_repo / PHASE2}: phase 2 writes dataset 'nba_raw', not 'nba_analytics'\n"


def test_a_dataset_the_inventory_does_not_have(small_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = snapshot(small_repo, "nba_raw", "nbac_schedule")
    assert ssot_import(small_repo, url, "nba_analytics", 3) == EXIT_ERROR
    assert capsys.readouterr().err == (f"driftbot: dataset 'nba_analytics' is not in {url} (datasets there: nba_raw)\n")


def test_an_unreachable_inventory_exits_3(small_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    code = ssot_import(small_repo, "bigquery://nba-props-platform", "nba_raw", 2, "--bigquery-endpoint", endpoint)
    assert code == EXIT_UNREACHABLE
    assert capsys.readouterr().err == (
        f"driftbot: bigquery://nba-props-platform: cannot connect to {endpoint} listing datasets of project "
        "nba-props-platform: [Errno 111] Connection refused\n"
    )


def test_a_phase_file_linked_out_of_the_repository_is_neither_read_nor_written(
    small_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "outside.yaml"
    original = (small_repo / PHASE2).read_bytes()
    outside.write_bytes(original)
    (small_repo / PHASE2).unlink()
    (small_repo / PHASE2).symlink_to(outside)
    url = snapshot(small_repo, "nba_raw", *RAW_TABLES)
    capsys.readouterr()
    assert ssot_import(small_repo, url, "nba_raw", 2, "--write") == EXIT_ERROR
    assert capsys.readouterr().err == (
        "driftbot: ssot/processors/phase2_raw_processors.yaml: resolves outside the repository (a symlink or '..')\n"
    )
    assert outside.read_bytes() == original


def test_a_phase_file_that_is_a_link_inside_the_repository_is_not_written_through(
    small_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = small_repo / "ssot/phase2.yaml"
    real.write_bytes((small_repo / PHASE2).read_bytes())
    (small_repo / PHASE2).unlink()
    (small_repo / PHASE2).symlink_to(real)
    before = real.read_bytes()
    url = snapshot(small_repo, "nba_raw", *RAW_TABLES)
    assert ssot_import(small_repo, url, "nba_raw", 2, "--write") == EXIT_ERROR
    assert capsys.readouterr().err.endswith(
        "is a symlink; driftbot does not write through links; nothing was written\n"
    )
    assert real.read_bytes() == before
