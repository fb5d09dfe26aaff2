"""SARIF 2.1.0 for GitHub code scanning.

Levels come from driftbot's severities (no `security-severity`: drift is not a vulnerability).
Each result carries a `partialFingerprints` entry that ignores line numbers, so GitHub keeps one
alert for the same drift across runs even when the lines around it move.
"""

from __future__ import annotations

import json
from collections import Counter
from importlib import metadata
from typing import Any
from urllib.parse import quote

from driftbot.ftypes import Finding, Report, Severity
from driftbot.report.common import rules_for
from driftbot.report.escape import strip_controls
from driftbot.report.fingerprint import fingerprint
from driftbot.rules.catalog import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "driftbot/v1"
SRCROOT = "%SRCROOT%"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def tool_version() -> str:
    try:
        return metadata.version("driftbot")
    except metadata.PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    fix = "`driftbot fix` corrects it in place." if rule.fixable else "Correct it by hand."
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} Default severity: {rule.severity.label}."},
        "help": {
            "text": f"{rule.summary}\n\nDefault severity: {rule.severity.label}. {fix.replace('`', '')}",
            "markdown": f"**{rule.id}** ({rule.severity.label}): {rule.summary}\n\n{fix}",
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["configuration-drift"], "severity": rule.severity.label},
    }


def result(finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    properties: dict[str, Any] = {"severity": finding.severity.label, "fixable": finding.fixable}
    for key in ("symbol", "ssot", "actual", "expected"):
        value = getattr(finding, key)
        if value is not None:
            properties[key] = strip_controls(value)
    properties["confidence"] = finding.confidence
    properties["evidence"] = [strip_controls(e) for e in finding.evidence]
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.effective_severity],  # a `possible` finding is a note
        "message": {"text": strip_controls(finding.message)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(finding.location.path, safe="/"), "uriBaseId": SRCROOT},
                    # SARIF positions start at 1; a whole-file finding may say 0.
                    "region": {
                        "startLine": max(1, finding.location.line),
                        "startColumn": max(1, finding.location.column),
                    },
                }
            }
        ],
        # `hash:n` like GitHub's own fingerprints: identical drift twice in a file stays two alerts.
        "partialFingerprints": {FINGERPRINT_KEY: f"{fingerprint(finding)}:{occurrence}"},
        "properties": properties,
    }


def sarif_dict(report: Report) -> dict[str, Any]:
    rules = rules_for(report)
    index = {r.id: i for i, r in enumerate(rules)}
    seen: Counter[str] = Counter()
    results = []
    for f in sorted(report.findings, key=lambda f: f.sort_key):
        fp = fingerprint(f)
        seen[fp] += 1
        results.append(result(f, index[f.rule], seen[fp]))
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "driftbot",
                        "version": tool_version(),
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the audited repository."}}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def render_sarif(report: Report, *, color: bool = False) -> str:
    return json.dumps(sarif_dict(report), indent=2, ensure_ascii=False) + "\n"
