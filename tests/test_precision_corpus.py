"""The precision benchmark (bench/precision.py) on the realistic corpus, and the scorer itself.

The corpus's labels are the truth: a failure here means driftbot reports something a real platform
does not want reported (or misses real drift, or edits a line it should not), never that a label
should move.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("precision", ROOT / "bench" / "precision.py")
assert _spec
assert _spec.loader
precision = importlib.util.module_from_spec(_spec)
sys.modules["precision"] = precision  # dataclasses resolve their annotations through sys.modules
_spec.loader.exec_module(precision)


@pytest.fixture(scope="module")
def result() -> precision.Result:
    return precision.measure()


def test_labels_hold_their_values_in_the_corpus() -> None:
    labels, shapes = precision.load_labels(precision.CORPUS)
    assert Counter(label.rule for label in labels) == {
        "unknown-name": 11,
        "missing-name": 1,
        "duplicate-name": 1,
        "unknown-table": 5,
        "stale-comment-name": 1,
        "schedule-mismatch": 2,
        "endpoint-missing": 1,
        "unregistered-processor": 1,
    }
    assert sum(label.incident for label in labels) == 7
    assert len(shapes) == 38


def test_corpus_stays_small() -> None:
    files = [p for p in precision.CORPUS.rglob("*") if p.is_file()]
    assert len(files) <= 150
    assert sum(p.stat().st_size for p in files) <= 1_000_000


@pytest.mark.slow
def test_incident_is_found_in_all_seven_copies(result: precision.Result) -> None:
    hits, total = result.audit.incident()
    assert (hits, total) == (7, 7)


@pytest.mark.slow
def test_every_labelled_drift_is_reported(result: precision.Result) -> None:
    assert [label.where() for label in result.audit.missed] == []


@pytest.mark.slow
def test_high_and_critical_findings_are_precise(result: precision.Result) -> None:
    assert result.audit.high_precision >= precision.GOAL_HIGH_PRECISION, precision.render(result)


@pytest.mark.slow
def test_fix_completes_without_a_wrong_edit(result: precision.Result) -> None:
    assert result.fix.aborted is None
    assert [edit.describe() for edit in result.fix.wrong] == []


# --- the scorer ---------------------------------------------------------------------------------


def label(**kwargs: object) -> precision.Label:
    fields: dict[str, object] = {"rule": "unknown-name", "path": "a.py", "line": 2, "value": "x"}
    return precision.Label(**(fields | kwargs))


def test_edits_are_right_only_when_they_are_the_labelled_line() -> None:
    old = ["A = [", "    'x',", "    'y',", "]"]
    new = ["A = [", "    'x2',", "    'y',", "    'z',", "]"]
    labels = [label(fix="    'x2',"), label(rule="missing-name", line=1, value="w", fix_insert="    'w',")]
    right, wrong, missed = precision.score_edits(precision.changed_lines("a.py", old, new), labels)
    assert [e.describe() for e in right] == ["a.py:2: \"    'x',\" -> \"    'x2',\""]
    assert [e.describe() for e in wrong] == ["a.py (inserted): + \"    'z',\""]
    assert missed == [labels[1]]


def test_a_deleted_line_is_right_only_where_labelled() -> None:
    old = ["'a',", "'b',", "'a',"]
    labels = [label(rule="duplicate-name", line=3, value="a", fix_delete=True)]
    right, wrong, _ = precision.score_edits(precision.changed_lines("a.py", old, old[:2]), labels)
    assert (len(right), wrong) == (1, [])
    right, wrong, _ = precision.score_edits(precision.changed_lines("a.py", old, old[1:]), labels)
    assert (right, len(wrong)) == ([], 1)


def test_dry_run_diff_with_a_removed_sql_comment_is_applied(tmp_path: Path) -> None:
    (tmp_path / "q.sql").write_text("SELECT 1;\n-- reads br_roster\nFROM t;\n", encoding="utf-8")
    diff = (
        "--- a/q.sql\n+++ b/q.sql\n@@ -1,3 +1,3 @@\n SELECT 1;\n"
        "--- reads br_roster\n+-- reads br_rosters_current\n FROM t;\n"
    )
    old, new = precision.apply_diff(diff, tmp_path)["q.sql"]
    assert new == ["SELECT 1;", "-- reads br_rosters_current", "FROM t;"]
    assert old == ["SELECT 1;", "-- reads br_roster", "FROM t;"]


def test_a_finding_matches_its_label_by_rule_path_line_and_value() -> None:
    found = precision.Found("unknown-name", "a.py", 2, 5, "x", "high", "certain", "m")
    other = precision.Found("unknown-name", "a.py", 2, 9, "y", "high", "likely", "m")
    possible = precision.Found("missing-name", "a.py", 1, 1, "z", "high", "possible", "m")
    score = precision.score_audit([found, other, possible], [label(), label(line=7, value="q", incident=True)])
    assert [f.value for f in score.false_positives] == ["y", "z"]
    assert [lab.value for lab in score.missed] == ["q"]
    assert score.high() == (1, 2)  # a possible finding counts as info
    assert score.incident() == (0, 1)
