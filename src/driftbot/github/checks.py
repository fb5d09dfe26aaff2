"""The `driftbot` check run: conclusion from `fail-on`, annotations at file:line in batches of 50.

A re-run that finds the same result on the same commit writes nothing: the run's `external_id`
is a fingerprint of the result, and a completed run with that fingerprint already says it all.
(GitHub appends annotations on every update, so updating a run could never remove stale ones;
a changed result gets a new run, which is the one GitHub shows for the name.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Literal

from driftbot.ftypes import Finding, Report, Severity
from driftbot.github import pipeline
from driftbot.github.client import GitHubApi
from driftbot.report.escape import strip_controls

CHECK_NAME = "driftbot"
ANNOTATIONS_PER_REQUEST = 50  # the API's cap per create/update call
MAX_ANNOTATIONS = 500  # 10 requests; the summary lists the rest
SUMMARY_LIMIT = 65_535  # check run `output.summary` cap, in characters
Conclusion = Literal["success", "neutral", "failure"]
AnnotationLevel = Literal["failure", "warning", "notice"]

TITLE_CLEAN = "No drift"
TITLE_DRIFT = "{count} finding(s), {failing} at or above {fail_on}"


def conclusion(report: Report, fail_on: Severity) -> Conclusion:
    if report.at_or_above(fail_on):
        return "failure"
    return "neutral" if report.findings else "success"


def title(report: Report, fail_on: Severity) -> str:
    if not report.findings:
        return TITLE_CLEAN
    return TITLE_DRIFT.format(
        count=len(report.findings), failing=len(report.at_or_above(fail_on)), fail_on=fail_on.label
    )


def annotation_level(severity: Severity, fail_on: Severity) -> AnnotationLevel:
    """How loud a finding is on GitHub (check runs and workflow annotations alike)."""
    if severity >= fail_on:
        return "failure"
    return "notice" if severity == Severity.INFO else "warning"


def annotation(finding: Finding, fail_on: Severity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": finding.location.path,
        "start_line": finding.location.line,
        "end_line": finding.location.line,
        "annotation_level": annotation_level(finding.effective_severity, fail_on),
        "title": f"{finding.rule} ({finding.severity.label})",
        "message": strip_controls(finding.message),
    }
    if finding.expected is not None or finding.actual is not None:
        out["raw_details"] = strip_controls(f"actual: {finding.actual}\nexpected: {finding.expected}")
    return out


def result_id(report: Report, fail_on: Severity) -> str:
    """Fingerprint of what the check run shows: findings with their positions, and the threshold."""
    digest = hashlib.sha256(fail_on.label.encode())
    for f in report.findings:
        digest.update(f"\0{pipeline.fingerprint(f)}:{f.location}:{f.severity.label}:{f.message}".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class CheckOutcome:
    check_run_id: int
    conclusion: Conclusion
    written: bool  # False: an identical run already existed


def publish(
    gh: GitHubApi,
    *,
    sha: str,
    report: Report,
    fail_on: Severity,
    summary: str,
    details_url: str | None,
    name: str = CHECK_NAME,
) -> CheckOutcome:
    """Create the check run `name` on `sha` (1 call per 50 annotations), unless an identical one exists (1 read)."""
    verdict = conclusion(report, fail_on)
    external_id = result_id(report, fail_on)
    for existing in gh.find_check_runs(sha, name):
        if existing.external_id == external_id and existing.status == "completed":
            return CheckOutcome(existing.id, verdict, written=False)
    notes = sorted(report.findings, key=lambda f: (-f.severity, f.sort_key))[:MAX_ANNOTATIONS]
    batches = [
        [annotation(f, fail_on) for f in notes[i : i + ANNOTATIONS_PER_REQUEST]]
        for i in range(0, len(notes), ANNOTATIONS_PER_REQUEST)
    ] or [[]]  # no findings: one call, no annotations
    output = {"title": title(report, fail_on), "summary": summary[:SUMMARY_LIMIT]}
    first, *rest = batches
    extra = {"details_url": details_url} if details_url else {}
    done = {"status": "completed", "conclusion": verdict}
    # Until the last batch is in, the run stays in_progress: a run cut short is visibly unfinished
    # and has no `completed` twin, so the next run creates a fresh one.
    run_id = gh.create_check_run(
        name=name,
        head_sha=sha,
        external_id=external_id,
        output={**output, "annotations": first} if first else output,
        **extra,
        **(done if not rest else {"status": "in_progress"}),
    )
    for index, batch in enumerate(rest, start=1):
        last = index == len(rest)
        gh.update_check_run(run_id, output={**output, "annotations": batch}, **(done if last else {}))
    return CheckOutcome(run_id, verdict, written=True)
