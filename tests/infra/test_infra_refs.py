"""Topics, service URLs and job schedules where they really live: Python, YAML, bash arrays."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from driftbot.audit import run_audit
from driftbot.extract.infra_refs import python_refs, yaml_refs
from driftbot.fix.plan import make_plan
from driftbot.ftypes import Finding
from driftbot.rules.infra import written_reader
from driftbot.rules.infra_refs import near_miss_pieces, near_topic
from driftbot.ssot.loader import load

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 1, 5)
PUBSUB = "ssot/infrastructure/pubsub_topics.yaml"
JOBS = "ssot/infrastructure/cloud_scheduler_jobs.yaml"
# The SSOT of the incidents: a -prod topic, and jobs that run March to October, 07:00 Eastern.
PROD_TOPICS = """version: "1.0"
topics:
  - name: nba-phase2-raw-complete-prod
  - name: nba-phase4-precompute-complete
"""
SEASON_JOBS = """version: "1.0"
slas:
  - {name: morning, deadline: "08:00", time_zone: America/New_York}
scheduler_jobs:
  - name: odds-morning
    schedule: "0 7 * 3-10 *"
    time_zone: America/New_York
    topic: nba-phase4-precompute-complete
    sla: morning
  - name: odds-evening
    schedule: "0 19 * 3-10 *"
    time_zone: America/New_York
    topic: nba-phase4-precompute-complete
"""


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "ssot/infrastructure/pubsub_topics.yaml").write_text(PROD_TOPICS)
    (tmp_path / "ssot/infrastructure/cloud_scheduler_jobs.yaml").write_text(SEASON_JOBS)
    (tmp_path / "ssot/infrastructure/cloud_run_services.yaml").unlink()
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def rows(findings: tuple[Finding, ...]) -> list[tuple[str, str, str | None, str | None, str]]:
    return [(f.rule, str(f.location), f.actual, f.expected, f.confidence) for f in findings]


def test_python_shapes_are_read_with_their_evidence() -> None:
    source = (
        "import os\n"
        "TOPIC = os.environ.get('PHASE2_TOPIC', 'nba-phase2-raw-complete')\n"
        "OTHER = os.getenv('DONE_TOPIC', default_topic)\n"
        "publisher.publish(topic='a-topic', data=b'')\n"
        "path = publisher.topic_path(PROJECT, 'b-topic')\n"
        "CONFIG = {'topic_name': 'c-topic', 'subscription': 'not-a-topic'}\n"
        "def send(message, topic='d-topic'):\n    pass\n"
        "COORDINATOR_URL = 'https://prediction-coordinator-abc-uw.a.run.app/strat'\n"
        "label = f'{TOPIC}-x'\n"
    )
    refs = [(r.kind, r.value, str(r.location), r.how) for r in python_refs("m.py", source)[0]]
    assert sorted(refs) == sorted(
        [
            ("topic", "nba-phase2-raw-complete", "m.py:2:41", "default of os.environ.get('PHASE2_TOPIC')"),
            ("topic", "a-topic", "m.py:4:26", "topic= argument of publisher.publish()"),
            ("topic", "b-topic", "m.py:5:39", "argument of publisher.topic_path()"),
            ("topic", "c-topic", "m.py:6:26", "dict entry 'topic_name'"),
            ("topic", "d-topic", "m.py:7:26", "default of parameter topic"),
            ("url", "https://prediction-coordinator-abc-uw.a.run.app/strat", "m.py:9:20", "constant COORDINATOR_URL"),
        ]
    )


def test_multi_document_yaml_jobs_and_topics() -> None:
    text = (
        "name: odds-morning\nschedule: '0 7 * 4-10 *'\ntimeZone: America/New_York\n"
        "---\njobs:\n  odds-evening:\n    schedule: 0 19 * 3-10 *\n    pubsubTopic: nba-phase2-raw-complete\n"
    )
    refs, jobs = yaml_refs("jobs.yaml", text)
    assert [(r.value, str(r.location), r.how) for r in refs] == [
        ("nba-phase2-raw-complete", "jobs.yaml:8:18", "YAML document 2, key 'pubsubTopic'")
    ]
    assert [
        (j.name.value.text, str(j.name.location), j.schedule and str(j.schedule.location), j.how) for j in jobs
    ] == [
        ("odds-morning", "jobs.yaml:1:7", "jobs.yaml:2:11", "YAML document 1 of jobs.yaml"),
        ("odds-evening", "jobs.yaml:7:5", "jobs.yaml:7:15", "YAML document 2 of jobs.yaml"),
    ]


def test_topic_default_missing_the_prod_suffix(tmp_path: Path) -> None:
    main = "import os\nTOPIC = os.environ.get('PHASE2_TOPIC', 'nba-phase2-raw-complete')\n"
    report = run_audit(repo(tmp_path, {"functions/phase2/main.py": main}), today=TODAY)
    [f] = report.findings
    assert rows(report.findings) == [
        ("topic-missing", "functions/phase2/main.py:2:41", "nba-phase2-raw-complete", "nba-phase2-raw-complete-prod",
         "certain"),
    ]  # fmt: skip
    assert f.message == (
        "topic 'nba-phase2-raw-complete' (default of os.environ.get('PHASE2_TOPIC')) is not in the SSOT; "
        "it declares 'nba-phase2-raw-complete-prod'"
    )
    assert f.evidence == (
        "default of os.environ.get('PHASE2_TOPIC')",
        f"the SSOT declares 'nba-phase2-raw-complete-prod' at {PUBSUB}:3:11",
        "the name lacks the -prod suffix",
    )


def test_fix_adds_the_missing_suffix_and_proposes_the_typo(tmp_path: Path) -> None:
    main = "import os\nTOPIC = os.environ.get('PHASE2_TOPIC', 'nba-phase2-raw-complete')\n"
    typo = "COMPLETION_TOPIC = 'nba-phase4-precompute-completed'\n"
    root = repo(tmp_path, {"functions/main.py": main, "processors/ml.py": typo})
    plan = make_plan(root)
    assert {p: c.after.decode() for p, c in plan.changes.items()} == {
        "functions/main.py": main.replace("-complete'", "-complete-prod'")
    }
    likely = make_plan(root, confidence="likely")
    assert likely.changes["processors/ml.py"].after.decode() == "COMPLETION_TOPIC = 'nba-phase4-precompute-complete'\n"


def test_topic_decoys_stay_silent(tmp_path: Path) -> None:
    files = {
        "functions/a.py": (
            "import os\n"
            "DEV = os.environ.get('PHASE2_TOPIC', 'nba-phase2-raw-complete-dev')\n"  # another environment
            "OTHER = 'vendor-feed-updates'\n"  # not near any SSOT topic
            "TOPIC_PREFIX = 'nba-phase2'\n"  # a prefix, not a topic
            "OK = publisher.topic_path(P, 'nba-phase4-precompute-complete')\n"
        ),
        "tests/fixtures/pubsub.py": "TOPIC = 'nba-phase2-raw-complete'\n",  # a test fixture
        "functions/b_test.py": "TOPIC = 'nba-phase2-raw-complete'\n",
    }
    assert run_audit(repo(tmp_path, files), today=TODAY).findings == ()


def test_a_typo_in_a_topic_constant(tmp_path: Path) -> None:
    source = "COMPLETION_TOPIC = 'nba-phase4-precompute-completed'\n"
    report = run_audit(repo(tmp_path, {"processors/ml.py": source}), today=TODAY)
    assert rows(report.findings) == [
        ("topic-missing", "processors/ml.py:1:21", "nba-phase4-precompute-completed", "nba-phase4-precompute-complete",
         "likely"),
    ]  # fmt: skip
    assert report.findings[0].evidence[-1] == "1 character(s) from it"


def test_month_range_in_a_bash_array_across_deploy_scripts(tmp_path: Path) -> None:
    good = 'declare -A JOBS=(\n  ["odds-morning"]="0 7 * 3-10 *|America/New_York|projects/p/topics/t"\n)\n'
    files = {f"deploy/deploy_{k}.sh": good for k in range(6)}
    files["deploy/deploy_missed.sh"] = good.replace("3-10", "4-10")
    report = run_audit(repo(tmp_path, files), today=TODAY)
    assert rows(report.findings) == [
        ("schedule-mismatch", "deploy/deploy_missed.sh:2:21", "0 7 * 4-10 *", "--schedule='0 7 * 3-10 *'", "likely"),
    ]
    assert report.findings[0].evidence == (
        "bash array JOBS[odds-morning]",
        f"the SSOT defines 'odds-morning' at {JOBS}:5:11",
    )


def test_multi_document_scheduler_yaml(tmp_path: Path) -> None:
    text = (
        "name: odds-morning\nschedule: '0 7 * 3-10 *'\ntimeZone: America/New_York\n---\n"
        "name: odds-evening\nschedule: '0 19 * 4-10 *'\ntimeZone: America/New_York\n---\n"
        "name: some-other-team-job\nschedule: '0 2 * * *'\ntimeZone: UTC\n"  # not an SSOT job: silent
    )
    report = run_audit(repo(tmp_path, {"scheduler/jobs.yaml": text}), today=TODAY)
    assert rows(report.findings) == [
        ("schedule-mismatch", "scheduler/jobs.yaml:6:11", "0 19 * 4-10 *", "--schedule='0 19 * 3-10 *'", "likely"),
    ]
    assert report.findings[0].evidence[0] == "YAML document 2 of scheduler/jobs.yaml"


def test_utc_hours_under_new_york(tmp_path: Path) -> None:
    script = "declare -A JOBS=(\n  [odds-morning]='0 12 * 3-10 *|America/New_York'\n)\n"
    report = run_audit(repo(tmp_path, {"deploy/jobs.sh": script}), today=TODAY)
    mismatch, breach = report.findings
    assert rows((mismatch,)) == [
        ("schedule-mismatch", "deploy/jobs.sh:2:19", "0 12 * 3-10 *", "--schedule='0 7 * 3-10 *'", "likely")
    ]
    assert mismatch.evidence[-1] == "hour 12 is the SSOT's hour in UTC (January), not in America/New_York"
    assert (breach.rule, str(breach.location)) == ("sla-breach", "deploy/jobs.sh:2:19")


def test_a_service_url_with_a_path_the_service_does_not_serve(tmp_path: Path) -> None:
    source = (
        "import os\n"
        "URL = os.environ.get('COORDINATOR_URL', 'https://prediction-coordinator-abc-uw.a.run.app/strat')\n"
        "BASE = 'https://prediction-coordinator-abc-uw.a.run.app'\n"  # no path: silent
        "HEALTH_URL = 'https://prediction-coordinator-abc-uw.a.run.app/health'\n"
        "START_URL = 'https://prediction-coordinator-abc-uw.a.run.app/start/'\n"
        "BATCH_URL = 'https://prediction-coordinator-abc-uw.a.run.app/status/batch-1?x=1'\n"
        "OTHER_URL = 'https://example.com/strat'\n"
    )
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "app.py").write_text(source)
    report = run_audit(tmp_path, today=TODAY)
    assert rows(report.findings) == [
        ("endpoint-missing", "app.py:2:42", "/strat", "/start, /trigger, /retry, /status", "likely"),
    ]


def test_a_wrap_around_range_in_a_deploy_script_is_reported_with_the_way_to_write_it(tmp_path: Path) -> None:
    script = "declare -A JOBS=(\n  [odds-morning]='0 7 * 10-3 *|America/New_York'\n)\n"
    report = run_audit(repo(tmp_path, {"deploy/jobs.sh": script}), today=TODAY)
    assert [(f.rule, str(f.location), f.message) for f in report.findings] == [
        (
            "schedule-mismatch",
            "deploy/jobs.sh:2:19",
            "scheduler job 'odds-morning' (bash array JOBS[odds-morning]): schedule '0 7 * 10-3 *': '10-3' in the "
            "month field wraps around, which cron does not do; write it as 10-12,1-3",
        )
    ]


def test_python_job_definitions_a_dict_and_a_client_call(tmp_path: Path) -> None:
    source = (
        "from google.cloud import scheduler_v1\n"
        "JOBS = [\n"
        "    {'name': 'odds-morning', 'schedule': '0 7 * 4-10 *', 'time_zone': 'America/New_York'},\n"
        "    {'name': 'vendor-sync', 'schedule': '0 1 * * *', 'time_zone': 'UTC'},\n"  # not an SSOT job
        "]\n"
        "job = scheduler_v1.Job(\n"
        "    name=f'projects/{PROJECT}/locations/us-west2/jobs/odds-evening',\n"  # the job part is literal: as the SSOT
        "    schedule='0 19 * 3-10 *',\n"
        ")\n"
        "evening = scheduler_v1.Job(name='projects/p/locations/l/jobs/odds-evening', schedule='0 19 * 3-10 *',\n"
        "    time_zone='America/Chicago')\n"
    )
    report = run_audit(repo(tmp_path, {"deploy/scheduler.py": source}), today=TODAY)
    assert [(f.rule, str(f.location), f.actual, f.evidence[0]) for f in report.findings] == [
        ("schedule-mismatch", "deploy/scheduler.py:3:43", "0 7 * 4-10 *",
         "a dict with 'name' and 'schedule' in deploy/scheduler.py"),
        ("time-zone-mismatch", "deploy/scheduler.py:11:16", "America/Chicago",
         "scheduler_v1.Job(name=..., schedule=...) in deploy/scheduler.py"),
    ]  # fmt: skip


def test_a_bash_array_in_a_cloud_build_step(tmp_path: Path) -> None:
    cloudbuild = (
        "steps:\n  - name: gcr.io/google.com/cloudsdktool/cloud-sdk\n    entrypoint: bash\n    args:\n      - -c\n"
        "      - |\n        declare -A JOBS=([odds-evening]='0 19 * 4-10 *|America/New_York')\n"
        '        for j in "$${!JOBS[@]}"; do echo "$$j"; done\n'
    )
    report = run_audit(repo(tmp_path, {"cloudbuild-scheduler.yaml": cloudbuild}), today=TODAY)
    assert rows(report.findings) == [
        ("schedule-mismatch", "cloudbuild-scheduler.yaml:7:42", "0 19 * 4-10 *", "--schedule='0 19 * 3-10 *'", "likely")
    ]


@given(
    declared=st.text(alphabet="abcdefghijklmnop-0123", min_size=6, max_size=40),
    edits=st.lists(st.tuples(st.sampled_from("sid"), st.integers(0, 60), st.sampled_from("xyz-9")), max_size=2),
)
def test_every_near_miss_of_a_topic_holds_one_of_its_pieces(declared: str, edits: list[tuple[str, int, str]]) -> None:
    """The scan reads a file only when it holds a piece: no near miss `near_topic` accepts may lack one."""
    name = declared
    for op, at, char in edits:
        at %= len(name) + 1
        if op == "s" and at < len(name):
            name = name[:at] + char + name[at + 1 :]
        elif op == "i":
            name = name[:at] + char + name[at:]
        elif op == "d" and at < len(name) and len(name) > 1:
            name = name[:at] + name[at + 1 :]
    pieces = near_miss_pieces(declared)
    if near_topic(name, [declared]) is not None:
        assert any(p in name for p in pieces), (name, pieces)
    for suffix in ("prod", "production", "prd"):  # the name without the suffix is a near miss too
        assert near_topic(declared, [f"{declared}-{suffix}"]) is not None
        assert any(p in declared for p in near_miss_pieces(f"{declared}-{suffix}"))


def test_a_file_naming_topics_but_no_near_miss_is_not_read(tmp_path: Path) -> None:
    root = repo(tmp_path, {})
    reader = written_reader(load(root / "ssot", root).infrastructure, "ssot")
    assert reader is not None
    assert reader.wants("jobs/publish.py", b"PUBLISH = os.environ.get('T', 'nba-phase2-raw-complete')\n")
    assert reader.wants("jobs/publish.py", b"topic = 'nba-phase2-raw-complte-prod'\n")
    assert not reader.wants("jobs/publish.py", b"topic = self.topic_path(project, message_topic)\n")


# Templated job names (issue 12): matched to an SSOT job only when exactly one fits.
ENV_JOBS = """version: "1.0"
scheduler_jobs:
  - name: nba-odds-morning-prod
    schedule: "0 7 * 3-10 *"
    time_zone: America/New_York
    topic: nba-phase4-precompute-complete
  - name: nba-odds-evening-prod
    schedule: "0 19 * 3-10 *"
    time_zone: America/New_York
    topic: nba-phase4-precompute-complete
"""


def env_repo(tmp_path: Path, files: dict[str, str]) -> Path:
    root = repo(tmp_path, files)
    (root / JOBS).write_text(ENV_JOBS)
    return root


def test_a_templated_job_name_fitting_one_ssot_job_is_checked_as_that_job(tmp_path: Path) -> None:
    script = 'declare -A JOBS=(\n  ["nba-odds-morning-${ENV}"]="0 7 * 4-10 *|America/New_York"\n)\n'
    report = run_audit(env_repo(tmp_path, {"deploy/jobs.sh": script}), today=TODAY)
    assert rows(report.findings) == [
        ("schedule-mismatch", "deploy/jobs.sh:2:32", "0 7 * 4-10 *", "--schedule='0 7 * 3-10 *'", "likely")
    ]
    (f,) = report.findings
    assert f.message == (
        "scheduler job 'nba-odds-morning-prod' (bash array JOBS[nba-odds-morning-${ENV}]) gets schedule "
        "'0 7 * 4-10 *' here; the SSOT says '0 7 * 3-10 *'"
    )
    assert f.evidence == (
        "bash array JOBS[nba-odds-morning-${ENV}]",
        f"the SSOT defines 'nba-odds-morning-prod' at {JOBS}:3:11",
        "nba-odds-morning-${ENV} fits no other SSOT job",
    )


def test_templated_job_names_in_yaml_and_python(tmp_path: Path) -> None:
    files = {
        "scheduler/jobs.yaml": "name: nba-odds-evening-${ENV}\nschedule: '0 19 * 4-10 *'\ntimeZone: America/New_York\n",
        "deploy/jobs.py": "JOB = {'name': f'nba-odds-morning-{env}', 'schedule': '0 7 * 4-10 *'}\n",
    }
    report = run_audit(env_repo(tmp_path, files), today=TODAY)
    assert rows(report.findings) == [
        ("schedule-mismatch", "deploy/jobs.py:1:56", "0 7 * 4-10 *", "--schedule='0 7 * 3-10 *'", "likely"),
        ("schedule-mismatch", "scheduler/jobs.yaml:2:11", "0 19 * 4-10 *", "--schedule='0 19 * 3-10 *'", "likely"),
    ]


def test_a_template_fitting_several_jobs_or_mostly_holes_stays_silent(tmp_path: Path) -> None:
    files = {
        "deploy/jobs.sh": (
            'declare -A JOBS=(\n  ["nba-odds-${SLOT}-prod"]="0 7 * 4-10 *|America/New_York"\n'
            '  ["${JOB}"]="0 7 * 4-10 *|America/New_York"\n  ["nba-${PHASE}-trigger"]="0 7 * 4-10 *|UTC"\n)\n'
        ),
        "scheduler/jobs.yaml": "name: nba-odds-${SLOT}-prod\nschedule: '0 7 * 4-10 *'\n",
    }
    assert rows(run_audit(env_repo(tmp_path, files), today=TODAY).findings) == []


def test_a_gcloud_template_reports_only_what_holds_for_every_job_it_fits(tmp_path: Path) -> None:
    # The two jobs have different schedules: '0 12 * * *' differs from each, but no one fix says which.
    # Both are in America/New_York: UTC is the same drift whichever job it is.
    script = (
        'gcloud scheduler jobs update pubsub "nba-odds-${SLOT}-prod" --location=us-west2 \\\n'
        "  --schedule='0 12 * * *' --time-zone=UTC\n"
    )
    report = run_audit(env_repo(tmp_path, {"deploy/jobs.sh": script}), today=TODAY)
    assert [(f.rule, str(f.location), f.actual, f.expected) for f in report.findings] == [
        ("time-zone-mismatch", "deploy/jobs.sh:2:27", "UTC", "--time-zone=America/New_York")
    ]


def test_a_file_holding_a_templated_job_name_is_read(tmp_path: Path) -> None:
    root = env_repo(tmp_path, {})
    reader = written_reader(load(root / "ssot", root).infrastructure, "ssot")
    assert reader is not None
    assert reader.wants("deploy/jobs.py", b"JOB = {'name': f'nba-odds-morning-{env}', 'schedule': '0 7 * * *'}\n")
    assert reader.wants("deploy/jobs.yaml", b"name: ${PREFIX}-odds-evening-prod\n")
    assert not reader.wants("deploy/jobs.yaml", b"name: nba-odds\nschedule: '0 7 * * *'\n")


KICK = """#!/bin/bash
# Kick the coordinator by hand after a failed night.
set -euo pipefail
TOKEN=$(gcloud auth print-identity-token)
curl -sS -X POST -H "Authorization: Bearer ${TOKEN}" -d '{"game_date": "today"}' \\
  "https://prediction-coordinator-abc-uw.a.run.app/strat"
URL=$(gcloud run services describe prediction-coordinator --region=us-west2 --format='value(status.url)')
curl -sS "$URL/stauts?batch=1"
curl -sS "$URL/status/batch-1" "$URL/start" "$URL/health"
curl -sS https://other-service-abc-uw.a.run.app/strat "${BASE_URL}/strat"
# curl -sS "$URL/old-path"
wget -qO- https://prediction-coordinator-abc-uw.a.run.app/retyr
"""


def test_urls_given_to_curl_and_wget_in_a_deploy_script(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/kick.sh").write_text(KICK)
    report = run_audit(tmp_path, today=TODAY)
    served = "/start, /trigger, /retry, /status"
    assert rows(report.findings) == [
        ("endpoint-missing", "bin/kick.sh:6:3", "/strat", served, "likely"),
        ("endpoint-missing", "bin/kick.sh:8:10", "/stauts", served, "likely"),
        ("endpoint-missing", "bin/kick.sh:12:11", "/retyr", served, "likely"),
    ]
    second = report.findings[1]
    assert second.message == (
        "$URL/stauts?batch=1 (curl in a shell script) calls path /stauts of service 'prediction-coordinator', "
        f"which serves {served}"
    )
    assert second.evidence == (
        "curl in a shell script",
        "the host $URL is service 'prediction-coordinator''s (ssot/infrastructure/cloud_run_services.yaml:5:11)",
    )


def test_urls_given_to_requests_in_python(tmp_path: Path) -> None:
    source = (
        "import requests\n\n\ndef kick(session):\n"
        "    requests.post('https://prediction-coordinator-abc-uw.a.run.app/strat', json={}, timeout=30)\n"
        "    session.get('https://prediction-coordinator-abc-uw.a.run.app/status/b-1', timeout=30)\n"
        "    requests.request('POST', 'https://prediction-coordinator-abc-uw.a.run.app/strat')\n"  # not the 1st arg
        "    return os.environ.get('COORDINATOR_URL')\n"
    )
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "kick.py").write_text(source)
    report = run_audit(tmp_path, today=TODAY)
    assert [(*row, f.evidence[0]) for row, f in zip(rows(report.findings), report.findings, strict=True)] == [
        ("endpoint-missing", "kick.py:5:20", "/strat", "/start, /trigger, /retry, /status", "likely",
         "argument of requests.post()"),
    ]  # fmt: skip


HTTPIE = """#!/bin/bash
URL=$(gcloud run services describe prediction-coordinator --region=us-west2 --format='value(status.url)')
http POST https://prediction-coordinator-abc-uw.a.run.app/strat game_date=today
/usr/local/bin/xh get "$URL/stauts"
https --check-status "$URL/status/batch-1"
"""


def test_urls_given_to_httpie_and_xh_in_a_deploy_script(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin/kick.sh").write_text(HTTPIE)
    report = run_audit(tmp_path, today=TODAY)
    served = "/start, /trigger, /retry, /status"
    assert rows(report.findings) == [
        ("endpoint-missing", "bin/kick.sh:3:11", "/strat", served, "likely"),
        ("endpoint-missing", "bin/kick.sh:4:23", "/stauts", served, "likely"),
    ]
    assert [f.evidence[0] for f in report.findings] == ["http in a shell script", "xh in a shell script"]
