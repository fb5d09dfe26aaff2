"""`driftbot validate` on ssot/infrastructure/: schema, references and SLA deadlines, with positions."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from driftbot.cli import main

ROOT = Path(__file__).resolve().parents[2]
JOBS = "ssot/infrastructure/cloud_scheduler_jobs.yaml"
PUBSUB = "ssot/infrastructure/pubsub_topics.yaml"
SERVICES = "ssot/infrastructure/cloud_run_services.yaml"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def validate(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["validate", "--ssot", "ssot"])
    return code, capsys.readouterr().out.splitlines()


def test_the_projects_ssot_is_valid(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(capsys) == (0, ["SSOT valid: 3 phase(s), 16 processor(s), 4 scheduler job(s), 1 subscription(s)"])


def test_option_a_schedule_against_option_b_sla_is_rejected(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, JOBS, 'schedule: "0 3 * * *"', 'schedule: "0 6 * * *"')
    today = dt.date.today()
    assert validate(capsys) == (
        1,
        [
            f"{JOBS}:19:15: scheduler job 'prediction-coordinator-daily-prod' misses SLA 'phase5_predictions_ready': "
            f"fires 06:00 America/Los_Angeles = 09:00 America/New_York on {today}, 2h00m after the 07:00 "
            f"America/New_York deadline (late on 366 of the 366 days from {today})"
        ],
    )


def test_unknown_references_are_positioned(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, PUBSUB, "path: /trigger}", "path: /trigger-v2}")
    edit(repo, PUBSUB, "dead_letter_topic: nba-phase5-trigger-dlq", "dead_letter_topic: nba-phase5-dlq")
    edit(repo, JOBS, "{service: prediction-coordinator, path: /retry", "{service: coordinator, path: /retry")
    edit(repo, JOBS, "path: /status, method: GET", "path: /status, method: POST")
    edit(
        repo,
        JOBS,
        "    sla: phase5_predictions_ready\n\n  - name: phase5-retry-2",
        "    sla: ready\n\n  - name: phase5-retry-2",
    )
    code, lines = validate(capsys)
    assert code == 1
    assert lines == [
        f"{JOBS}:30:13: scheduler job 'phase5-retry-1' targets unknown service 'coordinator' "
        "(known: prediction-coordinator)",
        f"{JOBS}:31:10: scheduler job 'phase5-retry-1' names unknown SLA 'ready' (known: phase5_predictions_ready)",
        f"{JOBS}:44:13: scheduler job 'phase5-status-check' targets 'prediction-coordinator' /status with POST, "
        "but the endpoint takes GET",
        f"{PUBSUB}:13:20: subscription 'nba-phase5-trigger-sub' pushes to unknown endpoint '/trigger-v2' of service "
        "'prediction-coordinator' (endpoints: /start, /trigger, /retry, /status)",
        f"{PUBSUB}:14:24: subscription 'nba-phase5-trigger-sub' dead-letters to unknown topic 'nba-phase5-dlq'",
    ]


def test_schema_errors_and_unknown_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    start = "    target: {service: prediction-coordinator, path: /start"
    edit(repo, JOBS, f"    location: us-west2\n{start}", f"    region: x\n{start}")
    edit(repo, SERVICES, "health_path: /health", "health_path: health")
    (repo / "ssot/infrastructure/cloud_scheduler.yaml").write_text("version: '1.0'\n")
    code, lines = validate(capsys)
    assert code == 1
    assert lines == [
        f"{SERVICES}:7:18: services.0.health_path: String should match pattern '^/[^\\s?#]*$'",
        "ssot/infrastructure/cloud_scheduler.yaml:1:1: unknown infrastructure file "
        "(expected one of pubsub_topics.yaml, cloud_run_services.yaml, cloud_scheduler_jobs.yaml)",
        f"{JOBS}:21:5: unknown key 'region'",
    ]


def test_bad_schedule_zone_and_target_choice(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, JOBS, 'schedule: "15 3 * * *"', 'schedule: "15 3 * *"')
    edit(repo, JOBS, "time_zone: America/New_York", "time_zone: Eastern")
    code, lines = validate(capsys)
    assert code == 1
    assert lines == [
        f"{JOBS}:14:16: SLA 'phase5_predictions_ready': unknown time zone 'Eastern' "
        "(use an IANA name such as America/New_York)",
        f"{JOBS}:27:15: scheduler job 'phase5-retry-1': schedule '15 3 * *' is not unix-cron: expected 5 fields, got 4",
    ]
