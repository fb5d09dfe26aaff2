"""The drift dashboard issue, through the validating GitHub mock: created once, then kept current."""

from __future__ import annotations

import datetime as dt

import pytest
from github_harness import CONFIG, TOKEN, ActionRun
from github_payloads import schedule
from github_recorder import RecordingProxy
from pydantic import SecretStr

from driftbot.ftypes import Finding, Location, Report, Severity
from driftbot.github import dashboard
from driftbot.github.client import ApiSettings, GitHubApi
from driftbot.github.env import ApiTuning, Instance
from driftbot.report.fingerprint import fingerprint

pytestmark = pytest.mark.xdist_group("github-mock")

REPO = "Codertocat/Hello-World"
LIST = f"GET /repos/{REPO}/issues"
LIST_QUERY = {"state": "open", "labels": dashboard.LABEL}
SEARCH = "GET /search/issues"  # only while no labelled dashboard exists
QUERY = {"q": f'repo:{REPO} is:issue is:open in:title "driftbot dashboard"'}
JAN21, JAN22, FEB2 = dt.date(2026, 1, 21), dt.date(2026, 1, 22), dt.date(2026, 2, 2)

STALE = Finding(
    "unknown-name",
    Severity.HIGH,
    Location("shared/config/orchestration_config.py", 32, 9),
    "'br_roster' is not a phase 2 processor in the SSOT; did you mean 'br_rosters_current'?",
    symbol="PhaseTransitionConfig.phase2_expected_processors",
    actual="br_roster",
    expected="br_rosters_current",
)
COMMENT = Finding(
    "stale-comment-name",
    Severity.LOW,
    Location("bin/operations/monitoring_queries.sql", 322, 55),
    "comment names 'nbac_gamebook', which is not in the SSOT; did you mean 'nbac_gamebook_player_stats'?",
    actual="nbac_gamebook",
    expected="nbac_gamebook_player_stats",
)
EXPIRED = Finding(
    "expired-suppression",
    Severity.LOW,
    Location(".driftbot-ignore.yml", 6, 14),
    "ignore entry for unknown-name on legacy/** expired on 2026-01-31 (owner: data-platform): v1 API",
)


def report(*findings: Finding) -> Report:
    return Report(findings=tuple(findings), files_scanned=49)


@pytest.fixture
def gh(api: RecordingProxy) -> GitHubApi:
    tuning = ApiTuning(seconds_between_requests=0, seconds_between_writes=0, backoff_factor=0, secondary_rate_wait=0)
    return GitHubApi(ApiSettings(api.url, SecretStr(TOKEN), tuning), REPO)


SINCE = ",".join(sorted(f'"{fingerprint(f)}":"2026-01-21"' for f in (STALE, COMMENT)))
FIRST_BODY = f"""\
{dashboard.MARKER}
# driftbot dashboard

<sub>Kept up to date by driftbot's scheduled run; edits are lost.</sub>

**Updated 2026-01-21** · 2 open finding(s) (1 high, 1 low)

Auto-fix pull request: #7

Oldest open drift: since 2026-01-21 (0 days).

## High (1)

| since | days | rule | where | what |
| --- | ---: | --- | --- | --- |
| 2026-01-21 | 0 | `unknown-name` | `shared/config/orchestration_config.py:32:9` | {STALE.message} |

## Low (1)

| since | days | rule | where | what |
| --- | ---: | --- | --- | --- |
| 2026-01-21 | 0 | `stale-comment-name` | `bin/operations/monitoring_queries.sql:322:55` | {COMMENT.message} |
{dashboard.FOOTER}
<!-- driftbot:dashboard-state {{"v":1,"since":{{{SINCE}}}}} -->
"""


def test_first_run_opens_the_dashboard(api: RecordingProxy, gh: GitHubApi) -> None:
    assert dashboard.update_dashboard(gh, report(STALE, COMMENT), 7, JAN21) == (101, "created")
    assert api.lines() == [LIST, SEARCH, f"POST /repos/{REPO}/issues"]
    assert (api.calls[0].query, api.calls[1].query) == (LIST_QUERY, QUERY)
    assert api.calls[2].body == {"title": "driftbot dashboard", "body": FIRST_BODY, "labels": ["driftbot-dashboard"]}


def test_later_runs_keep_first_seen_dates_and_drop_fixed_drift(api: RecordingProxy, gh: GitHubApi) -> None:
    dashboard.update_dashboard(gh, report(STALE, COMMENT), 7, JAN21)
    moved = Finding(**{**STALE.__dict__, "location": Location(STALE.location.path, 35, 9)})  # lines moved: same drift
    assert dashboard.update_dashboard(gh, report(moved, EXPIRED), None, FEB2) == (101, "updated")
    assert api.lines()[3:] == [LIST, f"PATCH /repos/{REPO}/issues/101"]  # the list sees it at once: no search
    assert api.calls[3].query == LIST_QUERY
    assert set(api.calls[4].body) == {"body"}
    body = api.state.issues[101]["body"]
    assert "| 2026-01-21 | 12 | `unknown-name` | `shared/config/orchestration_config.py:35:9` |" in body
    assert "stale-comment-name" not in body  # fixed: gone from the table and the state
    assert "Auto-fix pull request" not in body
    assert body.split("\n\n")[2:4] == [
        "**Updated 2026-02-02** · 1 open finding(s) (1 high)",
        "Oldest open drift: since 2026-01-21 (12 days).",
    ]
    assert "## Expired suppressions (1)\n\n- `.driftbot-ignore.yml:6:14`: " + EXPIRED.message in body
    assert dashboard.read_state(body) == {fingerprint(STALE): JAN21, fingerprint(EXPIRED): FEB2}


def test_unchanged_dashboard_is_not_written(api: RecordingProxy, gh: GitHubApi) -> None:
    dashboard.update_dashboard(gh, report(STALE), None, JAN21)
    assert dashboard.update_dashboard(gh, report(STALE), None, JAN21) == (101, "none")
    assert api.lines() == [LIST, SEARCH, f"POST /repos/{REPO}/issues", LIST]


def test_clean_branch_says_so_and_drift_that_returns_starts_a_new_date(api: RecordingProxy, gh: GitHubApi) -> None:
    dashboard.update_dashboard(gh, report(STALE), None, JAN21)
    dashboard.update_dashboard(gh, report(), None, JAN22)
    body = api.state.issues[101]["body"]
    assert "**Updated 2026-01-22** · 0 open finding(s)\n\n" + dashboard.CLEAN in body
    assert dashboard.read_state(body) == {}
    dashboard.update_dashboard(gh, report(STALE), None, FEB2)
    assert dashboard.read_state(api.state.issues[101]["body"]) == {fingerprint(STALE): FEB2}


def test_a_persons_issue_with_the_same_title_is_left_alone(api: RecordingProxy, gh: GitHubApi) -> None:
    api.state.issues[50] = {"number": 50, "title": "driftbot dashboard", "body": "Can we get a dashboard?"}
    assert dashboard.update_dashboard(gh, report(STALE), None, JAN21) == (101, "created")
    assert api.state.issues[50]["body"] == "Can we get a dashboard?"


def test_legacy_unlabelled_dashboards_keep_the_oldest_and_label_it(api: RecordingProxy, gh: GitHubApi) -> None:
    old = dashboard.render(report(STALE), {fingerprint(STALE): JAN21}, None, JAN21)
    api.state.issues[50] = {"number": 50, "title": "driftbot dashboard", "body": old}
    api.state.issues[60] = {"number": 60, "title": "driftbot dashboard", "body": old}  # a duplicate from search lag
    assert dashboard.update_dashboard(gh, report(STALE), None, JAN21) == (50, "updated")
    assert api.lines() == [LIST, SEARCH, f"PATCH /repos/{REPO}/issues/50"]
    assert api.calls[2].body == {"body": old, "labels": ["driftbot-dashboard"]}
    assert api.state.issues[60] == {"number": 60, "title": "driftbot dashboard", "body": old}
    assert dashboard.update_dashboard(gh, report(STALE), None, FEB2) == (50, "updated")
    assert api.lines()[3:] == [LIST, f"PATCH /repos/{REPO}/issues/50"]
    assert dashboard.read_state(api.state.issues[50]["body"]) == {fingerprint(STALE): JAN21}


def test_unreadable_state_restarts_the_dates() -> None:
    assert dashboard.read_state("<!-- driftbot:dashboard-state {not json} -->") == {}
    assert dashboard.read_state('<!-- driftbot:dashboard-state {"v":1,"since":{"ab":"yesterday"}} -->') == {}
    assert dashboard.read_state("no marker") == {}


def test_scheduled_run_links_the_autofix_pull_request(action: ActionRun) -> None:
    assert action.run("schedule", schedule(), dashboard="true") == 0
    assert action.api.lines()[-3:] == [LIST, SEARCH, f"POST /repos/{REPO}/issues"]
    (pull,) = action.api.state.pulls.values()
    body = action.api.state.issues[pull["number"] + 1]["body"]
    assert f"\n\nAuto-fix pull request: #{pull['number']}\n\n" in body
    assert f"| {dt.date.today().isoformat()} | 0 | `unknown-name` | `{CONFIG}:32:9` |" in body
    assert f"driftbot dashboard: #{pull['number'] + 1} (created)" in action.summary()
    assert (action.outputs()["new-findings"], action.outputs()["max-severity"]) == ("1", "high")

    assert action.run("schedule", schedule(), dashboard="true") == 0
    assert action.outputs()["new-findings"] == "0"  # the dashboard has seen it: no new alert


def test_without_the_input_there_is_no_dashboard(action: ActionRun) -> None:
    assert action.run("schedule", schedule()) == 0
    assert {LIST, SEARCH}.isdisjoint(action.api.lines())


def test_two_instances_keep_two_dashboards(api: RecordingProxy, gh: GitHubApi) -> None:
    first, second = Instance("ssot a"), Instance("ssot b")
    assert dashboard.update_dashboard(gh, report(STALE), None, JAN21, first) == (101, "created")
    assert dashboard.update_dashboard(gh, report(COMMENT), None, JAN21, second) == (102, "created")
    api.calls.clear()

    assert dashboard.update_dashboard(gh, report(), None, JAN22, first) == (101, "updated")

    assert [(c.line, c.query.get("labels")) for c in api.calls] == [
        (LIST, "ssot-a-dashboard"),
        (f"PATCH /repos/{REPO}/issues/101", None),
    ]
    issues = api.state.issues
    assert [(issues[n]["title"], issues[n]["labels"]) for n in (101, 102)] == [
        ("ssot a dashboard", ["ssot-a-dashboard"]),
        ("ssot b dashboard", ["ssot-b-dashboard"]),
    ]
    assert issues[101]["body"].startswith("<!-- driftbot:dashboard:ssot-a -->\n# ssot a dashboard\n")
    assert "No open drift" in issues[101]["body"]
    assert "stale-comment-name" in issues[102]["body"]  # untouched by the other instance
