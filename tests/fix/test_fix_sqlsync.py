"""`driftbot sync-queries`: the generated table-verification region of a SQL file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from driftbot.audit import run_audit
from driftbot.cli import main
from driftbot.fix.sqlsync import BEGIN, END, render, sync_queries
from driftbot.ssot import loader
from example_helpers import MONITORING_SQL, ROOT

SSOT = loader.load(ROOT / "ssot", ROOT)


@pytest.fixture
def repo(example_repo: Path) -> Path:
    cfg = example_repo / ".driftbot.yml"
    cfg.write_text(
        cfg.read_text().replace(
            '  monitoring: ["bin/operations/*.sql"]\n',
            f'  monitoring: ["bin/operations/*.sql"]\n  generate_into: {MONITORING_SQL}\n  freshness_hours: 24\n',
        )
    )
    return example_repo


def test_generated_sql_parses_and_checks_every_target_table() -> None:
    region = render(SSOT, 36)
    statements = [s for s in sqlglot.parse(region, read="bigquery") if isinstance(s, exp.Select)]
    assert len(statements) == len(SSOT.lists)
    for statement, phase in zip(statements, SSOT.lists, strict=True):
        expected = next(cte for cte in statement.find_all(exp.CTE) if cte.alias == "expected")
        literals = [lit.this for lit in expected.find_all(exp.Literal, bfs=False) if lit.is_string]
        assert literals == list(phase.tables)
        sources = {t.sql("bigquery") for t in statement.find_all(exp.Table)}
        assert f"`{phase.dataset}.INFORMATION_SCHEMA.TABLES` AS existing" in sources
        assert f"`{phase.dataset}.INFORMATION_SCHEMA.PARTITIONS`" in {s.split(" AS ")[0] for s in sources}
    assert "INTERVAL 36 HOUR" in region
    assert region.startswith(f"{BEGIN} generated from ssot — edit the SSOT, then run driftbot sync-queries\n")
    assert region.endswith(f"{END}\n")


def test_region_is_appended_then_replaced_leaving_the_rest_untouched(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / MONITORING_SQL
    original = path.read_text()
    assert main(["sync-queries", str(repo), "--check"]) == 1
    assert path.read_text() == original
    assert f"--- a/{MONITORING_SQL}\n+++ b/{MONITORING_SQL}\n" in capsys.readouterr().out

    assert main(["sync-queries", str(repo)]) == 1
    text = path.read_text()
    assert text == original + "\n" + render(SSOT, 24)
    assert main(["sync-queries", str(repo)]) == 0  # idempotent
    assert path.read_text() == text

    # a hand edit inside the region fails the check and is undone; text around it stays
    path.write_text("-- my header\n" + text.replace("INTERVAL 24 HOUR", "INTERVAL 48 HOUR", 1) + "-- my footer\n")
    assert main(["sync-queries", str(repo), "--check"]) == 1
    assert "+  COALESCE(latest.last_modified_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 24 HOUR)" in (
        capsys.readouterr().out
    )
    assert main(["sync-queries", str(repo)]) == 1
    assert path.read_text() == "-- my header\n" + text + "-- my footer\n"


def test_audit_stays_clean_with_the_generated_queries(repo: Path) -> None:
    sync_queries(repo)
    sql_rules = {"unknown-table", "stale-comment-name", "unparsable-sql"}
    found = [str(f.location) for f in run_audit(repo).findings if f.rule in sql_rules]
    assert found == [f"{MONITORING_SQL}:322:55"]  # the example's own stale comment, nothing in the region


def test_errors(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = repo / MONITORING_SQL
    path.write_text(path.read_text() + f"{BEGIN}\nSELECT 1;\n")
    assert main(["sync-queries", str(repo)]) == 2
    assert capsys.readouterr().err == f"driftbot: {MONITORING_SQL}:353:1: `{BEGIN}` without a matching `{END}`\n"
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copytree(ROOT / "ssot", bare / "ssot")  # a copy: an SSOT symlinked out of the repository is refused
    assert main(["sync-queries", str(bare)]) == 2
    assert "set `sql.generate_into` in .driftbot.yml" in capsys.readouterr().err
