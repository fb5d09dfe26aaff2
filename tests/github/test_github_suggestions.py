"""Suggested changes through the validating GitHub mock: one COMMENT review per push, the previous one retired.

The suggestions come from the real fix plan of the drifted checkout (`remote` fixture); the pull
request number and head come from a real `pull_request` webhook payload.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from github_harness import CONFIG, ROOT, TOKEN, ActionRun, Remote, clean_config, drifted_config
from github_payloads import fork_pull_request, pull_request_opened
from github_recorder import RecordingProxy
from pydantic import SecretStr

from driftbot.fix.plan import make_plan
from driftbot.fix.suggest import Suggestion, suggestions
from driftbot.github import suggestions as review
from driftbot.github.client import ApiSettings, GitHubApi
from driftbot.github.env import ApiTuning

pytestmark = pytest.mark.xdist_group("github-mock")

REPO = "Codertocat/Hello-World"
PULLS = f"/repos/{REPO}/pulls"
MARKER = "<!-- driftbot:suggestions -->"
RENAME = "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?"
NEW_LINE = "        'br_rosters_current',         # Basketball-ref rosters"


@pytest.fixture
def gh(api: RecordingProxy) -> GitHubApi:
    tuning = ApiTuning(seconds_between_requests=0, seconds_between_writes=0, backoff_factor=0, secondary_rate_wait=0)
    return GitHubApi(ApiSettings(api.url, SecretStr(TOKEN), tuning), REPO)


@pytest.fixture
def found(remote: Remote) -> list[Suggestion]:
    return suggestions(make_plan(remote.workspace))


def publish(gh: GitHubApi, found: list[Suggestion], sha: str, lines: frozenset[int] = frozenset({31, 32})) -> object:
    number = pull_request_opened()["pull_request"]["number"]
    return review.publish(gh, number=number, sha=sha, found=found, changed={CONFIG: lines}, marker=MARKER)


def test_a_review_of_suggestion_blocks_on_the_changed_lines(
    api: RecordingProxy, gh: GitHubApi, found: list[Suggestion]
) -> None:
    head = pull_request_opened()["pull_request"]["head"]["sha"]
    assert publish(gh, found, head) == review.Outcome("created", 9001, 1)
    assert api.lines() == [f"GET {PULLS}/2/reviews", f"POST {PULLS}/2/reviews"]
    assert api.calls[1].body == {
        "commit_id": head,
        "event": "COMMENT",
        "body": (
            f"{MARKER}\n**driftbot** suggests 1 change on lines this pull request changes: each is the edit "
            "`driftbot fix` makes for a finding it is certain of. Apply one with **Commit suggestion**, "
            f"or every fix with a `/driftbot fix` comment.\n\n<sub>driftbot reviewed {head[:7]}</sub>\n"
        ),
        "comments": [
            {
                "path": CONFIG,
                "line": 32,
                "side": "RIGHT",
                "body": f"**driftbot** · `unknown-name` · certain\n{RENAME}\n\n```suggestion\n{NEW_LINE}\n```",
            }
        ],
    }
    # The same push again (a rerun): its review exists, nothing is written.
    api.calls.clear()
    assert publish(gh, found, head) == review.Outcome("unchanged", 9001)
    assert api.lines() == [f"GET {PULLS}/2/reviews"]


def test_the_next_push_retires_the_previous_review(api: RecordingProxy, gh: GitHubApi, found: list[Suggestion]) -> None:
    first, second, third = "a" * 40, "b" * 40, "c" * 40
    publish(gh, found, first)
    (old_comment,) = api.state.review_comments[9001]
    api.calls.clear()

    assert publish(gh, found, second) == review.Outcome("created", 9003, 1)
    assert api.lines() == [
        f"GET {PULLS}/2/reviews",
        f"POST {PULLS}/2/reviews",
        f"GET {PULLS}/2/reviews/9001/comments",
        f"DELETE {PULLS}/comments/{old_comment['id']}",
        f"PUT {PULLS}/2/reviews/9001",
    ]
    retired = "driftbot: superseded by the review of bbbbbbb; the suggestions of aaaaaaa were removed."
    assert api.calls[4].body == {"body": f"{MARKER}\n<sub>{retired}</sub>\n"}
    assert api.state.review_comments[9001] == []
    api.calls.clear()

    # A push that leaves nothing to suggest on its lines: the last review is retired, none is written.
    assert publish(gh, found, third, frozenset({1})) == review.Outcome("retired")
    assert [c.line for c in api.writes()] == [f"DELETE {PULLS}/comments/9004", f"PUT {PULLS}/2/reviews/9003"]
    assert api.writes()[1].body == {
        "body": f"{MARKER}\n<sub>driftbot: no suggestion for ccccccc; the suggestions of bbbbbbb were removed.</sub>\n"
    }
    api.calls.clear()
    assert publish(gh, found, "d" * 40, frozenset({1})) == review.Outcome("none")
    assert api.writes() == []


def test_only_lines_the_pull_request_changed_get_a_suggestion(
    api: RecordingProxy, gh: GitHubApi, found: list[Suggestion]
) -> None:
    assert publish(gh, found, "a" * 40, frozenset({31, 33})) == review.Outcome("none")
    assert api.lines() == [f"GET {PULLS}/2/reviews"]


def test_someone_elses_review_with_the_marker_is_left_alone(
    api: RecordingProxy, gh: GitHubApi, found: list[Suggestion]
) -> None:
    publish(gh, found, "a" * 40)
    api.state.reviews[2][0]["user"] = {**api.state.reviews[2][0]["user"], "login": "mallory", "type": "User"}
    api.calls.clear()
    assert publish(gh, found, "b" * 40) == review.Outcome("created", 9003, 1)
    assert [c.line for c in api.writes()] == [f"POST {PULLS}/2/reviews"]


def test_blocks_delete_lines_and_outlast_backticks() -> None:
    assert review.block([]) == "```suggestion\n```"
    assert review.block(["x = '```'", "\x1b[2Jy"]) == "````suggestion\nx = '```'\n[2Jy\n````"
    many = Suggestion(CONFIG, 3, 5, ("a",), ())
    assert review.comment(many, "driftbot") == {
        "path": CONFIG,
        "line": 5,
        "side": "RIGHT",
        "start_line": 3,
        "start_side": "RIGHT",
        "body": "**driftbot**: the edit `driftbot fix` makes here.\n\n```suggestion\na\n```",
    }


# The pull request puts the stale name back on line 32 (new side): a real diff hunk, as the files API sends it.
PATCH = (
    "@@ -30,4 +30,4 @@\n"
    "         'nbac_schedule',              # NBA.com schedule\n"
    "         'nbac_gamebook_player_stats', # NBA.com gamebook stats\n"
    "-        'br_rosters_current',         # Basketball-ref rosters\n"
    "+        'br_roster',                  # Basketball-ref rosters\n"
    "     ])"
)


def test_the_action_reviews_a_real_pull_request_event(action: ActionRun) -> None:
    payload = pull_request_opened()
    head = payload["pull_request"]["head"]["sha"]
    action.api.state.pull_files[2] = [{"filename": CONFIG, "status": "modified", "patch": PATCH}]
    assert action.run("pull_request", payload, filter=None, suggestions="true") == 1
    assert action.api.lines() == [
        f"GET {PULLS}/2/files",
        f"GET /repos/{REPO}/commits/{head}/check-runs",
        f"POST /repos/{REPO}/check-runs",
        f"GET /repos/{REPO}/issues/2/comments",
        f"POST /repos/{REPO}/issues/2/comments",
        f"GET {PULLS}/2/reviews",
        f"POST {PULLS}/2/reviews",
    ]
    posted = action.api.calls[-1].body
    assert (posted["commit_id"], posted["event"]) == (head, "COMMENT")
    assert [(c["path"], c["line"], c["body"].split("```suggestion\n")[1]) for c in posted["comments"]] == [
        (CONFIG, 32, NEW_LINE + "\n```")
    ]
    # Applying the suggestion gives what `driftbot fix` writes.
    fixed = drifted_config().splitlines()
    fixed[31] = NEW_LINE
    assert "\n".join(fixed) + "\n" == clean_config()

    # A rerun of the same push writes no second review.
    action.api.calls.clear()
    assert action.run("pull_request", payload, filter=None, suggestions="true") == 1
    assert [c.line for c in action.api.writes()] == []


@pytest.mark.parametrize("how", ["fork", "dry-run", "off"])
def test_no_review_without_write_access_in_a_dry_run_or_when_off(action: ActionRun, how: str) -> None:
    payload = fork_pull_request() if how == "fork" else pull_request_opened()
    action.api.state.pull_files[2] = [{"filename": CONFIG, "status": "modified", "patch": PATCH}]
    inputs = {"suggestions": "false" if how == "off" else "true", "dry_run": "true" if how == "dry-run" else "false"}
    action.run("pull_request", payload, filter=None, **inputs)
    assert not any("/reviews" in line for line in action.api.lines())


def test_two_instances_keep_their_own_review(action: ActionRun) -> None:
    payload = pull_request_opened()
    action.api.state.pull_files[2] = [{"filename": CONFIG, "status": "modified", "patch": PATCH}]
    action.run("pull_request", payload, filter=None, suggestions="true")
    action.run("pull_request", payload, filter=None, suggestions="true", name="ssot b")
    bodies = [r["body"].split("\n", 1)[0] for r in action.api.state.reviews[2]]
    assert bodies == [MARKER, "<!-- driftbot:suggestions:ssot-b -->"]
    assert all(len(action.api.state.review_comments[r["id"]]) == 1 for r in action.api.state.reviews[2])


def test_pull_request_target_suggests_from_the_fetched_head(action: ActionRun) -> None:
    # The base checkout is clean; the fork PR's head (fetched as refs/pull/2/head) brings the drift back.
    (action.remote.workspace / CONFIG).write_text(clean_config())
    head = action.remote.push_commit("refs/pull/2/head", {CONFIG: drifted_config(), "NOTES.txt": "x\n"})
    payload = fork_pull_request()
    payload["pull_request"]["head"]["sha"] = head
    action.api.state.pull_files[2] = [{"filename": CONFIG, "status": "modified", "patch": PATCH}]
    assert action.run("pull_request_target", payload, filter=None, suggestions="true") == 1
    (posted,) = [c.body for c in action.api.calls if c.line == f"POST {PULLS}/2/reviews"]
    assert posted["commit_id"] == head
    assert [(c["path"], c["line"]) for c in posted["comments"]] == [(CONFIG, 32)]
    assert (action.remote.workspace / CONFIG).read_text() == clean_config()  # nothing written to the checkout


def test_suggestion_paths_are_repository_relative_under_a_working_directory(tmp_path: Path) -> None:
    from driftbot.github.pipeline import AuditOptions, suggest

    sub = tmp_path / "services" / "orders"
    shutil.copytree(ROOT / "ssot" / "processors", sub / "ssot" / "processors")
    values = ["bdl_player_boxscores", "bigdataball_play_by_play", "odds_api_game_lines", "nbac_schedule"]
    good = "PHASE2_PROCESSORS = [\n" + "".join(f"    '{v}',\n" for v in [*values, "nbac_gamebook_player_stats"])
    (sub / "a.py").write_text(good + "    'br_rosters_current',\n]\n")
    (sub / "b.py").write_text(good + "    'br_roster',\n]\n")
    found = suggest(tmp_path, AuditOptions(working_directory="services/orders"))
    assert [(s.path, s.start, s.lines) for s in found] == [("services/orders/b.py", 7, ("    'br_rosters_current',",))]
