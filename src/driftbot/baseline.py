"""Baselines: record today's findings once, then report only drift that is new.

Findings are matched by fingerprint (rule, file, symbol, actual, expected; never the line), with
multiplicity: a baseline holding a fingerprint twice hides two such findings, not a third.
`write_baseline` writes a compact file without line numbers (moving code does not churn it); a
JSON report (`--format json`) is accepted as a baseline too, since it carries the fingerprints.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from driftbot import yamlpos
from driftbot.errors import DriftbotError
from driftbot.ftypes import Report
from driftbot.report.fingerprint import fingerprint
from driftbot.report.scope import new_findings
from driftbot.yamlpos import Problem, YamlProblems

BASELINE_VERSION: Literal[1] = 1


class _Strict(BaseModel):
    # Other keys are allowed so that a saved `--format json` report is a baseline as it is.
    model_config = ConfigDict(extra="ignore", strict=True)


class BaselineEntry(_Strict):
    fingerprint: str = Field(pattern=r"^[0-9a-f]{32}$")
    # The rest is for the people who review a baseline change; matching uses the fingerprint only.
    rule: str
    path: str
    symbol: str | None = None
    message: str | None = None


class BaselineFile(_Strict):
    version: Literal[1, 2]  # 1: a baseline file; 2: a `--format json` report
    findings: list[BaselineEntry]


def write_baseline(report: Report, path: Path) -> int:
    """Write every finding of `report` to `path` (atomically); return how many were written."""
    entries = [
        BaselineEntry(fingerprint=fingerprint(f), rule=f.rule, path=f.location.path, symbol=f.symbol, message=f.message)
        for f in report.findings
    ]
    # Sorted without line numbers, so moving code does not churn the file's diff.
    entries.sort(key=lambda e: (e.path, e.rule, e.symbol or "", e.fingerprint, e.message or ""))
    doc = BaselineFile(version=BASELINE_VERSION, findings=entries)
    text = json.dumps(doc.model_dump(exclude_none=True), indent=2, ensure_ascii=False) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise DriftbotError(f"{path}: cannot write baseline: {exc.strerror}") from None
    return len(entries)


def read_baseline(path: Path) -> BaselineFile:
    """Parse a baseline file; anything wrong is a DriftbotError naming `file:line:col`."""
    shown = str(path)
    try:  # no size cap: a legacy repo's baseline can be large (about 250 bytes a finding)
        text = yamlpos.read_text(path, shown, max_bytes=None)
    except YamlProblems as exc:
        raise DriftbotError(f"invalid baseline: {exc.problems[0]}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(shown, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")
        raise DriftbotError(f"invalid baseline: {problem}") from None
    try:
        return BaselineFile.model_validate(data)
    except ValidationError as exc:
        problem = _locate(text, shown, exc)
        more = exc.error_count() - 1
        suffix = f" (and {more} more)" if more else ""
        raise DriftbotError(f"invalid baseline: {problem}{suffix}") from None


def filter_new(report: Report, baseline_path: Path) -> Report:
    """`report` without the findings recorded in the baseline at `baseline_path`."""
    return new_findings(report, (e.fingerprint for e in read_baseline(baseline_path).findings))


def _locate(text: str, shown: str, exc: ValidationError) -> Problem:
    """Position the first validation error: JSON is YAML, and yamlpos knows where every key is."""
    try:
        yamlpos.validate(BaselineFile, yamlpos.loads(text, shown))
    except YamlProblems as positioned:
        return positioned.problems[0]
    # Only reached if YAML reads this JSON differently; the error still gets a file:line:col.
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "document"
    return Problem(shown, 1, 1, f"{where}: {first['msg']}")
