"""A pull request is judged on the drift it adds or touches (inputs `filter`, `baseline`), several
instances live side by side (`name`, `working-directory`), and the outputs feed later steps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from github_harness import CONFIG, EXAMPLE, ActionRun, drifted_config, git
from github_payloads import Payload, example, pr_comment, pull_request_opened
from github_recorder import BOT_LOGIN

from driftbot.audit import run_audit
from driftbot.cli import main
from driftbot.github import comment, dashboard
from driftbot.report.fingerprint import fingerprint

REPO = "/repos/Codertocat/Hello-World"
BLOB = "https://github.com/Codertocat/Hello-World/blob"
VENDOR_A, VENDOR_B = "vendor/a/orchestration_config.py", "vendor/b/orchestration_config.py"
TOUCHED = ("# Basketball-ref rosters", "# Basketball-Reference rosters")  # the drifted line, still drifted
DELETED = ("        'player_daily_cache',\n", "")  # a phase 4 name gone: drift on line 45, off the changed lines
MERMAID = """```mermaid
flowchart LR
  p_phase2["phase2: {p2}"]
  p_phase3["phase3: in sync"]
  p_phase4["phase4: {p4}"]
  p_phase2 --> p_phase3
  p_phase3 --> p_phase4
  classDef drifted fill:#ffebe9,stroke:#cf222e,color:#82071e
  classDef clean fill:#dafbe1,stroke:#1a7f37,color:#044f1e
"""
BR_ROSTER = (
    "| high | certain | `unknown-name` | `'br_roster'` -> `'br_rosters_current'` <sub>(3 copies of "
    "PhaseTransitionConfig.phase2_expected_processors; size 6 = SSOT phase 2 (6); its name "
    "phase2_expected_processors says 'expected'; the only unknown name, and 'br_rosters_current' the only "
    "missing one; 'br_roster' is a prefix of 'br_rosters_current')</sub> | [{path}:32]({blob}/{head}/{path}#L32) |"
)
FIX_STEP = (
    "- {n} can be fixed automatically: comment `/driftbot fix` on this pull request, or run `driftbot fix` "
    "in your checkout.\n"
)


def drifted_master(action: ActionRun) -> str:
    """`master`: the drifted config and two vendored copies of it, so three findings of one drift."""
    copies = {VENDOR_A: drifted_config(), VENDOR_B: drifted_config()}
    return action.remote.push_commit("master", copies, message="vendor the config")


def open_pull(action: ActionRun, base: str, edit: dict[str, str]) -> Payload:
    """A PR of `edit` on top of `base`: pushed, checked out as the job would, its files known to the API."""
    head = action.remote.push_commit("refs/pull/2/head", edit, base=base, message="the pull request")
    action.remote.check_out(head)
    action.api.state.pull_files[2] = action.remote.pull_files(base, head)
    payload = pull_request_opened()
    payload["pull_request"]["head"]["sha"] = head
    payload["pull_request"]["base"]["sha"] = base
    return payload


def seed_dashboard(action: ActionRun, fingerprints: list[str]) -> str:
    """The scheduled run's dashboard issue (#7), whose first-seen state holds `fingerprints`."""
    import datetime as dt

    state = dashboard.state_marker(dict.fromkeys(fingerprints, dt.date(2026, 1, 2)))
    action.api.state.issues[7] = {
        "number": 7,
        "title": dashboard.TITLE,
        "body": f"{dashboard.MARKER}\n# driftbot dashboard\n\n{state}\n",
        "state": "open",
        "labels": [dashboard.LABEL],
        "user": {"login": BOT_LOGIN, "type": "Bot", "id": 41898282},
    }
    return "https://github.com/Codertocat/Hello-World/issues/7"


def test_a_pr_touching_one_file_gets_only_that_files_drift_plus_the_count_elsewhere(action: ActionRun) -> None:
    base = drifted_master(action)
    payload = open_pull(action, base, {VENDOR_A: drifted_config().replace(*TOUCHED)})
    head = payload["pull_request"]["head"]["sha"]

    assert action.run("pull_request", payload, filter=None) == 1  # no filter input: changed-lines on a PR

    assert action.api.lines() == [
        f"GET {REPO}/pulls/2/files",
        f"GET {REPO}/commits/{head}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",
        f"POST {REPO}/issues/2/comments",
    ]
    files, _, check, _, posted = action.api.calls
    assert files.query == {"per_page": "100"}
    assert [a["path"] for a in check.body["output"]["annotations"]] == [VENDOR_A]
    assert (check.body["conclusion"], check.body["output"]["title"]) == ("failure", "1 finding(s), 1 at or above low")
    assert posted.body["body"] == (
        f"{comment.MARKER}\n<sub>driftbot audited {head[:7]}</sub>\n\n"
        "**Scope:** the lines this pull request changes (`filter: changed-lines`) — and 2 findings elsewhere "
        "(`driftbot audit` lists every finding).\n\n"
        "## driftbot: 1 finding in 1 file\n\n1 high; 9 files scanned, 9 bindings.\n\n"
        + MERMAID.format(p2="1 finding", p4="in sync")
        + "  class p_phase2 drifted\n  class p_phase3,p_phase4 clean\n```\n\n"
        "| Severity | Confidence | Rule | Drift | Where |\n| --- | --- | --- | --- | --- |\n"
        + BR_ROSTER.format(path=VENDOR_A, blob=BLOB, head=head)
        + "\n\n**Next steps**\n\n"
        + FIX_STEP.format(n="1 finding")
    )
    outputs = action.outputs()
    assert {k: outputs[k] for k in ("findings", "drift", "max-severity", "new-findings")} == {
        "findings": "1",
        "drift": "true",
        "max-severity": "high",
        "new-findings": "1",
    }
    judged = json.loads((action.remote.workspace / outputs["report"]).read_text())
    assert [(f["path"], f["line"]) for f in judged["findings"]] == [(VENDOR_A, 32)]
    sarif = json.loads((action.remote.workspace / outputs["sarif-file"]).read_text())
    everything = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert sorted(everything) == sorted([CONFIG, VENDOR_A, VENDOR_B])  # code scanning gets the whole audit
    assert "**Scope:** the lines this pull request changes" in action.summary()


def test_a_pr_clean_in_its_scope_passes_and_links_the_dashboard_for_the_rest(action: ActionRun) -> None:
    base = drifted_master(action)
    url = seed_dashboard(action, [])
    payload = open_pull(action, base, {"README.md": "# Hello\n"})
    head = payload["pull_request"]["head"]["sha"]

    assert action.run("pull_request", payload, filter="changed-files", dashboard="true") == 0

    assert action.api.lines() == [
        f"GET {REPO}/issues",  # the dashboard, for its link
        f"GET {REPO}/pulls/2/files",
        f"GET {REPO}/commits/{head}/check-runs",
        f"POST {REPO}/check-runs",
        f"GET {REPO}/issues/2/comments",  # no drift in scope: no comment
    ]
    check = action.api.calls[3].body
    assert (check["conclusion"], check["output"]["title"]) == ("success", "No drift")
    assert check["output"]["summary"].startswith(
        "**Scope:** the files this pull request changes (`filter: changed-files`) — and 3 findings elsewhere, "
        f"see the [dashboard]({url}).\n\n"
    )
    outputs = action.outputs()
    assert (outputs["findings"], outputs["max-severity"], outputs["new-findings"]) == ("0", "none", "0")


def test_changed_lines_leave_out_an_untouched_line_of_a_changed_file_and_changed_files_keep_it(
    action: ActionRun,
) -> None:
    base = drifted_master(action)
    docstring = ("Names must match", "Every name must match")  # line 21, far from the drift on line 32
    payload = open_pull(action, base, {VENDOR_A: drifted_config().replace(*docstring)})

    assert action.run("pull_request", payload, filter="changed-lines") == 0
    assert action.outputs()["findings"] == "0"
    assert action.run("pull_request", payload, filter="changed-files") == 1
    assert json.loads((action.remote.workspace / action.outputs()["report"]).read_text())["findings"][0]["path"] == (
        VENDOR_A
    )


def test_baseline_auto_adds_the_drift_a_pr_causes_off_its_changed_lines(action: ActionRun) -> None:
    base = drifted_master(action)
    action.remote.check_out(base)
    known = [fingerprint(f) for f in run_audit(action.remote.workspace).findings]  # what the schedule saw
    url = seed_dashboard(action, known)
    edited = drifted_config().replace(*TOUCHED).replace(*DELETED)  # touches the stale line, drops a name
    payload = open_pull(action, base, {VENDOR_A: edited})
    head = payload["pull_request"]["head"]["sha"]
    hook = action.remote.workspace / ".git" / "hooks" / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {action.tmp / 'hook-ran'}\n")
    hook.chmod(0o755)

    assert action.run("pull_request", payload, filter=None, baseline="auto", dashboard="true") == 1

    check = action.api.calls[3].body
    assert [(a["path"], a["start_line"], a["title"]) for a in check["output"]["annotations"]] == [
        (VENDOR_A, 32, "unknown-name (high)"),  # touched
        (VENDOR_A, 45, "missing-name (high)"),  # new since the base, though not on a changed line
        (VENDOR_A, 45, "copy-divergence (medium)"),  # new too: this copy now differs from the others
    ]
    assert check["output"]["summary"].startswith(
        "**Scope:** the lines this pull request changes (`filter: changed-lines`) and drift new since its base "
        f"{base[:7]} (`baseline: auto`) — and 2 findings elsewhere, see the [dashboard]({url}).\n\n"
    )
    outputs = action.outputs()
    assert (outputs["findings"], outputs["max-severity"], outputs["new-findings"]) == ("3", "high", "2")
    assert not (action.tmp / "hook-ran").exists()  # the base worktree ran no hook
    assert head == action.remote.head("refs/pull/2/head")
    # Without the baseline the dropped name goes unnoticed: it is not on a line the PR changed.
    assert action.run("pull_request", payload, filter=None, baseline="") == 1
    assert action.outputs()["findings"] == "1"


def test_a_baseline_file_with_filter_all_judges_only_new_drift(action: ActionRun) -> None:
    base = drifted_master(action)
    action.remote.check_out(base)
    saved = action.remote.workspace / "drift-baseline.json"  # untracked: stays across the checkout
    assert main(["audit", str(action.remote.workspace), "--format", "json", "--output", str(saved)]) == 1
    payload = open_pull(action, base, {VENDOR_B: drifted_config().replace(*DELETED)})

    assert action.run("pull_request", payload, filter="all", baseline="drift-baseline.json") == 1

    (check,) = [c.body for c in action.api.calls if c.line == f"POST {REPO}/check-runs"]
    assert [(a["path"], a["title"]) for a in check["output"]["annotations"]] == [
        (VENDOR_B, "missing-name (high)"),
        (VENDOR_B, "copy-divergence (medium)"),
    ]
    assert check["output"]["summary"].startswith(
        "**Scope:** drift not in `drift-baseline.json` (`baseline`) — and 3 findings elsewhere"
    )
    assert action.api.lines()[0] == f"GET {REPO}/commits/{payload['pull_request']['head']['sha']}/check-runs"


def test_the_audit_command_judges_a_pr_on_the_same_scope(action: ActionRun) -> None:
    base = drifted_master(action)
    head = action.remote.push_commit("refs/heads/changes", {VENDOR_A: drifted_config().replace(*DELETED)}, base=base)
    git(action.remote.bare, "update-ref", "refs/pull/1/head", head)
    action.api.state.pulls[1] = {"number": 1, "head_ref": "changes", "head_sha": head, "base_sha": base}
    action.api.state.pull_files[1] = action.remote.pull_files(base, head)

    action.run("issue_comment", pr_comment("/driftbot audit"), filter=None, baseline="auto")

    assert action.api.lines()[2:5] == [
        f"GET {REPO}/pulls/1/files",
        f"GET {REPO}/pulls/1",  # its base, for `baseline: auto`
        f"GET {REPO}/commits/{head}/check-runs",
    ]
    (check,) = [c.body for c in action.api.calls if c.line == f"POST {REPO}/check-runs"]
    assert [(a["path"], a["start_line"], a["title"]) for a in check["output"]["annotations"]] == [
        (VENDOR_A, 45, "missing-name (high)"),
        (VENDOR_A, 45, "copy-divergence (medium)"),
    ]
    assert action.outputs()["findings"] == "2"


def sub_project(root: Path, name: str) -> dict[str, str]:
    """A project in `root/name`: its own SSOT and a drifted config (files as path -> text)."""
    files = {f"{name}/{p.relative_to(EXAMPLE)}": p.read_text() for p in (EXAMPLE / "ssot").rglob("*") if p.is_file()}
    files[f"{name}/{CONFIG}"] = drifted_config()
    return files


def test_two_instances_keep_their_own_check_run_comment_and_paths(action: ActionRun, tmp_path: Path) -> None:
    shutil.rmtree(action.remote.workspace / "ssot")  # the root project goes; two sub-projects take its place
    base = action.remote.push_commit("master", {**sub_project(tmp_path, "a"), **sub_project(tmp_path, "b")})
    action.remote.check_out(base)
    payload = pull_request_opened()
    head = payload["pull_request"]["head"]["sha"]

    assert action.run("pull_request", payload, name="ssot a", working_directory="a") == 1
    assert action.run("pull_request", payload, name="ssot b", working_directory="b/") == 1

    assert [(r["name"], r["head_sha"]) for r in action.api.state.check_runs] == [("ssot a", head), ("ssot b", head)]
    bodies = [c["body"] for c in action.api.state.comments[2]]
    assert [b.split("\n", 1)[0] for b in bodies] == [
        "<!-- driftbot:report:ssot-a -->",
        "<!-- driftbot:report:ssot-b -->",
    ]
    assert f"[a/{CONFIG}:32]({BLOB}/{head}/a/{CONFIG}#L32)" in bodies[0]
    assert f"[b/{CONFIG}:32]({BLOB}/{head}/b/{CONFIG}#L32)" in bodies[1]
    assert action.outputs()["report"] == ".git/driftbot-report-ssot-b.json"
    assert action.outputs()["sarif-file"] == ".git/driftbot-ssot-b.sarif"
    assert action.summary().startswith("## ssot b\n")

    # a's drift is fixed: a's comment says so, b's stays as it was.
    (action.remote.workspace / "a" / CONFIG).write_text(
        drifted_config().replace("'br_roster',", "'br_rosters_current',")
    )
    action.api.calls.clear()
    assert action.run("pull_request", payload, name="ssot a", working_directory="a") == 0
    a_comment, b_comment = action.api.state.comments[2]
    assert a_comment["body"] == comment.resolved("<!-- driftbot:report:ssot-a -->", "ssot a")
    assert b_comment["body"] == bodies[1]
    assert action.api.calls[0].query == {"check_name": "ssot a"}


def test_a_fork_pr_is_scoped_with_its_read_only_token_and_annotates_only_its_drift(
    action: ActionRun, capsys: pytest.CaptureFixture[str]
) -> None:
    base = drifted_master(action)
    payload = open_pull(action, base, {VENDOR_A: drifted_config().replace(*TOUCHED)})
    payload["pull_request"]["head"]["repo"]["full_name"] = "forker/Hello-World"

    assert action.run("pull_request", payload, filter=None) == 1

    assert action.api.lines() == [f"GET {REPO}/pulls/2/files"]  # a read; no write with a fork's token
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("::error")]
    assert [line.split(",")[0] for line in errors] == [f"::error file={VENDOR_A}"]
    assert "**Scope:** the lines this pull request changes (`filter: changed-lines`) — and 2 findings" in (
        action.summary()
    )


def test_when_the_files_cannot_be_listed_the_pr_is_judged_in_full_and_says_why(action: ActionRun) -> None:
    base = drifted_master(action)
    payload = open_pull(action, base, {VENDOR_A: drifted_config().replace(*TOUCHED)})
    action.api.inject("GET", f"{REPO}/pulls/2/files", 403, {"message": "Resource not accessible by integration"})

    assert action.run("pull_request", payload, filter=None) == 1

    assert action.outputs()["findings"] == "3"
    (check,) = [c.body for c in action.api.calls if c.line == f"POST {REPO}/check-runs"]
    assert check["output"]["summary"].startswith(
        "**Scope:** the whole repository: the pull request's files could not be listed (GitHub API: list files "
        "of pull request #\u20602 failed: 403 Resource not accessible by integration) (`filter: changed-lines`).\n\n"
    )


def test_a_working_directory_or_baseline_must_stay_in_the_repository(
    action: ActionRun, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert action.run("push", example("push"), working_directory="services/nope") == 2
    (action.remote.workspace / "out").symlink_to(tmp_path)  # e.g. committed by a pull request
    assert action.run("push", example("push"), working_directory="out") == 2
    (tmp_path / "b.json").write_text('{"version": 1, "findings": []}')
    payload = pull_request_opened()
    assert action.run("pull_request", payload, filter="all", baseline="out/b.json", working_directory="") == 2
    assert capsys.readouterr().err == (
        "driftbot: input working-directory: services/nope: no such directory\n"
        "driftbot: input working-directory: out: leads outside the repository\n"
        "driftbot: input baseline: out/b.json: leads outside the repository\n"
    )
