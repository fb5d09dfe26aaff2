"""The shell reader on scripts that defeated the hand lexer: tree-sitter-bash gives the structure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.extract import limits
from driftbot.extract.cloudbuild import parse_cloudbuild
from driftbot.extract.shell import GcloudCommand, Hole, parse_script, read_script

ROOT = Path(__file__).resolve().parents[2]


def shapes(script: str) -> list[tuple[str, list[tuple[str, str]], dict[str, tuple[str, str]], str]]:
    """(group, [(name, where)], {flag: (value, where)}, where) of each gcloud command."""
    return [_shape(c) for c in parse_script(script, "d.sh")]


def _shape(c: GcloudCommand) -> tuple[str, list[tuple[str, str]], dict[str, tuple[str, str]], str]:
    names = [(w.value.shown, str(w.location)) for w in c.names]
    flags = {f.name: (f.value.value.shown if f.value else "", str(f.location)) for f in c.flags}
    return c.group, names, flags, str(c.location)


def test_nested_backticks_do_not_swallow_the_next_command() -> None:
    script = "STAMP=`echo \\`date +%s\\``\ngcloud pubsub topics create after-backticks --labels=at=$STAMP\n"
    assert shapes(script) == [
        ("pubsub topics", [("after-backticks", "d.sh:2:29")], {"labels": ("at=$STAMP", "d.sh:2:45")}, "d.sh:2:1")
    ]


def test_ansi_c_and_translated_strings_are_their_text() -> None:
    script = "gcloud pubsub topics create $'nba-\\x70hase' $\"tr-topic\" t-$\"x\" --labels=$'a\\tb'\n"
    [(_, names, flags, _)] = shapes(script)
    assert names == [("nba-phase", "d.sh:1:29"), ("tr-topic", "d.sh:1:45"), ("t-x", "d.sh:1:57")]
    assert flags == {"labels": ("a\tb", "d.sh:1:64")}


def test_pattern_substitution_is_one_hole_shown_as_written() -> None:
    script = 'N=a_b\ngcloud pubsub topics create "t-${N//_/-}" --labels="env=${N//_/-},team=x"\n'
    [cmd] = parse_script(script, "d.sh")
    assert cmd.names[0].value.parts == ("t-", Hole("${N//_/-}"))
    assert _shape(cmd)[2] == {"labels": ("env=${N//_/-},team=x", "d.sh:2:43")}


def test_arrays_case_tests_arithmetic_and_heredocs() -> None:
    script = """#!/usr/bin/env bash
set -euo pipefail
declare -A JOBS=(
  ["phase5-retry-1"]="15 3 * 4-10 *|America/Los_Angeles|/retry"
  [phase5-status-check]='0 4 * * *|America/Los_Angeles'
)
JOBS[extra-job]="0 5 * * *"
case "${1:-prod}" in
  prod) ENV=prod ;;
  *) ENV=dev ;;
esac
if [[ -n "${ENV}" && $(( 1 + 2 )) -gt 2 ]]; then
  gcloud pubsub topics create "in-if-$ENV"
fi
cat <<-"END"
\tgcloud pubsub topics create in-heredoc
\tEND
# gcloud pubsub topics create commented-out
  # gcloud scheduler jobs create http example --schedule="0 9 * * *"
for job in "${!JOBS[@]}"; do
  gcloud scheduler jobs create http "$job" \\
    --schedule="${JOBS[$job]%%|*}" --time-zone="America/Los_Angeles"
done
gcloud pubsub topics create last-one
"""
    script = script.replace("\\t", "\t")
    result = read_script(script, "d.sh")
    assert [_shape(c) for c in result.commands] == [
        ("pubsub topics", [("in-if-$ENV", "d.sh:13:31")], {}, "d.sh:13:3"),
        (
            "scheduler jobs",
            [("$job", "d.sh:21:37")],
            {
                "schedule": ("${JOBS[$job]%%|*}", "d.sh:22:5"),
                "time-zone": ("America/Los_Angeles", "d.sh:22:36"),
            },
            "d.sh:21:3",
        ),
        ("pubsub topics", [("last-one", "d.sh:24:29")], {}, "d.sh:24:1"),
    ]
    assert [(e.array, e.key.value.text, e.value.value.text, str(e.value.location)) for e in result.elements] == [
        ("JOBS", "phase5-retry-1", "15 3 * 4-10 *|America/Los_Angeles|/retry", "d.sh:4:22"),
        ("JOBS", "phase5-status-check", "0 4 * * *|America/Los_Angeles", "d.sh:5:25"),
        ("JOBS", "extra-job", "0 5 * * *", "d.sh:7:17"),
    ]


def test_line_continuations_inside_and_between_words() -> None:
    script = 'gcloud scheduler jobs update http job-a \\\n  --schedule="0 3 \\\n* * *" \\\n  --uri=https://x/start\n'
    [(_, names, flags, _)] = shapes(script)
    assert names == [("job-a", "d.sh:1:35")]
    assert flags == {"schedule": ("0 3 * * *", "d.sh:2:3"), "uri": ("https://x/start", "d.sh:4:3")}


def test_commands_inside_substitutions_are_read() -> None:
    script = 'OUT=$(gcloud pubsub topics create inner-topic 2>&1)\necho "$(gcloud pubsub topics create quoted)"\n'
    assert [n for _, names, _, _ in shapes(script) for n, _ in names] == ["inner-topic", "quoted"]


def test_non_ascii_text_keeps_character_columns() -> None:
    script = "# é déployé\nNOTE='café' gcloud pubsub topics create t1 --labels=owner=zoé --quiet\n"
    [(_, names, flags, _)] = shapes(script)
    assert names == [("t1", "d.sh:2:41")]
    assert flags == {"labels": ("owner=zoé", "d.sh:2:44"), "quiet": ("", "d.sh:2:63")}


def test_cloud_build_dollar_dollar_keeps_positions() -> None:
    text = (
        "steps:\n  - name: gcr.io/cloud-builders/gcloud\n    entrypoint: bash\n"
        "    args: ['-c', 'A=$$(date) && gcloud pubsub topics create x-$$SUFFIX --labels=k=$$A']\n"
    )
    [cmd] = parse_cloudbuild(text, "cloudbuild.yaml")
    assert _shape(cmd) == (
        "pubsub topics",
        [("x-$SUFFIX", "cloudbuild.yaml:4:61")],
        {"labels": ("k=$A", "cloudbuild.yaml:4:72")},
        "cloudbuild.yaml:4:33",
    )


def test_deep_nesting_is_bounded() -> None:
    script = "X=" + "$(" * 5_000 + "echo" + ")" * 5_000 + "\ngcloud pubsub topics create after-deep\n"
    assert [n for _, names, _, _ in shapes(script) for n, _ in names] == ["after-deep"]


def test_a_script_past_the_time_limit_is_reported_where_reading_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_SCRIPT_SECONDS", 0.0)
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / "deploy.sh").write_text("gcloud pubsub topics create x\n" * 10)
    report = run_audit(tmp_path)
    assert [(f.rule, str(f.location), f.message) for f in report.findings] == [
        ("unparsable-file", "deploy.sh:1:1", "could not parse past here: over the 0-second limit for one script")
    ]
