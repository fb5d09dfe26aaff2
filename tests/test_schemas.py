"""The JSON Schemas: generated from the models, shipped in sync, and true of the real files and reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from driftbot.cli import main
from driftbot.commands import schema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "nba-props-platform"
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)
FILES = {  # example file -> the schema it follows
    ".driftbot.yml": "config",
    "ssot/processors/phase2_raw_processors.yaml": "ssot",
    "ssot/processors/phase3_analytics_processors.yaml": "ssot",
    "ssot/processors/phase4_precompute_processors.yaml": "ssot",
    "ssot/infrastructure/pubsub_topics.yaml": "pubsub",
    "ssot/infrastructure/cloud_run_services.yaml": "services",
    "ssot/infrastructure/cloud_scheduler_jobs.yaml": "scheduler",
}


@pytest.mark.parametrize("kind", sorted(schema.SCHEMAS))
def test_the_shipped_schema_is_the_generated_one(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    shipped = schema.shipped_path(kind).read_text(encoding="utf-8")
    assert shipped == schema.render(kind), "stale: run `make schemas`"
    assert main(["schema", kind]) == 0
    assert capsys.readouterr().out == shipped
    jsonschema.Draft202012Validator.check_schema(json.loads(shipped))


@pytest.mark.parametrize(("rel", "kind"), sorted(FILES.items()))
def test_the_examples_name_their_schema_and_follow_it(rel: str, kind: str) -> None:
    path = EXAMPLE / rel
    text = path.read_text(encoding="utf-8")
    (target,) = MODELINE.findall(text)
    assert (path.parent / target).resolve() == schema.shipped_path(kind)
    jsonschema.validate(yaml.safe_load(text), schema.generate(kind))


def test_an_invalid_config_is_rejected_by_the_schema_too() -> None:
    with pytest.raises(jsonschema.ValidationError, match="'bindngs' was unexpected"):
        jsonschema.validate({"version": 1, "bindngs": []}, schema.generate("config"))


def test_the_real_report_follows_the_report_schema(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(EXAMPLE), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, schema.generate("report"))
    finding = report["findings"][0]
    assert list(finding)[:6] == ["rule", "severity", "path", "line", "column", "message"]
    required = schema.generate("report")["$defs"]["ReportFinding"]["required"]
    assert set(required) == {
        "rule", "severity", "path", "line", "column", "message", "fixable", "fingerprint", "confidence", "evidence"
    }  # fmt: skip
