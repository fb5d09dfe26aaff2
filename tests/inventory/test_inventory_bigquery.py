"""The `bigquery://` inventory against real servers on 127.0.0.1: bqemulator, and scripted HTTP servers.

bqemulator 1.4.0 gaps, and how these tests deal with them (no test passes only because of a gap):
- `region-us.INFORMATION_SCHEMA` returns no rows: the backend does not use it (it lists with `tables.list`).
- `tables.list` / `datasets.list` ignore `pageToken` and stop at `maxResults`: the backend never sets a
  page size, and pagination is tested against a scripted server that pages like BigQuery does.
- `tables.list` of a dataset that does not exist answers an empty list, not 404: the 404 path (a dataset
  named in the URL that does not exist) is tested against a scripted server.
- it cannot refuse permission, rate-limit, fail with 5xx or hang: those are scripted servers too.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from inventory_servers import Emulator, bigquery_error, closed_port, scripted_server

from driftbot.cli import main
from driftbot.errors import EXIT_DRIFT, EXIT_UNREACHABLE
from driftbot.inventory.base import InventoryUnreachable, load_inventories
from driftbot.inventory.bigquery import QueryRejected, dry_run

pytestmark = pytest.mark.slow

PHASE2 = "ssot/processors/phase2_raw_processors.yaml"
PHASE4 = "ssot/processors/phase4_precompute_processors.yaml"
DDL = "schemas/bigquery/*.sql"
SNAPSHOT = "inventory/bigquery_tables.json"
FORBIDDEN = (
    "Access Denied: Dataset nba-props-platform:nba_raw: Permission bigquery.tables.list denied on dataset "
    "nba-props-platform:nba_raw (or it may not exist)."
)


def break_infrastructure(repo: Path) -> None:
    """The drift every backend must see alike: `nbac_schedule` was never created, and the SSOT's
    `br_rosters_current` still exists under its old name `br_roster`. Applied to the DDL and the snapshot."""
    raw = repo / "schemas/bigquery/nba_raw.sql"
    text, dropped = re.subn(
        r"CREATE TABLE IF NOT EXISTS `nba-props-platform\.nba_raw\.nbac_schedule`.*?;\n\n",
        "",
        raw.read_text(),
        flags=re.S,
    )
    assert dropped == 1
    raw.write_text(text.replace(".nba_raw.br_rosters_current`", ".nba_raw.br_roster`"))
    snapshot = repo / SNAPSHOT
    items = [i for i in json.loads(snapshot.read_text()) if i["tableReference"]["tableId"] != "nbac_schedule"]
    for item in items:
        if item["tableReference"]["tableId"] == "br_rosters_current":
            item["tableReference"]["tableId"] = "br_roster"
            item["id"] = item["id"].replace("br_rosters_current", "br_roster")
    snapshot.write_text(json.dumps(items, indent=2) + "\n")


def expected_missing(source: str) -> list[dict[str, Any]]:
    common = {"rule": "table-missing", "severity": "critical", "path": PHASE2, "column": 19, "ssot": PHASE2}
    return [
        {
            **common,
            "line": 30,
            "message": f"table nba_raw.nbac_schedule (processor 'nbac_schedule') is not in {source}",
            "expected": "nba_raw.nbac_schedule",
            "inventory": source,
        },
        {
            **common,
            "line": 44,
            "message": (
                f"table nba_raw.br_rosters_current (processor 'br_rosters_current') is not in {source}; "
                "renamed to nba_raw.br_roster?"
            ),
            "actual": "nba_raw.br_roster",
            "expected": "nba_raw.br_rosters_current",
            "inventory": source,
        },
    ]


def audit(repo: Path, *args: str) -> tuple[int, list[dict[str, Any]]]:
    out = repo.parent / "report.json"
    code = main(["audit", str(repo), "--format", "json", "--output", str(out), *args])
    findings = json.loads(out.read_text())["findings"]
    for f in findings:
        del f["fingerprint"], f["fixable"], f["confidence"], f["evidence"]
    return code, findings


def of_rule(findings: list[dict[str, Any]], rule: str) -> list[dict[str, Any]]:
    return [f for f in findings if f["rule"] == rule]


def test_every_backend_reports_the_same_missing_tables(emulator: Emulator, example: Path) -> None:
    break_infrastructure(example)
    created = emulator.run_ddl("nba-props-platform", sorted((example / "schemas/bigquery").glob("*.sql")))
    assert len(created) == 18
    assert "nba_raw.br_roster" in created
    assert "nba_raw.nbac_schedule" not in created

    live = "bigquery://nba-props-platform"
    code, findings = audit(example, "--inventory", live, "--bigquery-endpoint", emulator.endpoint)
    assert code == EXIT_DRIFT
    assert of_rule(findings, "table-missing") == expected_missing(live)
    unmanaged = {"nba_raw.br_roster", "nba_raw.nbac_injury_report", "nba_raw.odds_api_player_points_props"}
    assert {f["actual"] for f in of_rule(findings, "unmanaged-table")} == unmanaged

    for url in (f"ddl:{DDL}", f"snapshot:{SNAPSHOT}"):
        code, findings = audit(example, "--inventory", url)
        assert code == EXIT_DRIFT
        assert of_rule(findings, "table-missing") == expected_missing(url), url
        assert {f["actual"] for f in of_rule(findings, "unmanaged-table")} == unmanaged, url


def test_a_table_deleted_between_two_runs_is_missing_in_the_second(emulator: Emulator, example: Path) -> None:
    project = "nba-props-deleted"
    emulator.run_ddl(project, sorted((example / "schemas/bigquery").glob("*.sql")))
    args = ("--inventory", f"bigquery://{project}", "--bigquery-endpoint", emulator.endpoint)
    _, findings = audit(example, *args)
    assert of_rule(findings, "table-missing") == []

    emulator.client(project).delete_table(f"{project}.nba_precompute.player_daily_cache")
    _, findings = audit(example, *args)
    assert of_rule(findings, "table-missing") == [
        {
            "rule": "table-missing",
            "severity": "critical",
            "path": PHASE4,
            "line": 10,
            "column": 11,
            "message": f"table nba_precompute.player_daily_cache (processor 'player_daily_cache') is not in bigquery://{project}",
            "ssot": PHASE4,
            "expected": "nba_precompute.player_daily_cache",
            "inventory": f"bigquery://{project}",
        }
    ]


def test_datasets_in_the_url_limit_what_is_read_and_checked(emulator: Emulator, example: Path) -> None:
    project = "nba-props-raw-only"
    emulator.run_ddl(project, [example / "schemas/bigquery/nba_raw.sql"])
    url = f"bigquery://{project}?datasets=nba_raw"
    (inventory,), unreachable = load_inventories([url], example, bigquery_endpoint=emulator.endpoint)
    assert unreachable == ()
    assert inventory.scope == ("nba_raw",)
    assert inventory.datasets == ("nba_raw",)
    assert [t.table for t in inventory.tables] == [
        "bdl_player_boxscores",
        "bigdataball_play_by_play",
        "br_rosters_current",
        "nbac_gamebook_player_stats",
        "nbac_injury_report",
        "nbac_schedule",
        "odds_api_game_lines",
        "odds_api_player_points_props",
    ]
    assert {(t.project, t.dataset, t.type) for t in inventory.tables} == {(project, "nba_raw", "TABLE")}
    assert all(t.created is not None for t in inventory.tables)
    # The other SSOT datasets are not covered, so they are not reported missing.
    _, findings = audit(example, "--inventory", url, "--bigquery-endpoint", emulator.endpoint)
    assert of_rule(findings, "table-missing") == []


def test_dry_run_accepts_valid_sql_and_rejects_unknown_columns_and_tables(emulator: Emulator) -> None:
    client = emulator.client("dry-run-project")
    client.create_dataset("nba_raw", exists_ok=True)
    client.query("CREATE TABLE `dry-run-project.nba_raw.nbac_schedule` (game_date DATE, game_id STRING)").result()

    sql = "SELECT game_date, COUNT(*) AS games FROM `dry-run-project.nba_raw.nbac_schedule` GROUP BY game_date"
    assert dry_run(sql, "dry-run-project", emulator.endpoint) is None
    with pytest.raises(QueryRejected, match="nope"):
        dry_run("SELECT nope FROM `dry-run-project.nba_raw.nbac_schedule`", "dry-run-project", emulator.endpoint)
    with pytest.raises(QueryRejected) as missing:
        dry_run("SELECT 1 FROM `dry-run-project.nba_raw.nbac_gamebook`", "dry-run-project", emulator.endpoint)
    assert (
        missing.value.message == "Not found: Table dry-run-project.nba_raw.nbac_gamebook was not found in location US"
    )


# --- failures: scripted servers (the emulator cannot produce them) --------------------------------------------


def unreachable_finding(source: str, message: str) -> dict[str, Any]:
    return {
        "rule": "inventory-unreachable",
        "severity": "high",
        "path": "<inventory>",
        "line": 1,
        "column": 1,
        "message": f"inventory {source} could not be read, so the audit is incomplete: {message}",
        "inventory": source,
    }


def test_permission_denied_is_unreachable_and_names_the_permission(small_repo: Path) -> None:
    # A real HTTP server on 127.0.0.1 answering 403 with BigQuery's error body: the emulator has no IAM.
    with scripted_server(
        lambda method, path, query: bigquery_error(403, "PERMISSION_DENIED", "accessDenied", FORBIDDEN)
    ) as server:
        url = "bigquery://nba-props-platform?datasets=nba_raw"
        code, findings = audit(small_repo, "--inventory", url, "--bigquery-endpoint", server.endpoint)
    assert code == EXIT_UNREACHABLE
    assert findings == [
        unreachable_finding(
            url,
            "permission denied listing tables of dataset nba-props-platform:nba_raw: the caller needs "
            f"bigquery.tables.list (e.g. roles/bigquery.metadataViewer) ({FORBIDDEN})",
        )
    ]
    assert len(server.requests) == 1  # a 403 is not retried


def test_permission_denied_listing_datasets_names_datasets_get(small_repo: Path) -> None:
    denied = "Access Denied: Project nba-props-platform: User does not have bigquery.datasets.get permission"
    with scripted_server(
        lambda method, path, query: bigquery_error(403, "PERMISSION_DENIED", "accessDenied", denied)
    ) as server:
        (_, [problem]) = load_inventories(
            ["bigquery://nba-props-platform"], small_repo, bigquery_endpoint=server.endpoint
        )
    assert problem.message == (
        "permission denied listing datasets of project nba-props-platform: the caller needs bigquery.datasets.get "
        f"(e.g. roles/bigquery.metadataViewer) ({denied})"
    )


def test_an_unknown_project_is_unreachable(small_repo: Path) -> None:
    not_found = bigquery_error(404, "NOT_FOUND", "notFound", "Not found: Project nba-props-platfrom")
    with scripted_server(lambda method, path, query: not_found) as server:
        _, (problem,) = load_inventories(
            ["bigquery://nba-props-platfrom"], small_repo, bigquery_endpoint=server.endpoint
        )
    assert problem.message == (
        "project nba-props-platfrom not found, or the caller cannot see it (Not found: Project nba-props-platfrom)"
    )


def test_a_closed_port_is_unreachable(small_repo: Path) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    code, findings = audit(small_repo, "--inventory", "bigquery://nba-props-platform", "--bigquery-endpoint", endpoint)
    assert code == EXIT_UNREACHABLE
    assert findings == [
        unreachable_finding(
            "bigquery://nba-props-platform",
            f"cannot connect to {endpoint} listing datasets of project nba-props-platform: "
            "[Errno 111] Connection refused",
        )
    ]


def test_a_server_that_never_answers_times_out(small_repo: Path) -> None:
    url = "bigquery://nba-props-platform?timeout=0.5"
    with scripted_server(lambda method, path, query: None) as server:
        started = time.monotonic()
        code, findings = audit(small_repo, "--inventory", url, "--bigquery-endpoint", server.endpoint)
        elapsed = time.monotonic() - started
    assert code == EXIT_UNREACHABLE
    assert findings == [
        unreachable_finding(
            url, f"no answer from {server.endpoint} within 0.5s listing datasets of project nba-props-platform"
        )
    ]
    assert elapsed < 10


def test_an_inventory_of_the_config_is_located_in_the_config(small_repo: Path) -> None:
    (small_repo / ".driftbot.yml").write_text(
        "version: 1\ninventory:\n  - ddl:schema/*.sql\n  - bigquery://nba-props-platform?timeout=1\n"
    )
    (small_repo / "schema").mkdir()
    (small_repo / "schema/x.sql").write_text("CREATE TABLE nba_raw.x (a INT64);\n")
    endpoint = f"http://127.0.0.1:{closed_port()}"
    code, findings = audit(small_repo, "--bigquery-endpoint", endpoint)
    assert code == EXIT_UNREACHABLE  # wins over the drift the ddl: inventory shows
    [problem] = of_rule(findings, "inventory-unreachable")
    assert (problem["path"], problem["line"], problem["column"]) == (".driftbot.yml", 4, 5)
    assert len(of_rule(findings, "table-missing")) == 16


@pytest.mark.parametrize(
    "failure",
    [
        bigquery_error(503, "UNAVAILABLE", "backendError", "The service is currently unavailable."),
        bigquery_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Too many requests"),
        bigquery_error(403, "PERMISSION_DENIED", "rateLimitExceeded", "Exceeded rate limits"),  # BigQuery's quota 403
    ],
    ids=["503", "429", "403-rateLimitExceeded"],
)
def test_transient_errors_are_retried(small_repo: Path, failure: tuple[int, dict[str, Any]]) -> None:
    calls: list[str] = []

    def script(method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        calls.append(path)
        if len(calls) <= 2:
            return failure
        return 200, {"kind": "bigquery#tableList", "tables": [table_resource("nba_raw", "nbac_schedule")]}

    with scripted_server(script) as server:
        url = "bigquery://nba-props-platform?datasets=nba_raw"
        (inventory,), unreachable = load_inventories([url], small_repo, bigquery_endpoint=server.endpoint)
    assert unreachable == ()
    assert [t.ref for t in inventory.tables] == ["nba_raw.nbac_schedule"]
    assert len(calls) == 3


def test_retries_stop_after_four_timeouts(small_repo: Path) -> None:
    unavailable = bigquery_error(503, "UNAVAILABLE", "backendError", "The service is currently unavailable.")
    url = "bigquery://nba-props-platform?datasets=nba_raw&timeout=0.5"
    with scripted_server(lambda method, path, query: unavailable) as server:
        started = time.monotonic()
        _, (problem,) = load_inventories([url], small_repo, bigquery_endpoint=server.endpoint)
        elapsed = time.monotonic() - started
    assert problem.message == (
        "gave up after 2s of retries listing tables of dataset nba-props-platform:nba_raw; "
        "last answer: HTTP 503: The service is currently unavailable."
    )
    assert len(server.requests) >= 2
    assert elapsed < 6  # gives up early when the next backoff would pass the 2 s budget


def table_resource(dataset: str, table: str, kind: str = "TABLE") -> dict[str, Any]:
    return {
        "kind": "bigquery#table",
        "id": f"nba-props-platform:{dataset}.{table}",
        "tableReference": {"projectId": "nba-props-platform", "datasetId": dataset, "tableId": table},
        "type": kind,
        "creationTime": "1754338542000",
    }


def test_every_page_of_datasets_and_tables_is_read(small_repo: Path) -> None:
    # Pages as BigQuery serves them; bqemulator ignores pageToken, so it cannot test this.
    pages = {
        "/bigquery/v2/projects/nba-props-platform/datasets": [
            {"datasets": [{"datasetReference": {"projectId": "nba-props-platform", "datasetId": "nba_raw"}}]},
            {"datasets": [{"datasetReference": {"projectId": "nba-props-platform", "datasetId": "nba_analytics"}}]},
        ],
        "/bigquery/v2/projects/nba-props-platform/datasets/nba_raw/tables": [
            {"tables": [table_resource("nba_raw", "a"), table_resource("nba_raw", "b")]},
            {"tables": [table_resource("nba_raw", "c")]},
            {"tables": [table_resource("nba_raw", "v", "VIEW")]},
        ],
        "/bigquery/v2/projects/nba-props-platform/datasets/nba_analytics/tables": [{}],
    }

    def script(method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        index = int(query.get("pageToken", ["0"])[0])
        body = dict(pages[path][index])
        if index + 1 < len(pages[path]):
            body["nextPageToken"] = str(index + 1)
        return 200, body

    with scripted_server(script) as server:
        (inventory,), _ = load_inventories(
            ["bigquery://nba-props-platform"], small_repo, bigquery_endpoint=server.endpoint
        )
    assert inventory.datasets == ("nba_analytics", "nba_raw")
    assert inventory.scope is None
    assert [(t.ref, t.type) for t in inventory.tables] == [
        ("nba_raw.a", "TABLE"),
        ("nba_raw.b", "TABLE"),
        ("nba_raw.c", "TABLE"),
        ("nba_raw.v", "VIEW"),
    ]
    assert len(server.requests) == 2 + 3 + 1  # one request per page, never one per table


def test_a_dataset_named_in_the_url_that_does_not_exist_is_reported(small_repo: Path) -> None:
    # Real BigQuery answers 404 for tables.list of a missing dataset; bqemulator answers an empty list.
    def script(method: str, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if "/datasets/nba_raw/" in path:
            return bigquery_error(404, "NOT_FOUND", "notFound", "Not found: Dataset nba-props-platform:nba_raw")
        return 200, {"tables": []}

    url = "bigquery://nba-props-platform?datasets=nba_raw,nba_precompute"
    with scripted_server(script) as server:
        code, findings = audit(small_repo, "--inventory", url, "--bigquery-endpoint", server.endpoint)
    assert code == EXIT_DRIFT
    missing = of_rule(findings, "table-missing")
    assert len(missing) == 11  # 6 tables of nba_raw, 5 of nba_precompute; nba_analytics is not covered
    assert missing[0]["message"] == (
        f"table nba_raw.bdl_player_boxscores (processor 'bdl_player_boxscores') is not in {url}: "
        "dataset nba_raw does not exist there"
    )
    assert missing[-1]["message"] == (
        f"table nba_precompute.ml_feature_store_v2 (processor 'ml_feature_store') is not in {url}"
    )


def test_missing_application_default_credentials_are_unreachable(
    small_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRIFTBOT_BIGQUERY_ENDPOINT", raising=False)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "no-such-key.json"))
    _, (problem,) = load_inventories(["bigquery://nba-props-platform"], small_repo, bigquery_endpoint=None)
    assert isinstance(problem, InventoryUnreachable)
    assert problem.message.startswith(
        "no usable Application Default Credentials (run `gcloud auth application-default login` "
        "or set GOOGLE_APPLICATION_CREDENTIALS): "
    )


def test_the_endpoint_can_come_from_the_environment(small_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with scripted_server(lambda method, path, query: (200, {"tables": []})) as server:
        monkeypatch.setenv("DRIFTBOT_BIGQUERY_ENDPOINT", server.endpoint)
        code, _ = audit(small_repo, "--inventory", "bigquery://nba-props-platform?datasets=nba_analytics")
    assert code == EXIT_DRIFT  # the five nba_analytics tables are missing
    assert server.requests == [
        ("GET", "/bigquery/v2/projects/nba-props-platform/datasets/nba_analytics/tables", {"prettyPrint": ["false"]})
    ]
