"""The JSON report is a contract: exact keys, key order, formatting and values."""

from __future__ import annotations

import json

from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.report.json_report import render_json
from driftbot.rules.catalog import finding

STALE = "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"


def _stale() -> Finding:
    return finding(
        "unknown-name",
        Location("shared/config/orchestration_config.py", 32, 9),
        STALE,
        symbol="PhaseTransitionConfig.phase2_expected_processors",
        ssot="ssot/processors/phase2_raw_processors.yaml",
        actual="br_roster",
        expected="br_rosters_current",
    )


def test_json_matches_the_documented_contract_exactly() -> None:
    report = Report((_stale(),), files_scanned=120)
    assert render_json(report) == (
        "{\n"
        '  "version": 2,\n'
        '  "findings": [\n'
        "    {\n"
        '      "rule": "unknown-name",\n'
        '      "severity": "high",\n'
        '      "path": "shared/config/orchestration_config.py",\n'
        '      "line": 32,\n'
        '      "column": 9,\n'
        f'      "message": "{STALE}",\n'
        '      "symbol": "PhaseTransitionConfig.phase2_expected_processors",\n'
        '      "ssot": "ssot/processors/phase2_raw_processors.yaml",\n'
        '      "actual": "br_roster",\n'
        '      "expected": "br_rosters_current",\n'
        '      "fixable": true,\n'
        '      "fingerprint": "b3fbe585bc64618533e1e64dbb20c990",\n'
        '      "confidence": "likely",\n'
        '      "evidence": []\n'
        "    }\n"
        "  ],\n"
        '  "summary": {\n'
        '    "files_scanned": 120,\n'
        '    "bindings": 0,\n'
        '    "findings": 1,\n'
        '    "by_severity": {\n'
        '      "high": 1\n'
        "    }\n"
        "  }\n"
        "}\n"
    )


def test_json_leaves_out_unset_fields_and_appends_rule_extras() -> None:
    extra = Finding(
        rule="count-mismatch",
        severity=Severity.MEDIUM,
        location=Location("a.py", 3, 1),
        message="3 names, the SSOT expects 21",
        extra=(("count", "3"), ("rule", "must not override the contract")),
    )
    found = json.loads(render_json(Report((extra,), files_scanned=1)))["findings"][0]
    assert list(found.items()) == [
        ("rule", "count-mismatch"),
        ("severity", "medium"),
        ("path", "a.py"),
        ("line", 3),
        ("column", 1),
        ("message", "3 names, the SSOT expects 21"),
        ("fixable", False),
        ("fingerprint", "1d973adf8f227f72ef32af3c3e26607b"),
        ("confidence", "likely"),
        ("evidence", []),
        ("count", "3"),
    ]


def test_json_without_findings_has_an_empty_summary() -> None:
    assert json.loads(render_json(Report((), files_scanned=0))) == {
        "version": 2,
        "findings": [],
        "summary": {"files_scanned": 0, "bindings": 0, "findings": 0, "by_severity": {}},
    }


def test_json_counts_by_severity_highest_first_and_keeps_finding_order() -> None:
    low = finding("expired-suppression", Location(".driftbot-ignore.yml", 2, 3), "expired")
    info = finding("unparsable-file", Location("z.py", 1, 1), "could not parse")
    doc = json.loads(render_json(Report((low, _stale(), info), files_scanned=3)))
    assert list(doc["summary"]["by_severity"].items()) == [("high", 1), ("low", 1), ("info", 1)]
    assert [f["path"] for f in doc["findings"]] == [
        ".driftbot-ignore.yml",
        "shared/config/orchestration_config.py",
        "z.py",
    ]


def test_json_keeps_non_ascii_text_readable() -> None:
    f = finding("unparsable-file", Location("données/é.py", 1, 1), "invalid character '→'")
    text = render_json(Report((f,), files_scanned=1))
    assert '"path": "données/é.py"' in text
    assert json.loads(text)["findings"][0]["message"] == "invalid character '→'"
