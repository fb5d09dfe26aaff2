"""`driftbot checklist` on the example platform, ticked from its SSOT, deploy script and gcloud snapshots."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from infra_http import serving

from driftbot.cli import main
from driftbot.commands.checklist import items, load_deployed, render
from driftbot.rules.infra import deploy_commands
from driftbot.rules.infra_scripts import check_scripts
from driftbot.ssot import loader

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "nba-props-platform"
SNAPSHOTS = [
    f"snapshot:inventory/gcloud_{kind}.json" for kind in ("topics", "subscriptions", "scheduler_jobs", "run_services")
]
SCRIPT = "bin/phase5/deploy_pubsub_infrastructure.sh"
TODAY = dt.date(2026, 1, 5)

EXPECTED = """\
## Pre-Deployment Checklist

### Infrastructure
- [x] Pub/Sub topic created: `nba-phase4-precompute-complete`
- [x] Push subscription created with correct endpoint: `nba-phase5-trigger-sub` -> `prediction-coordinator` `/trigger`
- [ ] Cloud Scheduler jobs created (4: `phase5-retry-1`, `phase5-retry-2`, `phase5-status-check`, \
`prediction-coordinator-daily-prod`) — deployed scheduler job 'prediction-coordinator-daily-prod' has schedule \
'0 6 * * *'; the SSOT says '0 3 * * *' (snapshot:inventory/gcloud_scheduler_jobs.json); scheduler job \
'phase5-retry-2' is not deployed (snapshot:inventory/gcloud_scheduler_jobs.json)
- [ ] Scheduler times meet SLA `phase5_predictions_ready` (07:00 America/New_York) — deployed scheduler job \
'prediction-coordinator-daily-prod' misses SLA 'phase5_predictions_ready' (07:00 America/New_York): fires 06:00 \
America/Los_Angeles = 09:00 America/New_York on {today}, 2h00m after the 07:00 America/New_York deadline (late on 366 \
of the 366 days from {today}) (snapshot:inventory/gcloud_scheduler_jobs.json)
- [ ] DLQ topic exists and is the dead-letter topic of `nba-phase5-trigger-sub`: `nba-phase5-trigger-dlq` — topic \
'nba-phase5-trigger-dlq' (the dead-letter topic) is not deployed (snapshot:inventory/gcloud_topics.json); deployed \
subscription 'nba-phase5-trigger-sub' has no dead-letter policy; the SSOT dead-letters to 'nba-phase5-trigger-dlq' \
(snapshot:inventory/gcloud_subscriptions.json)
- [ ] DLQ topic monitored — not checked by driftbot: alert policies are not in the SSOT
- [x] Cloud Run service deployed: `prediction-coordinator` (us-west2)
{probe}- [x] Deploy scripts match the SSOT (`bin/phase5/deploy_pubsub_infrastructure.sh`)
- [ ] Service accounts have required permissions — not checked by driftbot: IAM is not in the SSOT

{ticked} items ticked. Inventories: {sources}.
"""


def test_example_checklist_has_real_ticks_and_crosses() -> None:
    ssot = loader.load(EXAMPLE / "ssot", EXAMPLE)
    assert ssot.infrastructure is not None
    deployed, sources = load_deployed(EXAMPLE, SNAPSHOTS)
    commands, unparsable = deploy_commands([SCRIPT], lambda rel: (EXAMPLE / rel).read_bytes())
    script_findings = [*unparsable, *check_scripts(ssot.infrastructure, commands, deployed.urls, TODAY)]
    text = render(items(ssot.infrastructure, deployed, script_findings, [SCRIPT], TODAY), sources)
    assert text == EXPECTED.format(today=TODAY, probe="", ticked="4 of 9", sources=", ".join(SNAPSHOTS))


def test_checklist_command_with_a_probe(capsys: pytest.CaptureFixture[str]) -> None:
    with serving(200) as healthy_url:
        args = ["checklist", str(EXAMPLE), "--probe-http", "--service-url", f"prediction-coordinator={healthy_url}"]
        assert main([*args, *(a for s in SNAPSHOTS for a in ("--inventory", s))]) == 0
    probe = f"- [x] Health endpoint answers: `prediction-coordinator` `{healthy_url}/health`\n"
    today = dt.date.today()
    assert capsys.readouterr().out == EXPECTED.format(
        today=today, probe=probe, ticked="5 of 10", sources=", ".join(SNAPSHOTS)
    )


def test_without_inventories_nothing_deployed_is_ticked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklist", str(EXAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == (
        "- [ ] Pub/Sub topic created: `nba-phase4-precompute-complete` — no inventory lists topics "
        "(gcloud pubsub topics list --format=json)"
    )
    assert lines[-1] == "1 of 9 items ticked. Inventories: none."


def test_a_broken_snapshot_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)  # snapshot paths must be inside the repository
    (repo / "jobs.json").write_text('[{"name": "projects/p/locations/l/jobs/j"')
    assert main(["checklist", str(repo), "--inventory", "snapshot:jobs.json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("driftbot: jobs.json:1:42: invalid JSON")
