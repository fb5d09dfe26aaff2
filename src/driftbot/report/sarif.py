"""SARIF 2.1.0 for GitHub code scanning.

Levels come from driftbot's severities (no `security-severity`: drift is not a vulnerability).
Each result carries a `partialFingerprints` entry that ignores line numbers, so GitHub keeps one
alert for the same drift across runs even when the lines around it move.

GitHub's limits: it refuses a run over 25,000 results, a result over 1,000 locations or a file over
10 MB gzipped, and stores only a run's 5,000 most severe results. So a run holds at most
`MAX_RESULTS` (the most severe) and stays under `MAX_GZIPPED`; when findings are left out, the run
says so (`properties` and a tool execution notification). A result has exactly one location. An
inventory that could not be read makes `invocations[0].executionSuccessful` false, with a
notification naming it: the results are then incomplete, not clean.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from importlib import metadata
from typing import Any
from urllib.parse import quote

from driftbot.ftypes import Finding, Report, Severity
from driftbot.report.common import rules_for
from driftbot.report.escape import strip_controls
from driftbot.report.fingerprint import fingerprint
from driftbot.rules.catalog import INCOMPLETE_RULES, Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "driftbot/v1"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 5_000  # GitHub stores a run's 5,000 most severe results (and refuses over 25,000)
MAX_GZIPPED = 9 * 1024 * 1024  # bytes; GitHub refuses a SARIF file over 10 MB gzipped
RULES_DOC = "docs/rules.md"
CUT = (
    "Only the {kept:,} most severe of {total:,} findings are in this SARIF file (GitHub code scanning's limits); "
    "`driftbot audit --format json` lists every finding."
)
INCOMPLETE = "{rule}: {message}"

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


def rules_doc_url(project_urls: list[str], version: str) -> str | None:
    """docs/rules.md in the driftbot repository (`Project-URL: Repository`), at this version's tag.

    None when the package names no https repository: a `helpUri` is then left out.
    """
    for entry in project_urls:
        label, _, url = entry.partition(",")
        url = url.strip().rstrip("/")
        if label.strip().lower() == "repository" and url.startswith("https://"):
            ref = f"v{version}" if re.fullmatch(r"\d+\.\d+\.\d+", version) else "main"
            return f"{url}/blob/{ref}/{RULES_DOC}"
    return None


def installed_rules_doc() -> str | None:
    try:
        urls = metadata.metadata("driftbot").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    return rules_doc_url([str(u) for u in urls], tool_version())


def rule_descriptor(rule: Rule, rules_doc: str | None = None) -> dict[str, Any]:
    fix = "`driftbot fix` corrects it in place." if rule.fixable else "Correct it by hand."
    help_uri = {"helpUri": f"{rules_doc}#{rule.id}"} if rules_doc else {}
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": f"{rule.summary} Default severity: {rule.severity.label}."},
        "help": {
            "text": f"{rule.summary}\n\nDefault severity: {rule.severity.label}. {fix.replace('`', '')}",
            "markdown": f"**{rule.id}** ({rule.severity.label}): {rule.summary}\n\n{fix}",
        },
        **help_uri,
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


def sarif_dict(
    report: Report,
    *,
    rules_doc: str | None = None,
    max_results: int = MAX_RESULTS,
    max_gzipped: int = MAX_GZIPPED,
) -> dict[str, Any]:
    """The SARIF log of `report`; `rules_doc`: the URL of docs/rules.md, for each rule's `helpUri`."""
    rules = rules_for(report)
    index = {r.id: i for i, r in enumerate(rules)}
    seen: Counter[str] = Counter()
    ordered = sorted(report.findings, key=lambda f: f.sort_key)
    results = []
    for f in ordered:  # the n-th identical drift of a file is `:n` whichever results are kept
        fp = fingerprint(f)
        seen[fp] += 1
        results.append(result(f, index[f.rule], seen[fp]))
    # The most severe first, as GitHub keeps them; ties by file and line.
    rank = sorted(range(len(ordered)), key=lambda i: (-ordered[i].effective_severity, -ordered[i].severity, i))
    notifications = [
        {
            "level": "error",
            "message": {"text": strip_controls(INCOMPLETE.format(rule=f.rule, message=f.message))},
            "associatedRule": {"id": f.rule, "index": index[f.rule]},
        }
        for f in ordered
        if f.rule in INCOMPLETE_RULES
    ]
    kept = min(len(results), max_results)
    while True:
        log = _log(report, rules, rules_doc, results, rank[:kept], notifications)
        size = len(gzip.compress(_dump(log).encode("utf-8"), compresslevel=6))
        if size <= max_gzipped or kept == 0:
            return log
        kept = min(kept - 1, int(kept * max_gzipped / size * 0.9))


def _log(
    report: Report,
    rules: list[Rule],
    rules_doc: str | None,
    results: list[dict[str, Any]],
    keep: list[int],
    notifications: list[dict[str, Any]],
) -> dict[str, Any]:
    chosen = sorted(keep)
    notes = list(notifications)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "driftbot",
                "version": tool_version(),
                "rules": [rule_descriptor(r, rules_doc) for r in rules],
            }
        },
        "invocations": [{"executionSuccessful": not notifications}],
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The root of the audited repository."}}},
        "columnKind": "unicodeCodePoints",
        "results": [results[i] for i in chosen],
    }
    if len(chosen) < len(results):
        cut = CUT.format(kept=len(chosen), total=len(results))
        notes.append({"level": "warning", "message": {"text": cut}})
        run["properties"] = {"resultsTotal": len(results), "resultsIncluded": len(chosen), "cut": cut}
    if notes:
        run["invocations"][0]["toolExecutionNotifications"] = notes
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def _dump(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_sarif(report: Report, *, color: bool = False) -> str:
    return _dump(sarif_dict(report, rules_doc=installed_rules_doc()))
