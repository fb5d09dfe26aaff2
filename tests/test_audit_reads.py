"""The checks read SQL files as the scan's workers did (`ctx.reads`), or, for a file the scan did not
read (it failed, or its time budget ran out), themselves: both ways give the same report."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from driftbot import audit, config
from driftbot.extract.sqltypes import SqlFile
from driftbot.ftypes import Location
from driftbot.inventory.known import REPO_DDL_READER, DdlReader
from driftbot.rules.sql import MONITORING, MonitoringReader, monitoring_reader
from driftbot.ssot import loader
from example_helpers import EXAMPLE, MONITORING_SQL

TODAY = dt.date(2026, 1, 15)


def test_the_scan_reads_monitoring_queries_and_ddl_and_the_checks_agree_without_it(example_repo: Path) -> None:
    ctx, extra = audit.build_context(example_repo, today=TODAY)
    assert MONITORING_SQL in ctx.reads[MONITORING]
    assert any(ctx.reads[REPO_DDL_READER].values())  # schemas/bigquery/*.sql create tables
    read = audit.check(ctx, extra)
    unread = audit.check(dataclasses.replace(ctx, reads={}), extra)
    assert read.findings
    assert read == unread


def test_a_query_naming_no_ssot_name_is_not_parsed() -> None:
    reader = monitoring_reader(loader.load(EXAMPLE / "ssot", EXAMPLE), config.load(EXAMPLE))
    assert reader.wants(MONITORING_SQL, b"")
    assert not reader.wants("schemas/x.sql", b"")
    empty = reader.read("bin/operations/x.sql", b"SELECT broken FROM (((")
    assert empty == SqlFile("bin/operations/x.sql", (), (), frozenset(), ())


def test_a_query_that_is_not_utf8_reads_as_its_finding_message() -> None:
    reader = MonitoringReader(("**/*.sql",), (b"nba_raw",))
    assert reader.read("q.sql", b"SELECT * FROM nba_raw.t -- \xff\n") == (
        "could not read SQL: 'utf-8' codec can't decode byte 0xff in position 27: invalid start byte"
    )


def test_ddl_reader_declares_what_create_statements_name() -> None:
    found = DdlReader().read("d.sql", b"CREATE TABLE IF NOT EXISTS nba_raw.games (id INT64);\nSELECT 1;\n")
    assert [(t.dataset, t.table, t.declared_at) for t in found] == [("nba_raw", "games", Location("d.sql", 1, 28))]
    assert DdlReader().read("d.sql", b"SELECT 1;\n") == ()
    assert DdlReader().read("d.sql", b"CREATE TABLE nba_raw.\xff (x INT64);\n") == ()
