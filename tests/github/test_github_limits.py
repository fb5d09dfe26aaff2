"""GitHub's size caps: a 65,536-character comment, a 1 MiB job summary, 50 annotations per call.

The audit is replaced by a synthetic report of 6,000 long findings: what is under test is how the
bot cuts a report too big for GitHub, not the audit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from github_harness import ActionRun
from github_payloads import pull_request_opened

from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.github import checks, comment, pipeline

REPO = "/repos/Codertocat/Hello-World"


def huge_report() -> Report:
    findings = tuple(
        Finding(
            rule="unknown-name",
            severity=Severity.HIGH if i % 3 else Severity.LOW,
            location=Location(f"pkg/module_{i:05}.py", 10 + i % 50, 9),
            message=f"'stale_{i}' is not a phase 2 processor in the SSOT; " + "a long explanation " * 12,
            actual=f"stale_{i}",
            expected="br_rosters_current",
        )
        for i in range(6000)
    )
    return Report(findings=tuple(sorted(findings, key=lambda f: f.sort_key)), files_scanned=6000, phases=("phase2",))


def test_a_huge_report_is_cut_to_github_s_limits(action: ActionRun, monkeypatch: pytest.MonkeyPatch) -> None:
    report = huge_report()
    monkeypatch.setattr(pipeline, "audit", lambda tree, options: report)

    assert action.run("pull_request", pull_request_opened()) == 1

    body = next(c.body["body"] for c in action.api.calls if c.line == f"POST {REPO}/issues/2/comments")
    assert len(body) <= comment.COMMENT_LIMIT
    assert "not shown; see the [job summary](https://github.com/Codertocat/Hello-World/actions/runs/4242)" in body
    check_writes = [c for c in action.api.calls if "check-runs" in c.path and c.method != "GET"]
    assert len(check_writes) == checks.MAX_ANNOTATIONS // checks.ANNOTATIONS_PER_REQUEST  # 10 calls, 500 notes
    assert all(len(c.body["output"]["summary"]) <= checks.SUMMARY_LIMIT for c in check_writes)
    assert {a["annotation_level"] for c in check_writes for a in c.body["output"]["annotations"]} == {"failure"}

    summary = action.summary()
    assert len(summary.encode()) <= 1024 * 1024
    assert "not shown; see the JSON report (`.git/driftbot-report.json`)" in summary
    assert summary.count("| [pkg/module_") > 2000  # the summary keeps far more than the comment
    assert action.outputs()["findings"] == "6000"
    assert len(Path(action.remote.workspace, ".git/driftbot-report.json").read_text()) > 1024 * 1024
