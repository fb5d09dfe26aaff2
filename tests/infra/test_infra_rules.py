"""Infrastructure rules through real inputs: the incident repo, a drifting deploy script, gcloud snapshots."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.cli import main
from driftbot.commands.checklist import load_deployed
from driftbot.ftypes import Finding
from driftbot.rules.infra import check_infrastructure
from driftbot.rules.infra_common import Deployed
from driftbot.ssot import loader

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
FIXTURES = HERE / "fixtures"
TODAY = dt.date(2026, 1, 5)
SNAPSHOTS = (
    "gcloud_topics.json",
    "gcloud_subscriptions.json",
    "gcloud_scheduler_jobs.json",
    "gcloud_run_services.json",
)
JOBS = "ssot/infrastructure/cloud_scheduler_jobs.yaml"
PUBSUB = "ssot/infrastructure/pubsub_topics.yaml"
INCIDENT_LATE = (
    "misses SLA 'phase5_predictions_ready' (07:00 America/New_York): fires 06:00 America/Los_Angeles = 09:00 "
    "America/New_York on 2026-01-05, 2h00m after the 07:00 America/New_York deadline (late on 366 of the 366 days "
    "from 2026-01-05)"
)


def rows(findings: list[Finding] | tuple[Finding, ...]) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity.label, str(f.location), f.message) for f in sorted(findings, key=lambda f: f.sort_key)]


def test_the_incident_is_an_sla_breach_at_the_schedule_line_for_update_and_create() -> None:
    report = run_audit(FIXTURES / "incident", today=TODAY)
    job = "scheduler job 'prediction-coordinator-daily-prod' (as prediction-coordinator-daily-${ENVIRONMENT})"
    mismatch = f"{job} gets schedule '0 6 * * *' here; the SSOT says '0 3 * * *'"
    assert rows(report.findings) == [
        ("schedule-mismatch", "high", "bin/create_coordinator_schedule.sh:7:5", mismatch),
        ("sla-breach", "critical", "bin/create_coordinator_schedule.sh:7:5", f"{job} {INCIDENT_LATE}"),
        ("schedule-mismatch", "high", "bin/update_coordinator_schedule.sh:8:3", mismatch),
        ("sla-breach", "critical", "bin/update_coordinator_schedule.sh:8:3", f"{job} {INCIDENT_LATE}"),
    ]
    breach = report.findings[1]
    assert (breach.actual, breach.expected) == ("0 6 * * * America/Los_Angeles", "by 07:00 America/New_York")
    assert breach.extra == (("worst_date", "2026-01-05"), ("late_days", "366"))


def test_the_incident_fails_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(FIXTURES / "incident"), "--fail-on", "critical"]) == 1
    assert "sla-breach" in capsys.readouterr().out


def test_every_script_rule_on_a_drifting_deploy_script() -> None:
    ssot = loader.load(ROOT / "ssot", ROOT)
    assert ssot.infrastructure is not None
    read = (FIXTURES / "drift" / "deploy.sh").read_bytes
    found = list(check_infrastructure(ssot.infrastructure, ["deploy.sh"], lambda _: read(), Deployed(), TODAY))
    assert rows(found) == [
        ("endpoint-missing", "high", "deploy.sh:5:42",
         "service 'prediction-coordinator' is deployed to us-east1; the SSOT serves its endpoints from us-west2"),
        ("topic-missing", "high", "deploy.sh:6:60",
         "creates topic 'nba-phase4-complete', which the SSOT does not declare"),
        ("dead-letter-missing", "medium", "deploy.sh:7:1",
         "subscription 'nba-phase5-trigger-sub' is created without --dead-letter-topic; the SSOT dead-letters to "
         "'nba-phase5-trigger-dlq'"),
        ("subscription-endpoint-mismatch", "high", "deploy.sh:8:3",
         "subscription 'nba-phase5-trigger-sub' pushes to $URL/start: path /start, not /trigger; the SSOT pushes to "
         "prediction-coordinator /trigger"),
        ("time-zone-mismatch", "high", "deploy.sh:10:3",
         "scheduler job 'prediction-coordinator-daily-prod' gets time zone 'America/New_York' here; the SSOT says "
         "'America/Los_Angeles'"),
        ("schedule-mismatch", "high", "deploy.sh:11:50",
         "scheduler job 'phase5-retry-1' gets schedule '15 3 * * 1-5' here; the SSOT says '15 3 * * *'"),
        ("endpoint-missing", "high", "deploy.sh:12:3",
         "scheduler job 'phase5-retry-1' calls $URL/trigger: path /trigger, not /retry; the SSOT target is POST "
         "prediction-coordinator /retry"),
        ("endpoint-missing", "high", "deploy.sh:13:1",
         "scheduler job 'phase5-status-check' calls with POST; the SSOT target is GET prediction-coordinator /status"),
        ("scheduler-job-missing", "high", "deploy.sh:15:35",
         "scheduler job 'phase5-cleanup' is not declared in the SSOT"),
        ("time-zone-mismatch", "high", "deploy.sh:16:55",
         "scheduler job phase5-retry-${N} (any of 'phase5-retry-1', 'phase5-retry-2') gets time zone 'UTC' here; "
         "the SSOT says 'America/Los_Angeles'"),
        ("sla-breach", "critical", "deploy.sh:17:74",
         "scheduler job 'phase5-retry-2' misses SLA 'phase5_predictions_ready' (07:00 America/New_York): fires 03:30 "
         "America/Anchorage = 07:30 America/New_York on 2026-01-05, 0h30m after the 07:00 America/New_York deadline "
         "(late on 366 of the 366 days from 2026-01-05)"),
        ("time-zone-mismatch", "high", "deploy.sh:17:74",
         "scheduler job 'phase5-retry-2' gets time zone 'America/Anchorage' here; the SSOT says 'America/Los_Angeles'"),
        ("topic-missing", "high", f"{PUBSUB}:7:11",
         "topic 'nba-phase5-trigger-dlq' is in the SSOT, but no deploy script (deploy.sh) creates it"),
    ]  # fmt: skip


def test_every_deployed_rule_against_gcloud_snapshots() -> None:
    ssot = loader.load(ROOT / "ssot", ROOT)
    assert ssot.infrastructure is not None
    deployed, sources = load_deployed(FIXTURES / "deployed", [f"snapshot:{name}" for name in SNAPSHOTS])
    assert sources == [f"snapshot:{name}" for name in SNAPSHOTS]
    found = list(check_infrastructure(ssot.infrastructure, [], lambda _: b"", deployed, TODAY))
    url = "https://prediction-coordinator-f7p3g7f6ya-uc.a.run.app"
    jobs, subs = "(snapshot:gcloud_scheduler_jobs.json)", "(snapshot:gcloud_subscriptions.json)"
    assert rows(found) == [
        ("endpoint-missing", "high", "ssot/infrastructure/cloud_run_services.yaml:6:13",
         "service 'prediction-coordinator' is deployed to us-central1; the SSOT serves its endpoints from us-west2 "
         "(snapshot:gcloud_run_services.json)"),
        ("schedule-mismatch", "high", f"{JOBS}:19:15",
         f"deployed scheduler job 'prediction-coordinator-daily-prod' has schedule '0 6 * * *'; the SSOT says "
         f"'0 3 * * *' {jobs}"),
        ("sla-breach", "critical", f"{JOBS}:19:15",
         f"deployed scheduler job 'prediction-coordinator-daily-prod' {INCIDENT_LATE} {jobs}"),
        ("time-zone-mismatch", "high", f"{JOBS}:28:16",
         f"deployed scheduler job 'phase5-retry-1' runs in 'America/Denver'; the SSOT says "
         f"'America/Los_Angeles' {jobs}"),
        ("endpoint-missing", "high", f"{JOBS}:30:13",
         f"deployed scheduler job 'phase5-retry-1' calls {url}/retry: method GET; the SSOT target is POST "
         f"prediction-coordinator /retry {jobs}"),
        ("scheduler-job-missing", "high", f"{JOBS}:33:11",
         f"scheduler job 'phase5-retry-2' is deployed but PAUSED {jobs}"),
        ("scheduler-job-missing", "high", f"{JOBS}:40:11",
         f"scheduler job 'phase5-status-check' is not deployed {jobs}"),
        ("topic-missing", "high", f"{PUBSUB}:7:11",
         "topic 'nba-phase5-trigger-dlq' (the dead-letter topic) is not deployed (snapshot:gcloud_topics.json)"),
        ("subscription-endpoint-mismatch", "high", f"{PUBSUB}:13:20",
         f"deployed subscription 'nba-phase5-trigger-sub' pushes to {url}/start: path /start, not /trigger; the SSOT "
         f"pushes to prediction-coordinator /trigger {subs}"),
        ("dead-letter-missing", "medium", f"{PUBSUB}:14:24",
         f"deployed subscription 'nba-phase5-trigger-sub' dead-letters to 'nba-dlq'; the SSOT dead-letters to "
         f"'nba-phase5-trigger-dlq' {subs}"),
        ("subscription-endpoint-mismatch", "high", f"{PUBSUB}:16:27",
         f"deployed subscription 'nba-phase5-trigger-sub' has an ack deadline of 10s; the SSOT says 600s {subs}"),
    ]  # fmt: skip


def test_a_push_endpoint_on_another_service_is_a_mismatch(tmp_path: Path) -> None:
    ssot = loader.load(ROOT / "ssot", ROOT)
    assert ssot.infrastructure is not None
    listing = (FIXTURES / "deployed" / "gcloud_subscriptions.json").read_text()
    moved = listing.replace("prediction-coordinator-f7p3g7f6ya-uc.a.run.app/start", "worker-x-uc.a.run.app/trigger")
    (tmp_path / "subs.json").write_text(moved)
    deployed, _ = load_deployed(tmp_path, ["snapshot:subs.json", "bigquery://ignored"])
    found = check_infrastructure(ssot.infrastructure, [], lambda _: b"", deployed, TODAY)
    pushes = [f for f in found if f.location.line == 13]
    assert [f.message for f in pushes] == [
        "deployed subscription 'nba-phase5-trigger-sub' pushes to https://worker-x-uc.a.run.app/trigger: not a URL of "
        "service 'prediction-coordinator'; the SSOT pushes to prediction-coordinator /trigger (snapshot:subs.json)"
    ]


def test_the_example_deploy_script_matches_its_ssot(example_repo: Path) -> None:
    report = run_audit(example_repo, today=TODAY)
    infra_rules = {"sla-breach", "schedule-mismatch", "time-zone-mismatch", "topic-missing", "dead-letter-missing",
                   "subscription-endpoint-mismatch", "scheduler-job-missing", "endpoint-missing"}  # fmt: skip
    assert [f for f in report.findings if f.rule in infra_rules] == []
    shutil.copy(FIXTURES / "incident" / "bin" / "update_coordinator_schedule.sh", example_repo / "bin" / "update.sh")
    report = run_audit(example_repo, today=TODAY)
    assert [(f.rule, str(f.location)) for f in report.findings if f.rule in infra_rules] == [
        ("schedule-mismatch", "bin/update.sh:8:3"),
        ("sla-breach", "bin/update.sh:8:3"),
    ]


def test_cloud_build_configs_are_checked_and_broken_ones_reported() -> None:
    ssot = loader.load(ROOT / "ssot", ROOT)
    assert ssot.infrastructure is not None
    files = {
        "cloudbuild.yaml": b"steps:\n  - name: gcr.io/cloud-builders/gcloud\n"
        b"    args: ['scheduler', 'jobs', 'update', 'http', 'phase5-retry-1', '--time-zone=UTC']\n",
        "deploy/cloudbuild-prod.yml": b"steps:\n  - name: gcr.io/cloud-builders/gcloud\n    args: [scheduler\n",
        "notes.yaml": b"gcloud: [\n",  # not a Cloud Build config: never parsed
    }
    found = check_infrastructure(ssot.infrastructure, list(files), files.__getitem__, Deployed(), TODAY)
    assert rows(list(found)) == [
        ("time-zone-mismatch", "high", "cloudbuild.yaml:3:69",
         "scheduler job 'phase5-retry-1' gets time zone 'UTC' here; the SSOT says 'America/Los_Angeles'"),
        ("unparsable-file", "info", "deploy/cloudbuild-prod.yml:4:1", "could not parse: invalid YAML"),
    ]  # fmt: skip
