"""Static parsing of gcloud commands in shell scripts and Cloud Build configs (never executed)."""

from __future__ import annotations

from driftbot.extract.cloudbuild import parse_cloudbuild
from driftbot.extract.shell import GcloudCommand, Hole, Value, parse_script


def flags(cmd: GcloudCommand) -> dict[str, tuple[str, str]]:
    """flag -> (value as shown, location of the flag)."""
    return {f.name: (f.value.value.shown if f.value else "", str(f.location)) for f in cmd.flags}


def test_continuations_both_flag_forms_and_positions() -> None:
    script = (
        "gcloud scheduler jobs create http my-job \\\n"
        '    --schedule "0 6 * * *" \\\n'
        "    --time-zone=America/Los_Angeles --quiet \\\n"
        "    --uri='https://svc-abc-wl.a.run.app/start'\n"
    )
    [cmd] = parse_script(script, "deploy.sh")
    assert (cmd.group, cmd.verb, cmd.kind, str(cmd.location)) == ("scheduler jobs", "create", "http", "deploy.sh:1:1")
    assert cmd.name is not None
    assert (cmd.name.value.text, str(cmd.name.location)) == ("my-job", "deploy.sh:1:35")
    assert flags(cmd) == {
        "schedule": ("0 6 * * *", "deploy.sh:2:5"),
        "time-zone": ("America/Los_Angeles", "deploy.sh:3:5"),
        "quiet": ("", "deploy.sh:3:37"),
        "uri": ("https://svc-abc-wl.a.run.app/start", "deploy.sh:4:5"),
    }


def test_assignments_defaults_and_unknowns() -> None:
    script = """
ENVIRONMENT="${ENVIRONMENT:-prod}"
REGION=us-west2
TZ_NAME='America/$NOT_EXPANDED'
gcloud scheduler jobs update pubsub "job-${ENVIRONMENT}-$REGION" --topic="$TOPIC" --time-zone="$TZ_NAME" \\
  --schedule="${SCHEDULE:-0 3 * * *}" --location "${1}"
"""
    [cmd] = parse_script(script, "s.sh")
    assert cmd.name is not None
    assert cmd.name.value.text == "job-prod-us-west2"
    assert flags(cmd)["topic"][0] == "$TOPIC"
    topic = cmd.flag("topic")
    assert topic is not None
    assert topic.value is not None
    assert topic.value.value.parts == (Hole("$TOPIC"),)
    assert topic.value.value.matches("anything-at-all")
    assert flags(cmd)["time-zone"][0] == "America/$NOT_EXPANDED"
    assert flags(cmd)["schedule"][0] == "0 3 * * *"
    assert flags(cmd)["location"][0] == "${1}"


def test_conditional_assignments_are_unknown() -> None:
    script = """
MODE=prod
if [ -n "${STAGING:-}" ]; then
  MODE=staging
fi
[ -z "${X:-}" ] && SUFFIX=a
gcloud pubsub topics create "t-$MODE" "u-$SUFFIX"
"""
    [cmd] = parse_script(script, "s.sh")
    assert [w.value.shown for w in cmd.names] == ["t-$MODE", "u-$SUFFIX"]
    assert cmd.names[0].value.matches("t-prod")
    assert cmd.names[0].value.matches("t-staging")
    assert not cmd.names[0].value.matches("x-prod")


def test_service_url_substitution_is_remembered() -> None:
    script = """
URL=$(gcloud run services describe prediction-coordinator --region=us-west2 --format='value(status.url)')
gcloud pubsub subscriptions create sub --topic=t --push-endpoint="${URL}/trigger" \\
  --dead-letter-topic=projects/p/topics/dlq
"""
    [cmd] = parse_script(script, "s.sh")
    push = cmd.flag("push-endpoint")
    assert push is not None
    assert push.value is not None
    [hole, path] = push.value.value.parts
    assert isinstance(hole, Hole)
    assert (hole.service, path) == ("prediction-coordinator", "/trigger")
    assert flags(cmd)["dead-letter-topic"][0] == "projects/p/topics/dlq"


def test_heredocs_comments_strings_and_other_commands_are_not_commands() -> None:
    script = """
# gcloud pubsub topics create in-a-comment
echo "gcloud pubsub topics create in-a-string"
cat <<EOF > notes.txt
gcloud pubsub topics create in-a-heredoc
EOF
gcloud pubsub topics delete deleted
gcloud beta pubsub topics create real 2>/dev/null || true
gcloud run deploy svc --region us-east1 --allow-unauthenticated
"""
    commands = parse_script(script, "s.sh")
    assert [(c.group, [w.value.text for w in c.names], str(c.location)) for c in commands] == [
        ("pubsub topics", ["real"], "s.sh:8:1"),
        ("run", ["svc"], "s.sh:9:1"),
    ]
    assert flags(commands[1]) == {"region": ("us-east1", "s.sh:9:23"), "allow-unauthenticated": ("", "s.sh:9:41")}


def test_value_matching_escapes_literals() -> None:
    value = Value(("a.b-", Hole("$X")))
    assert value.matches("a.b-anything")
    assert not value.matches("aXb-anything")
    assert value.text is None


def test_cloud_build_bash_steps_and_gcloud_builder() -> None:
    text = """steps:
  - name: gcr.io/google.com/cloudsdktool/cloud-sdk
    entrypoint: bash
    args:
      - -c
      - |
        JOB=prediction-coordinator-daily-${_ENV}
        gcloud scheduler jobs update http "$$JOB" \\
          --schedule="0 6 * * *" --time-zone=America/Los_Angeles
  - name: gcr.io/cloud-builders/gcloud
    args: ['pubsub', 'topics', 'create', 'nba-phase5-trigger-dlq', '--project=$PROJECT_ID']
  - name: gcr.io/cloud-builders/gcloud
    entrypoint: bash
    args: ['-c', 'gcloud pubsub topics create x-$$SUFFIX']
"""
    job, topic, inline = parse_cloudbuild(text, "cloudbuild.yaml")
    assert job.name is not None
    assert (job.name.value.shown, str(job.name.location)) == (
        "prediction-coordinator-daily-${_ENV}",
        "cloudbuild.yaml:8:43",
    )
    assert flags(job) == {
        "schedule": ("0 6 * * *", "cloudbuild.yaml:9:11"),
        "time-zone": ("America/Los_Angeles", "cloudbuild.yaml:9:34"),
    }
    assert [(w.value.text, str(w.location)) for w in topic.names] == [
        ("nba-phase5-trigger-dlq", "cloudbuild.yaml:11:42")
    ]
    assert flags(topic) == {"project": ("$PROJECT_ID", "cloudbuild.yaml:11:68")}
    assert [(w.value.shown, str(w.location)) for w in inline.names] == [("x-$SUFFIX", "cloudbuild.yaml:14:47")]


def test_single_dash_words_are_switches_never_names() -> None:
    [cmd] = parse_script("gcloud pubsub topics create -q my-topic --labels -x\n", "s.sh")
    assert [w.value.text for w in cmd.names] == ["my-topic"]
    assert flags(cmd) == {"quiet": ("", "s.sh:1:29"), "labels": ("", "s.sh:1:41"), "x": ("", "s.sh:1:50")}


def test_gcloud_counts_only_as_the_command_word() -> None:
    script = """
echo gcloud pubsub topics create in-an-echo
printf '%s\\n' gcloud pubsub topics create in-a-printf
CLOUDSDK_CORE_PROJECT=p sudo -u deployer gcloud pubsub topics create after-sudo
env -i PATH=/bin time /usr/bin/gcloud pubsub topics create after-env
"""
    commands = parse_script(script, "s.sh")
    assert [([w.value.text for w in c.names], str(c.location)) for c in commands] == [
        (["after-sudo"], "s.sh:4:42"),
        (["after-env"], "s.sh:5:23"),
    ]


def test_commands_in_conditions_and_after_global_flags() -> None:
    script = """
if ! gcloud scheduler jobs update http job1 --schedule='0 6 * * *'; then
  gcloud scheduler jobs create http job1 --schedule='0 6 * * *'
fi
until gcloud --project=p pubsub topics create t; do sleep 1; done
gcloud --quiet --project p beta scheduler jobs create pubsub job2 --topic=t
"""
    commands = parse_script(script, "s.sh")
    assert [(c.group, c.verb, [w.value.text for w in c.names], str(c.location)) for c in commands] == [
        ("scheduler jobs", "update", ["job1"], "s.sh:2:6"),
        ("scheduler jobs", "create", ["job1"], "s.sh:3:3"),
        ("pubsub topics", "create", ["t"], "s.sh:5:7"),
        ("scheduler jobs", "create", ["job2"], "s.sh:6:1"),
    ]
    assert flags(commands[0]) == {"schedule": ("0 6 * * *", "s.sh:2:45")}
    assert flags(commands[2]) == {"project": ("p", "s.sh:5:14")}
    assert flags(commands[3]) == {"quiet": ("", "s.sh:6:8"), "project": ("p", "s.sh:6:16"), "topic": ("t", "s.sh:6:67")}


def test_a_brace_group_in_a_function_keeps_the_function_nested() -> None:
    script = """
NAME=top
deploy() {
  { gcloud pubsub topics create first; } || true
  NAME=inner
}
deploy
gcloud pubsub topics create "$NAME"
"""
    first, last = parse_script(script, "s.sh")
    assert [w.value.text for w in first.names] == ["first"]
    [name] = last.names
    assert name.value.parts == (Hole("$NAME"),)  # assigned inside the function: unknown, matches anything
    assert name.value.matches("top")
    assert name.value.matches("inner")
