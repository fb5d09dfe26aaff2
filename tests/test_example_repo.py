"""Fixed facts of `examples/nba-props-platform/`, which many other tests audit.

The example reproduces the seed's incident: `br_roster` instead of `br_rosters_current` in the 10 files of
Task 1.1 (line 32 / line 87) and the stale `nbac_gamebook` comment of Task 1.2 (SQL line 322). These tests pin
those positions, check every other input is well formed, and prove that exactly the hand corrections of the seed
leave the example free of drift. They read the example with `ast`/libcst/sqlglot only; nothing in it is imported.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import libcst
import pytest
import sqlglot
from sqlglot import exp

from driftbot import config
from driftbot.ssot import loader
from driftbot.ssot.models import Ssot
from example_helpers import CONFIG_COPIES, EXAMPLE, FALLBACK, ROOT

PROJECT_SSOT = ROOT / "ssot"
CONFIG_MODULE = CONFIG_COPIES[0]
FALLBACK_MAIN = FALLBACK
# (path, line) of every stale entry, in the order of the seed's Task 1.1.
INCIDENT = (*((path, 32) for path in CONFIG_COPIES), (FALLBACK_MAIN, 87))
STALE_LINE = "        'br_roster',                  # Basketball-ref rosters"
STALE_TOKEN, FIXED_TOKEN = "'br_roster',", "'br_rosters_current',"

MONITORING_SQL = "bin/operations/monitoring_queries.sql"
SQL_LINE = 322
SQL_STALE = "-- Track which games are using fallback data sources (nbac_gamebook instead of bdl_player_boxscores)"
SQL_FIXED = (
    "-- Track which games are using fallback data sources (nbac_gamebook_player_stats instead of bdl_player_boxscores)"
)
DDL_FILES = (
    "schemas/bigquery/nba_raw.sql",
    "schemas/bigquery/nba_analytics.sql",
    "schemas/bigquery/nba_precompute.sql",
)
DDL_EXTRAS = {
    "nba_raw.nbac_injury_report",
    "nba_raw.odds_api_player_points_props",
    "nba_analytics.v_player_recent_form",
}
SNAPSHOT = "inventory/bigquery_tables.json"


def lines_of(repo: Path, rel: str) -> list[str]:
    return (repo / rel).read_text(encoding="utf-8").splitlines()


def load_ssot(repo: Path) -> Ssot:
    ssot, problems = loader.check(repo / "ssot", repo)
    assert problems == []
    assert ssot is not None
    return ssot


def hand_correct(repo: Path) -> None:
    """Apply exactly the seed's fixes: 10 one-line Python edits (Task 1.1) and the SQL comment (Task 1.2)."""
    for rel, line in INCIDENT:
        text = lines_of(repo, rel)
        text[line - 1] = text[line - 1].replace(STALE_TOKEN, FIXED_TOKEN)
        (repo / rel).write_text("\n".join(text) + "\n", encoding="utf-8")
    sql = lines_of(repo, MONITORING_SQL)
    sql[SQL_LINE - 1] = SQL_FIXED
    (repo / MONITORING_SQL).write_text("\n".join(sql) + "\n", encoding="utf-8")


def string_list(node: ast.expr | None) -> list[str]:
    assert isinstance(node, ast.List | ast.Tuple), ast.dump(node) if node else None
    values = [ast.literal_eval(elt) for elt in node.elts]
    assert all(isinstance(v, str) for v in values)
    return values


def dataclass_default(tree: ast.Module, cls: str, attr: str) -> list[str]:
    """The list inside `attr: List[str] = field(default_factory=lambda: [...])` of class `cls`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for stmt in node.body:
                if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == attr:
                    assert isinstance(stmt.value, ast.Call)
                    factory = stmt.value.keywords[0].value
                    assert isinstance(factory, ast.Lambda)
                    return string_list(factory.body)
    raise AssertionError(f"{cls}.{attr} not found")


def module_constant(tree: ast.Module, name: str) -> ast.expr:
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            assert node.value is not None
            return node.value
    raise AssertionError(f"{name} not found")


def fallback_list(tree: ast.Module) -> list[str]:
    """`EXPECTED_PROCESSORS` as assigned in the `except ImportError:` branch."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                if isinstance(handler.type, ast.Name) and handler.type.id == "ImportError":
                    return string_list(
                        module_constant(ast.Module(body=handler.body, type_ignores=[]), "EXPECTED_PROCESSORS")
                    )
    raise AssertionError("no except ImportError branch")


def parse_sql(repo: Path, rel: str) -> list[exp.Expr]:
    statements = sqlglot.parse((repo / rel).read_text(encoding="utf-8"), read="bigquery")
    return [s for s in statements if s is not None]


def referenced_tables(statements: list[exp.Expr]) -> set[str]:
    """`dataset.table` of every real table (CTE names excluded)."""
    out: set[str] = set()
    for statement in statements:
        ctes = {cte.alias for cte in statement.find_all(exp.CTE)}
        for table in statement.find_all(exp.Table):
            if table.name not in ctes:
                assert table.catalog == "nba-props-platform", table.sql("bigquery")
                out.add(f"{table.db}.{table.name}")
    return out


def ssot_tables(ssot: Ssot) -> set[str]:
    return {f"{lst.dataset}.{table}" for lst in ssot.lists for table in lst.tables}


@pytest.fixture
def corrected(tmp_path: Path) -> Path:
    repo = tmp_path / "nba-props-platform"
    shutil.copytree(EXAMPLE, repo)
    hand_correct(repo)
    return repo


@pytest.mark.parametrize(("rel", "line"), INCIDENT)
def test_stale_entry_sits_at_the_seeds_line_and_column(rel: str, line: int) -> None:
    text = lines_of(EXAMPLE, rel)
    assert text[line - 1] == STALE_LINE
    assert text[line - 1].index("'") + 1 == 9  # 1-based column of the opening quote
    assert [i + 1 for i, t in enumerate(text) if STALE_TOKEN in t] == [line]


def test_only_the_ten_incident_files_hold_the_stale_entry() -> None:
    holders = sorted(
        p.relative_to(EXAMPLE).as_posix()
        for p in EXAMPLE.rglob("*")
        if p.is_file() and STALE_TOKEN in p.read_text(errors="replace")
    )
    assert holders == sorted(rel for rel, _ in INCIDENT)


def test_config_copies_are_byte_identical() -> None:
    assert len({(EXAMPLE / rel).read_bytes() for rel in CONFIG_COPIES}) == 1
    assert sorted(p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("orchestration_config.py")) == sorted(
        CONFIG_COPIES
    )


def test_monitoring_sql_line_322_names_the_stale_table() -> None:
    assert lines_of(EXAMPLE, MONITORING_SQL)[SQL_LINE - 1] == SQL_STALE
    assert 340 <= len(lines_of(EXAMPLE, MONITORING_SQL)) <= 360


def test_example_ssot_is_valid_and_equals_the_projects() -> None:
    ssot = load_ssot(EXAMPLE)
    assert [(lst.key, len(lst.processors), lst.expected_count) for lst in ssot.lists] == [
        ("phase2", 6, 6),
        ("phase3", 5, None),
        ("phase4", 5, None),
    ]
    assert ssot.lists[2].tables[-1] == "ml_feature_store_v2"
    modeline = re.compile(rb"\n# yaml-language-server: \$schema=\S+\n")  # the example's editor hint
    for path in (EXAMPLE / "ssot" / "processors").iterdir():
        assert modeline.sub(b"", path.read_bytes()) == (PROJECT_SSOT / "processors" / path.name).read_bytes()


def test_driftbot_yml_mirrors_all_eight_vendored_copies() -> None:
    cfg = config.load(EXAMPLE)
    copies = sorted(
        f"{d.relative_to(EXAMPLE).as_posix()}/{inc}"
        for mirror in cfg.mirrors
        for d in EXAMPLE.glob(mirror.copies)
        for inc in mirror.include
    )
    assert copies == sorted(CONFIG_COPIES[1:])
    assert {m.source for m in cfg.mirrors} == {"shared"}
    assert cfg.sql.monitoring == ["bin/operations/*.sql"]
    assert cfg.inventory == [f"snapshot:{SNAPSHOT}"]


def test_every_python_file_parses_with_libcst() -> None:
    files = sorted(EXAMPLE.rglob("*.py"))
    assert len(files) >= 15
    for path in files:
        libcst.parse_module(path.read_bytes())


def test_monitoring_sql_parses_and_uses_only_ssot_tables() -> None:
    statements = parse_sql(EXAMPLE, MONITORING_SQL)
    assert len(statements) == 18
    assert referenced_tables(statements) == ssot_tables(load_ssot(EXAMPLE))


def test_ddl_creates_every_ssot_table_plus_the_extras() -> None:
    created = {
        f"{s.this.find(exp.Table).db}.{s.this.find(exp.Table).name}"
        for rel in DDL_FILES
        for s in parse_sql(EXAMPLE, rel)
        if isinstance(s, exp.Create)
    }
    assert created == ssot_tables(load_ssot(EXAMPLE)) | DDL_EXTRAS


def test_snapshot_has_bq_ls_shape_and_matches_the_ddl() -> None:
    items = json.loads((EXAMPLE / SNAPSHOT).read_text())
    listed = set()
    for item in items:
        ref = item["tableReference"]
        assert item["kind"] == "bigquery#table"
        assert item["id"] == f"{ref['projectId']}:{ref['datasetId']}.{ref['tableId']}"
        assert ref["projectId"] == "nba-props-platform"
        assert item["creationTime"].isdigit()
        assert item["type"] == ("VIEW" if ref["tableId"].startswith("v_") else "TABLE")
        listed.add(f"{ref['datasetId']}.{ref['tableId']}")
    assert len(listed) == len(items) == 19
    assert listed == ssot_tables(load_ssot(EXAMPLE)) | DDL_EXTRAS


def test_lists_hold_exactly_the_incident_drift() -> None:
    ssot = load_ssot(EXAMPLE)
    phase2, phase3, phase4 = ssot.lists
    stale = [*phase2.names[:-1], "br_roster"]
    config_tree = ast.parse((EXAMPLE / CONFIG_MODULE).read_text())
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase2_expected_processors") == stale
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase3_expected_processors") == list(phase3.names)
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase4_expected_processors") == list(phase4.names)
    assert fallback_list(ast.parse((EXAMPLE / FALLBACK_MAIN).read_text())) == stale


def test_decoys_are_in_place() -> None:
    roster = (EXAMPLE / "data_processors/raw/basketball_ref/roster_processor.py").read_text()
    assert "    data_source_enhancement = 'br_roster'\n" in roster
    assert "        if 'br_roster' in self.lock.id:\n" in roster
    phase2, _, phase4 = load_ssot(EXAMPLE).lists

    all_raw = string_list(
        module_constant(ast.parse((EXAMPLE / "shared/utils/bigquery_tables.py").read_text()), "ALL_RAW_TABLES")
    )
    assert len(all_raw) == len(set(all_raw)) == 40
    assert set(phase2.tables) < set(all_raw)
    assert "br_roster_history" in all_raw

    freshness = module_constant(
        ast.parse((EXAMPLE / "monitoring/data_freshness.py").read_text()), "TABLE_FRESHNESS_CHECKS"
    )
    assert isinstance(freshness, ast.List)
    assert [string_list(row)[1] for row in freshness.elts] == list(phase2.tables)

    precompute_tree = ast.parse((EXAMPLE / "data_processors/precompute/precompute_tables.py").read_text())
    assert string_list(module_constant(precompute_tree, "PRECOMPUTE_TABLES")) == list(phase4.tables)

    test_tree = ast.parse((EXAMPLE / "tests/unit/test_phase2_to_phase3.py").read_text())
    short = [n for n in ast.walk(test_tree) if isinstance(n, ast.Assign) and ast.unparse(n.targets[0]) == "completed"]
    assert string_list(short[0].value) == ["bdl_player_boxscores", "nbac_schedule"]


def test_hand_corrected_example_has_no_drift_left(corrected: Path) -> None:
    ssot = load_ssot(corrected)
    phase2, phase3, phase4 = ssot.lists
    assert not any(STALE_TOKEN in p.read_text(errors="replace") for p in corrected.rglob("*") if p.is_file())
    assert len({(corrected / rel).read_bytes() for rel in CONFIG_COPIES}) == 1
    config_tree = ast.parse((corrected / CONFIG_MODULE).read_text())
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase2_expected_processors") == list(phase2.names)
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase3_expected_processors") == list(phase3.names)
    assert dataclass_default(config_tree, "PhaseTransitionConfig", "phase4_expected_processors") == list(phase4.names)
    assert fallback_list(ast.parse((corrected / FALLBACK_MAIN).read_text())) == list(phase2.names)
    assert phase2.expected_count == len(phase2.names)
    assert lines_of(corrected, MONITORING_SQL)[SQL_LINE - 1] == SQL_FIXED
    assert referenced_tables(parse_sql(corrected, MONITORING_SQL)) == ssot_tables(ssot)
    # Everything but the 11 corrected lines is untouched.
    changed = [
        p.relative_to(corrected).as_posix()
        for p in sorted(corrected.rglob("*"))
        if p.is_file() and p.read_bytes() != (EXAMPLE / p.relative_to(corrected)).read_bytes()
    ]
    assert sorted(changed) == sorted([rel for rel, _ in INCIDENT] + [MONITORING_SQL])
