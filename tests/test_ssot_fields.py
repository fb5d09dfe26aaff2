"""SSOT fields that state more of the truth: a processor's own dataset, class aliases, deprecated tables,
an infrastructure-only SSOT, and cron ranges that would wrap around."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.errors import DriftbotError
from driftbot.schedule import ScheduleError, parse_cron
from driftbot.ssot import loader
from example_helpers import ROOT

PHASE4 = """version: "1.0"
phase: 4
phase_name: precompute
dataset: nba_precompute
critical_processors:
  - name: player_daily_cache
    class: PlayerDailyCacheProcessor
    classes: [PlayerDailyCacheProcessorV2]
  - name: ml_feature_store
    target_table: ml_feature_store_v2
    dataset: nba_predictions
"""


def _ssot(tmp_path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (tmp_path / "ssot" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "ssot" / rel).write_text(text)
    return tmp_path


def test_processor_dataset_override_and_classes(tmp_path: Path) -> None:
    repo = _ssot(tmp_path, {"processors/phase4.yaml": PHASE4})
    ssot = loader.load(repo / "ssot", repo)
    phase = ssot.lists[0]
    assert ssot.datasets == frozenset({"nba_precompute", "nba_predictions"})
    assert phase.tables_in("nba_predictions") == ("ml_feature_store_v2",)
    assert phase.tables_in("nba_precompute") == ("player_daily_cache",)
    assert phase.processors[0].class_names == ("PlayerDailyCacheProcessor", "PlayerDailyCacheProcessorV2")
    (repo / "q.sql").write_text(
        "SELECT * FROM nba_predictions.ml_feature_store_v2;\nSELECT * FROM nba_precompute.ml_feature_store_v2;\n"
    )
    found = [(str(f.location), f.actual, f.expected) for f in run_audit(repo).findings if f.rule == "unknown-table"]
    # It lives in nba_predictions, not in the phase's dataset: the finding says so, and moves it there.
    assert found == [("q.sql:2:15", "nba_precompute.ml_feature_store_v2", "nba_predictions.ml_feature_store_v2")]


def test_a_class_claimed_by_two_processors_is_refused(tmp_path: Path) -> None:
    text = PHASE4.replace("classes: [PlayerDailyCacheProcessorV2]", "classes: [X]") + "    classes: [X]\n"
    repo = _ssot(tmp_path, {"processors/phase4.yaml": text})
    _, problems = loader.check(repo / "ssot", repo)
    assert [str(p) for p in problems] == [
        "ssot/processors/phase4.yaml:12:15: class 'X' is also a class of processor 'player_daily_cache'"
    ]


def test_replaced_by_needs_deprecated(tmp_path: Path) -> None:
    repo = _ssot(tmp_path, {"processors/phase4.yaml": PHASE4 + "    replaced_by: player_daily_cache\n"})
    _, problems = loader.check(repo / "ssot", repo)
    assert len(problems) == 1
    assert "replaced_by needs deprecated: true" in str(problems[0])


def test_fix_replaces_a_deprecated_table(tmp_path: Path) -> None:
    phase5 = (
        'version: "1.0"\nphase: 5\nphase_name: predictions\ndataset: nba_predictions\ncritical_processors:\n'
        "  - name: prediction_accuracy\n  - name: prediction_grades\n    deprecated: true\n"
        "    replaced_by: prediction_accuracy\n"
    )
    repo = _ssot(tmp_path, {"processors/phase5.yaml": phase5})
    (repo / "q.sql").write_text("SELECT * FROM `p.nba_predictions.prediction_grades`\n")
    [f] = [f for f in run_audit(repo).findings if f.rule == "deprecated-table"]
    assert (str(f.location), f.message, f.expected, f.confidence) == (
        "q.sql:1:34",
        "'nba_predictions.prediction_grades' is deprecated in the SSOT, use 'prediction_accuracy'",
        "prediction_accuracy",
        "certain",
    )


def test_an_infrastructure_only_ssot_is_accepted(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot" / "infrastructure", tmp_path / "ssot" / "infrastructure")
    ssot = loader.load(tmp_path / "ssot", tmp_path)
    assert ssot.lists == ()
    assert ssot.infrastructure is not None
    assert run_audit(tmp_path).findings == ()


def test_an_empty_ssot_is_still_refused(tmp_path: Path) -> None:
    (tmp_path / "ssot").mkdir()
    with pytest.raises(DriftbotError, match="no SSOT files"):
        loader.load(tmp_path / "ssot", tmp_path)


def test_a_wrap_around_cron_range_is_refused_with_the_way_to_write_it() -> None:
    with pytest.raises(ScheduleError) as info:
        parse_cron("0 9 * 10-4 *")
    assert str(info.value) == (
        "schedule '0 9 * 10-4 *': '10-4' in the month field wraps around, which cron does not do; write it as 10-12,1-4"
    )
