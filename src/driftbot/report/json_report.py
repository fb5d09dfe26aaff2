"""The JSON report: a stable contract for scripts, the GitHub bot and baselines.

`version` 2 added `confidence` and `evidence` to each finding.
"""

from __future__ import annotations

import json
from typing import Any

from driftbot.ftypes import Finding, Report
from driftbot.report.common import severity_counts
from driftbot.report.fingerprint import fingerprint

JSON_VERSION = 2


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as in the contract; optional fields only when set, rule extras last."""
    out: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "path": finding.location.path,
        "line": finding.location.line,
        "column": finding.location.column,
        "message": finding.message,
    }
    for key in ("symbol", "ssot", "actual", "expected"):
        value = getattr(finding, key)
        if value is not None:
            out[key] = value
    out["fixable"] = finding.fixable
    out["fingerprint"] = fingerprint(finding)
    out["confidence"] = finding.confidence
    out["evidence"] = list(finding.evidence)
    for key, value in finding.extra:
        out.setdefault(key, value)  # a rule's extra never overrides a contract key
    return out


def report_dict(report: Report) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "findings": [finding_dict(f) for f in sorted(report.findings, key=lambda f: f.sort_key)],
        "summary": {
            "files_scanned": report.files_scanned,
            "bindings": len(report.bindings),
            "findings": len(report.findings),
            "by_severity": {s.label: n for s, n in severity_counts(report.findings)},
        },
    }


def render_json(report: Report, *, color: bool = False) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
