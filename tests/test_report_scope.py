"""Scoping a report to a change: the lines a patch adds, and how filter and baseline combine."""

from __future__ import annotations

from driftbot.ftypes import Binding, Collection, Element, Finding, Location, Report, Severity
from driftbot.report.fingerprint import fingerprint
from driftbot.report.scope import added_lines, diff_lines, new_findings, on_lines, reroot, union, unrooted

PATCH = """@@ -3,4 +3,4 @@ A = [
     'a',
-    'b',
+    'c',
     'd',
-    'e'
\\ No newline at end of file
+    'e',
@@ -20,2 +20,0 @@
-gone
-gone too
@@ -30 +28,2 @@
+x
+y"""


def finding(path: str, line: int, ssot: str | None = None) -> Finding:
    return Finding("unknown-name", Severity.HIGH, Location(path, line, 1), "m", ssot=ssot, actual=f"{path}{line}")


def test_added_lines_follow_the_new_side_of_each_hunk() -> None:
    assert added_lines(PATCH) == frozenset({4, 6, 28, 29})
    diff = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n" + PATCH + "\ndiff --git a/old.py b/old.py\n"
    diff += "--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    assert diff_lines(diff) == {"x.py": frozenset({4, 6, 28, 29})}  # a deleted file holds no finding


def test_on_lines_keeps_changed_lines_unknown_patches_and_ssot_edits() -> None:
    report = Report(
        (finding("a.py", 4), finding("a.py", 5), finding("big.py", 9), finding("b.py", 1, "ssot/p.yaml")), 3
    )
    changed = {"a.py": frozenset({4}), "big.py": None, "ssot/p.yaml": frozenset({2})}
    assert [(f.location.path, f.location.line) for f in on_lines(report, changed).findings] == [
        ("a.py", 4),
        ("big.py", 9),
        ("b.py", 1),
    ]


def test_touched_or_new_is_a_union_in_report_order_and_baselines_count_copies() -> None:
    twice = (finding("a.py", 1), finding("a.py", 1), finding("b.py", 2))
    report = Report(twice, 2)
    new = new_findings(report, [fingerprint(twice[0])])  # one recorded copy hides one, not both
    assert [f.location.path for f in new.findings] == ["a.py", "b.py"]
    assert union(report, Report(twice[2:], 2), Report((), 2)).findings == twice[2:]


def test_reroot_and_unrooted_are_inverses() -> None:
    report = Report((finding("cfg.py", 3, "ssot/p.yaml"),), 1)
    moved = reroot(report, "svc/a").findings[0]
    assert (moved.location.path, moved.ssot) == ("svc/a/cfg.py", "svc/a/ssot/p.yaml")
    assert unrooted(moved, "svc/a") == report.findings[0]


def test_reroot_moves_bindings_too() -> None:
    element = Element("br_roster", Location("cfg.py", 4, 5))
    collection = Collection("cfg.py", "EXPECTED", "list", Location("cfg.py", 3, 12), (element,), 5)
    report = Report((), 1, bindings=(Binding(collection, "phase2", "name", "auto"),))
    moved = reroot(report, "svc/a").bindings[0].collection
    assert (moved.path, moved.location, moved.elements) == (
        "svc/a/cfg.py",
        Location("svc/a/cfg.py", 3, 12),
        (Element("br_roster", Location("svc/a/cfg.py", 4, 5)),),
    )
