"""The `ddl:` and `snapshot:` inventories, and inventory URLs: no server needed."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.errors import EXIT_ERROR, DriftbotError
from driftbot.ftypes import Location
from driftbot.inventory import snapshot
from driftbot.inventory.base import Inventory, TableInfo, load_inventories
from driftbot.inventory.gcloud import DeployedTopic
from example_helpers import ROOT
from recorded_git import listings


def read(repo: Path, url: str) -> Inventory:
    (inventory,), unreachable = load_inventories([url], repo, bigquery_endpoint=None)
    assert unreachable == ()
    return inventory


def bq_ls(project: str, dataset: str, *tables: str) -> list[dict[str, object]]:
    """What `bq ls --format=json PROJECT:DATASET` prints (trimmed to the fields driftbot reads)."""
    return [
        {
            "kind": "bigquery#table",
            "id": f"{project}:{dataset}.{t}",
            "tableReference": {"projectId": project, "datasetId": dataset, "tableId": t},
            "type": "VIEW" if t.startswith("v_") else "TABLE",
            "creationTime": "1754338542000",
        }
        for t in tables
    ]


CREATED = dt.datetime(2025, 8, 4, 20, 15, 42, tzinfo=dt.UTC)


def test_snapshot_of_several_datasets_concatenated(tmp_path: Path) -> None:
    # for d in nba_raw nba_analytics; do bq ls --format=json nba-props-platform:$d; done > bq.json
    # bq ls --format=json --project_id=nba-props-platform >> bq.json   (datasets, also the empty one)
    datasets = [
        {"kind": "bigquery#dataset", "datasetReference": {"projectId": "p", "datasetId": d}}
        for d in ("nba_raw", "nba_analytics", "nba_empty")
    ]
    (tmp_path / "bq.json").write_text(
        json.dumps(bq_ls("p", "nba_raw", "bdl_player_boxscores", "nbac_schedule"))
        + "\n"
        + json.dumps(bq_ls("p", "nba_analytics", "player_game_summary", "v_player_recent_form"), indent=2)
        + "\n[]\n"
        + json.dumps(datasets)
        + "\n"
    )
    inventory = read(tmp_path, "snapshot:bq.json")
    assert inventory.source == "snapshot:bq.json"
    assert inventory.datasets == ("nba_analytics", "nba_empty", "nba_raw")
    assert inventory.scope is None
    assert inventory.tables == (
        TableInfo("p", "nba_analytics", "player_game_summary", "TABLE", CREATED),
        TableInfo("p", "nba_analytics", "v_player_recent_form", "VIEW", CREATED),
        TableInfo("p", "nba_raw", "bdl_player_boxscores", "TABLE", CREATED),
        TableInfo("p", "nba_raw", "nbac_schedule", "TABLE", CREATED),
    )


def test_snapshot_of_bq_show_has_the_modification_time(tmp_path: Path) -> None:
    shown = {**bq_ls("p", "nba_raw", "nbac_schedule")[0], "lastModifiedTime": "1754424942000"}
    (tmp_path / "t.json").write_text(json.dumps(shown, indent=2))
    [table] = read(tmp_path, "snapshot:t.json").tables
    assert table.modified == dt.datetime(2025, 8, 5, 20, 15, 42, tzinfo=dt.UTC)


def test_snapshot_of_a_gcloud_listing_speaks_for_no_dataset(tmp_path: Path) -> None:
    (tmp_path / "topics.json").write_text(json.dumps([{"name": "projects/p/topics/phase2-raw-complete"}]))
    inventory = read(tmp_path, "snapshot:topics.json")
    assert inventory.topics == (DeployedTopic("phase2-raw-complete", "p"),)
    assert inventory.tables == ()
    assert inventory.scope == ()
    assert not inventory.covers("nba_raw")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '[\n  {"tableReference": {\n    "projectId": "p",,\n',
            "bq.json:3:22: invalid JSON: Expecting property name enclosed in double quotes",
        ),
        (
            "[]\n[1, 2]\n",
            "bq.json:2:1: item 0: neither a BigQuery table nor a dataset resource "
            "(expected `bq ls --format=json` output)",
        ),
        (
            '[{"tableReference": {"projectId": "p", "datasetId": "d"}}]',
            "bq.json:1:1: item 0: tableId is missing or not a string",
        ),
    ],
    ids=["malformed", "not-a-table", "no-table-id"],
)
def test_a_bad_snapshot_is_a_positioned_error(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "bq.json").write_text(text)
    with pytest.raises(DriftbotError) as exc:
        load_inventories(["snapshot:bq.json"], tmp_path, bigquery_endpoint=None)
    assert exc.value.message == error


def test_ddl_reads_every_kind_of_create(tmp_path: Path) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas/a.sql").write_text(
        "-- comment naming CREATE TABLE nba_raw.not_a_table\n"
        "CREATE TABLE IF NOT EXISTS `nba-props-platform.nba_raw.bdl_player_boxscores` (x INT64);\n"
        "create or replace view nba-props-platform.nba_analytics.v_recent AS SELECT 1;\n"
        "CREATE MATERIALIZED VIEW `p`.nba_analytics.`mv_daily` AS SELECT 1;\n"
        "CREATE EXTERNAL TABLE nba_raw.ext_files OPTIONS (format = 'CSV', uris = ['gs://b/*.csv']);\n"
        "CREATE TEMP TABLE scratch AS SELECT 1;\n"
        "CREATE TABLE FUNCTION nba_raw.f() AS SELECT 1;\n"
        "CREATE TABLE unqualified (x INT64);\n"
        "INSERT INTO nba_raw.bdl_player_boxscores VALUES (1);\n"
    )
    (tmp_path / "schemas/b.sql").write_text("SELECT 'CREATE TABLE nba_raw.in_a_string (x INT64)';\n")
    inventory = read(tmp_path, "ddl:schemas/*.sql")
    assert inventory.datasets == ("nba_analytics", "nba_raw")
    assert inventory.scope is None
    assert inventory.tables == (
        TableInfo("p", "nba_analytics", "mv_daily", "MATERIALIZED_VIEW", declared_at=Location("schemas/a.sql", 4, 26)),
        TableInfo(
            "nba-props-platform", "nba_analytics", "v_recent", "VIEW", declared_at=Location("schemas/a.sql", 3, 24)
        ),
        TableInfo(
            "nba-props-platform",
            "nba_raw",
            "bdl_player_boxscores",
            "TABLE",
            declared_at=Location("schemas/a.sql", 2, 28),
        ),
        TableInfo("", "nba_raw", "ext_files", "EXTERNAL", declared_at=Location("schemas/a.sql", 5, 23)),
    )


def test_ddl_of_the_example_declares_every_ssot_table_and_the_extras(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "examples" / "nba-props-platform"
    inventory = read(example, "ddl:schemas/bigquery/*.sql")
    assert len(inventory.tables) == 19
    assert [t.ref for t in inventory.tables if t.type == "VIEW"] == ["nba_analytics.v_player_recent_form"]


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("bq://p", "invalid inventory URL 'bq://p': unknown scheme (use one of bigquery:, ddl:, snapshot:)"),
        ("bigquery:p", "invalid inventory URL 'bigquery:p': expected bigquery://PROJECT[?datasets=a,b]"),
        (
            "bigquery://p/nba_raw",
            "invalid inventory URL 'bigquery://p/nba_raw': nothing may follow the project but ?options",
        ),
        (
            "bigquery://p?dataset=a",
            "invalid inventory URL 'bigquery://p?dataset=a': "
            "unknown option 'dataset' (use location, datasets, timeout)",
        ),
        ("bigquery://p?datasets=a,b-c", "invalid inventory URL 'bigquery://p?datasets=a,b-c': bad dataset name 'b-c'"),
        (
            "bigquery://p?timeout=0",
            "invalid inventory URL 'bigquery://p?timeout=0': timeout must be seconds between 0 and 3600",
        ),
        ("ddl:", "invalid inventory URL 'ddl:': expected ddl:GLOB relative to the repository"),
        ("ddl:../x/*.sql", "invalid inventory URL 'ddl:../x/*.sql': expected ddl:GLOB relative to the repository"),
        ("ddl:nothing/*.sql", "inventory ddl:nothing/*.sql: no .sql file matches 'nothing/*.sql'"),
        ("snapshot:", "invalid inventory URL 'snapshot:': expected snapshot:FILE relative to the repository"),
        ("snapshot:none.json", "none.json: snapshot file not found"),
    ],
)
def test_an_unusable_url_is_a_usage_error(
    small_repo: Path, url: str, error: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(small_repo), "--inventory", url]) == EXIT_ERROR
    assert capsys.readouterr().err == f"driftbot: {error}\n"


def test_a_bad_endpoint_is_a_usage_error(small_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", str(small_repo), "--inventory", "bigquery://p", "--bigquery-endpoint", "localhost:9050"])
    assert code == EXIT_ERROR
    assert capsys.readouterr().err == (
        "driftbot: invalid BigQuery endpoint 'localhost:9050': expected http(s)://HOST[:PORT]\n"
    )


@pytest.mark.parametrize(
    "rel",
    ["/dev/zero", "/etc/passwd", "../outside.json", "inventory/../../outside.json"],
)
def test_a_snapshot_outside_the_repository_is_refused_before_reading(
    small_repo: Path, rel: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `/driftbot audit` can run on a fork's `.driftbot.yml`: its paths must not leave the checkout.
    (small_repo.parent / "outside.json").write_text("[]")
    assert main(["audit", str(small_repo), "--inventory", f"snapshot:{rel}"]) == EXIT_ERROR
    assert capsys.readouterr().err == (
        f"driftbot: invalid inventory URL 'snapshot:{rel}': expected snapshot:FILE relative to the repository\n"
    )


def test_a_snapshot_symlinked_out_of_the_repository_is_refused(
    small_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (small_repo / "bq.json").symlink_to("/dev/zero")
    assert main(["audit", str(small_repo), "--inventory", "snapshot:bq.json"]) == EXIT_ERROR
    assert capsys.readouterr().err == (
        "driftbot: invalid inventory URL 'snapshot:bq.json': bq.json resolves outside the repository (a symlink?)\n"
    )


def test_a_snapshot_that_is_not_a_regular_file_is_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.json")  # opening it would block forever
    (tmp_path / "dir.json").mkdir()
    for name in ("fifo.json", "dir.json"):
        with pytest.raises(DriftbotError) as exc:
            load_inventories([f"snapshot:{name}"], tmp_path, bigquery_endpoint=None)
        assert exc.value.message == f"{name}:1:1: snapshot file is not a regular file"


def test_a_snapshot_too_large_is_refused_by_its_size_before_reading(tmp_path: Path) -> None:
    with (tmp_path / "big.json").open("wb") as handle:
        handle.truncate(snapshot.MAX_BYTES + 1)  # sparse: no disk used, and never read
    with pytest.raises(DriftbotError) as exc:
        load_inventories(["snapshot:big.json"], tmp_path, bigquery_endpoint=None)
    assert exc.value.message == f"big.json:1:1: snapshot file is larger than {snapshot.MAX_BYTES} bytes"


def test_a_ddl_file_symlinked_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "schemas").mkdir(parents=True)
    (tmp_path / "secret.sql").write_text("CREATE TABLE nba_raw.secret (x INT64);\n")
    (repo / "schemas/a.sql").symlink_to(tmp_path / "secret.sql")
    with pytest.raises(DriftbotError) as exc:
        load_inventories(["ddl:schemas/*.sql"], repo, bigquery_endpoint=None)
    assert exc.value.message == "schemas/a.sql:1:1: file resolves outside the repository (a symlink or '..')"


@pytest.mark.parametrize(
    ("url", "name", "error"),
    [
        ("ddl:*.sql", "a.sql", "a.sql:2:1: not valid UTF-8"),
        ("snapshot:a.json", "a.json", "a.json:2:1: not valid UTF-8"),
        ("snapshot:missing.json", "other.json", "missing.json: snapshot file not found"),
    ],
)
def test_ddl_and_snapshot_files_fail_alike(tmp_path: Path, url: str, name: str, error: str) -> None:
    (tmp_path / name).write_bytes(b"\xef\xbb\xbf-- a BOM is fine\n\xff\n")
    with pytest.raises(DriftbotError) as exc:
        load_inventories([url], tmp_path, bigquery_endpoint=None)
    assert exc.value.message == error


@pytest.mark.parametrize(
    ("name", "topics", "scope"),
    [("gcloud_topics.json", (), ()), ("bq.json", None, None)],
)
def test_an_empty_snapshot_takes_its_kind_from_the_file_name(
    tmp_path: Path, name: str, topics: tuple[DeployedTopic, ...] | None, scope: tuple[str, ...] | None
) -> None:
    (tmp_path / name).write_text("[]\n")
    inventory = read(tmp_path, f"snapshot:{name}")
    assert (inventory.topics, inventory.scope, inventory.tables) == (topics, scope, ())


@pytest.mark.parametrize("cache", [["--no-cache"], []], ids=["no cache", "memo miss"])
def test_an_audit_with_a_ddl_inventory_lists_the_repository_once(
    tmp_path: Path, argv_log: Path, capsys: pytest.CaptureFixture[str], cache: list[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    for rel, text in {
        "jobs/cfg.py": "X = 1\n",
        "schemas/raw.sql": "CREATE TABLE nba_raw.br_rosters_current (x INT64);\n",
        ".driftbot.yml": "version: 1\ninventory: ['ddl:schemas/*.sql']\n",
    }.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    who = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "core.fsmonitor=false"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", *who, *args], cwd=repo, check=True, capture_output=True)
    argv_log.write_text("")

    assert main(["audit", str(repo), "--format", "json", *cache]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["files_scanned"] == 6  # cfg.py, raw.sql, .driftbot.yml and the three SSOT files
    missing = [f["message"] for f in report["findings"] if f["rule"] == "table-missing"]
    assert any("bdl_player_boxscores" in m for m in missing)
    assert not any("br_rosters_current" in m for m in missing)  # declared in schemas/raw.sql: the inventory read it
    assert listings(argv_log) == 1  # the audit's one listing, shared by the inventory
