"""--probe-http against real servers on 127.0.0.1: healthy, HTTP 500, and one that never answers."""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from infra_http import serving, silent

from driftbot import probe
from driftbot.audit import run_audit
from driftbot.ssot import infra

SERVICES = """\
version: "1.0"
services:
  - name: healthy
    region: us-west2
  - name: failing
    region: us-west2
  - name: silent
    region: us-west2
    health_path: /health
  - name: unknown
    region: us-west2
"""


@pytest.fixture
def urls() -> Iterator[tuple[str, str, str]]:
    with serving(200) as healthy, serving(500) as failing, silent() as never:
        yield healthy, failing, never


def test_each_kind_of_service_gets_its_finding(tmp_path: Path, urls: tuple[str, str, str]) -> None:
    healthy_url, failing_url, silent_url = urls
    (tmp_path / "infrastructure").mkdir()
    (tmp_path / "infrastructure" / "cloud_run_services.yaml").write_text(SERVICES)
    loaded, problems = infra.check(tmp_path / "infrastructure", tmp_path)
    assert problems == []
    assert loaded is not None
    urls = {"healthy": healthy_url, "failing": failing_url + "/", "silent": silent_url}
    started = time.monotonic()
    results = probe.probe(loaded, urls, timeout=0.5)
    elapsed = time.monotonic() - started
    assert results == [
        probe.ProbeResult("healthy", f"{healthy_url}/health", True, "HTTP 200"),
        probe.ProbeResult("failing", f"{failing_url}/health", False, "HTTP 500"),
        probe.ProbeResult("silent", f"{silent_url}/health", False, "no answer within 0.5s"),
        probe.ProbeResult(
            "unknown", None, False, "no URL known (give --service-url NAME=URL or a Cloud Run inventory)"
        ),
    ]
    assert elapsed < 2.0  # probes run concurrently: one timeout, not one per service
    shown = "infrastructure/cloud_run_services.yaml"
    assert [(f.rule, f.severity.label, str(f.location), f.message) for f in probe.findings(loaded, results)] == [
        ("service-unreachable", "high", f"{shown}:5:11", f"service 'failing': GET {failing_url}/health -> HTTP 500"),
        ("service-unreachable", "high", f"{shown}:9:18",
         f"service 'silent': GET {silent_url}/health -> no answer within 0.5s"),
        ("service-unreachable", "high", f"{shown}:10:11", "service 'unknown': not probed: no URL known "
         "(give --service-url NAME=URL or a Cloud Run inventory)"),
    ]  # fmt: skip


def test_a_closed_port_cannot_connect() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    ok, detail = probe.get(f"http://127.0.0.1:{port}/health", 0.5)
    assert not ok
    assert detail.startswith("cannot connect: ")


def test_service_url_argument() -> None:
    assert probe.service_url("coordinator=https://c.run.app") == ("coordinator", "https://c.run.app")
    with pytest.raises(argparse.ArgumentTypeError):
        probe.service_url("coordinator")
    assert probe.get("file:///etc/passwd", 0.5) == (False, "not an http(s) URL")


def test_audit_probe_http_reports_the_failing_health_endpoint() -> None:
    incident = Path(__file__).resolve().parent / "fixtures" / "incident"
    with serving(500) as failing_url:
        report = run_audit(incident, today=dt.date(2026, 1, 5), probe_urls={"prediction-coordinator": failing_url})
    [finding] = [f for f in report.findings if f.rule == "service-unreachable"]
    assert (str(finding.location), finding.message) == (
        "ssot/infrastructure/cloud_run_services.yaml:3:11",
        f"service 'prediction-coordinator': GET {failing_url}/health -> HTTP 500",
    )
    assert [f.rule for f in run_audit(incident, today=dt.date(2026, 1, 5)).findings].count("service-unreachable") == 0
