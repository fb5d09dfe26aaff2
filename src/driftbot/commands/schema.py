"""`driftbot schema KIND`: the JSON Schema of a file driftbot reads or writes, generated from its models.

The same schemas ship in the package (driftbot/schemas/KIND.schema.json) for editors, e.g. with a
`# yaml-language-server: $schema=...` comment; a test keeps the shipped files equal to these.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from driftbot import config
from driftbot.errors import EXIT_OK
from driftbot.ssot import infra, models

SHIPPED = Path(__file__).resolve().parents[1] / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
SeverityLabel = Literal["info", "low", "medium", "high", "critical"]


class ReportFinding(BaseModel):
    """One finding. Rules may add their own keys (e.g. `source`, `inventory`) after the ones listed."""

    model_config = ConfigDict(extra="allow")

    rule: str = Field(description="Rule name, see docs/rules.md")
    severity: SeverityLabel
    path: str = Field(description="Repository-relative POSIX path")
    line: int = Field(ge=1)
    column: int = Field(ge=1)
    message: str
    symbol: str | None = Field(default=None, description="The collection, e.g. PhaseTransitionConfig.phase2")
    ssot: str | None = Field(default=None, description="The SSOT file the finding compares against")
    actual: str | None = Field(default=None, description="What the code says")
    expected: str | None = Field(default=None, description="What the SSOT says")
    fixable: bool = Field(description="`driftbot fix` can apply it")
    fingerprint: str = Field(description="Stable across line moves: used by baselines and the PR comment")
    confidence: Literal["certain", "likely", "possible"]
    evidence: list[str] = Field(description="Why driftbot believes the finding, one fact per string")


class ReportSummary(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files_scanned: int = Field(ge=0)
    bindings: int = Field(ge=0)
    findings: int = Field(ge=0)
    by_severity: dict[SeverityLabel, int]


class Report(BaseModel):
    """`driftbot audit --format json`."""

    model_config = ConfigDict(extra="forbid", title="driftbot JSON report")

    version: Literal[2] = 2  # JSON_VERSION; tests validate real reports against this schema
    findings: list[ReportFinding]
    summary: ReportSummary


SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "config": (config.Config, "driftbot configuration (.driftbot.yml)"),
    "ssot": (models.PhaseFile, "driftbot SSOT processor phase file (ssot/processors/*.yaml)"),
    "pubsub": (infra.PubsubFile, "driftbot SSOT Pub/Sub topics (ssot/infrastructure/pubsub_topics.yaml)"),
    "services": (infra.ServicesFile, "driftbot SSOT Cloud Run services (ssot/infrastructure/cloud_run_services.yaml)"),
    "scheduler": (
        infra.SchedulerFile,
        "driftbot SSOT Cloud Scheduler jobs (ssot/infrastructure/cloud_scheduler_jobs.yaml)",
    ),
    "ignore": (config.IgnoreFile, "driftbot ignore file (.driftbot-ignore.yml)"),
    "report": (Report, "driftbot JSON report (audit --format json)"),
}


def generate(kind: str) -> dict[str, Any]:
    model, title = SCHEMAS[kind]
    body = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "title": title, **{k: v for k, v in body.items() if k != "title"}}


def render(kind: str) -> str:
    return json.dumps(generate(kind), indent=2, ensure_ascii=False) + "\n"


def shipped_path(kind: str) -> Path:
    return SHIPPED / f"{kind}.schema.json"


@dataclass(frozen=True)
class Schema:
    help: str = "Print the JSON Schema of .driftbot.yml, an SSOT file, the ignore file or the JSON report."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("kind", choices=sorted(SCHEMAS), help="which file's schema")

    def run(self, args: argparse.Namespace) -> int:
        print(render(args.kind), end="")
        return EXIT_OK


COMMAND = Schema()


def write_shipped() -> None:
    """Regenerate the shipped files after a model change: `make schemas`."""
    SHIPPED.mkdir(exist_ok=True)
    for kind in SCHEMAS:
        shipped_path(kind).write_text(render(kind), encoding="utf-8")
