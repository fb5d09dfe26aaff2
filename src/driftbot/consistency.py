"""The audit as named consistency checks: the seed's tests (Tasks 1.6, 3.3), one per binding or SSOT list.

Each finding of a Report is claimed by the first check it belongs to; whatever no named check claims
lands in `test_no_other_drift`, so a check list never hides a finding the audit reports.
Pure: no I/O, used by the pytest plugin (and anyone who wants the audit as a checklist).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from driftbot.context import AuditContext
from driftbot.ftypes import Binding, Finding, Location, Report, Severity
from driftbot.paths import matches

NAME_RULES = frozenset({"unknown-name", "missing-name", "duplicate-name", "copy-divergence"})
COUNT_RULES = frozenset({"count-mismatch"})
# Rules about table names written by hand in SQL or code (the SQL area's rules).
TABLE_NAME_RULES = frozenset({"unknown-table", "deprecated-table", "stale-comment-name", "unparsable-sql"})
MISSING_TABLE_RULES = frozenset({"table-missing"})  # an SSOT (or bound) table is not in an inventory
UNREACHABLE_RULES = frozenset({"inventory-unreachable"})


@dataclass(frozen=True)
class Check:
    """One named check: `test` is the test function's name, `param` its id (empty: no brackets).

    `detail` is a failure that is not a finding (the diff `driftbot generate --check` prints).
    """

    test: str
    param: str
    location: Location | None
    findings: tuple[Finding, ...]
    detail: str = ""

    @property
    def name(self) -> str:
        return f"{self.test}[{self.param}]" if self.param else self.test

    @property
    def passed(self) -> bool:
        return not self.findings and not self.detail

    def failure(self) -> str:
        """What a failing check says: one `path:line:col: message [rule]` line per finding, then the detail."""
        return "\n".join([*(finding_line(f) for f in self.findings), *([self.detail] if self.detail else [])])


def binding_id(b: Binding) -> str:
    return f"{b.ssot_list} {b.collection.path}::{b.collection.symbol}"


def in_binding(f: Finding, b: Binding) -> bool:
    c = b.collection
    return (
        f.location.path == c.path
        and f.symbol == c.symbol
        and c.location.line <= f.location.line <= max(c.end_line, c.location.line)
    )


def consistency_checks(
    ctx: AuditContext,
    report: Report,
    *,
    fail_on: Severity = Severity.LOW,
    inventory: bool = False,
    generation: str | None = None,
) -> list[Check]:
    """The checks for `report` (made from `ctx`): findings below `fail_on` never fail a check.

    `inventory`: the audit read inventories, so add the table-existence checks. `generation`: None
    when nothing is generated, else what `driftbot generate --check` found ("" when up to date).
    """
    pending = [f for f in report.findings if f.effective_severity >= fail_on]
    checks: list[Check] = []

    def claim(test: str, param: str, location: Location | None, belongs: Callable[[Finding], bool]) -> None:
        mine = tuple(f for f in pending if belongs(f))
        for f in mine:
            pending.remove(f)
        checks.append(Check(test, param, location, mine))

    for b in ctx.bindings:
        test = "test_processor_names_match_ssot" if b.field == "name" else "test_target_tables_match_ssot"
        claim(test, binding_id(b), b.collection.location, in_bindings(NAME_RULES, [b]))
    for s in ctx.ssot.lists:
        if s.expected_count is not None:
            mine = [b for b in ctx.bindings if b.ssot_list == s.key and b.field == "name"]
            claim("test_expected_processor_count", s.key, Location(s.path, 1, 1), in_bindings(COUNT_RULES, mine))
    for path in sql_files(ctx, report):
        claim("test_no_hardcoded_table_names", path, Location(path, 1, 1), in_file(TABLE_NAME_RULES, path))
    if generation is not None:
        checks.append(Check("test_config_generation_idempotent", "", None, (), generation))
    if inventory:
        for s in ctx.ssot.lists:
            where = Location(s.path, 1, 1)
            claim("test_all_tables_exist", f"{s.key} {s.dataset}", where, against_ssot(MISSING_TABLE_RULES, s.path))
        claim("test_inventories_reachable", "", None, lambda f: f.rule in UNREACHABLE_RULES)
    checks.append(Check("test_no_other_drift", "", None, tuple(pending)))
    return checks


def in_bindings(rules: frozenset[str], bindings: Sequence[Binding]) -> Callable[[Finding], bool]:
    return lambda f: f.rule in rules and any(in_binding(f, b) for b in bindings)


def in_file(rules: frozenset[str], path: str) -> Callable[[Finding], bool]:
    return lambda f: f.rule in rules and f.location.path == path


def against_ssot(rules: frozenset[str], ssot_path: str) -> Callable[[Finding], bool]:
    return lambda f: f.rule in rules and f.ssot == ssot_path


def sql_files(ctx: AuditContext, report: Report) -> list[str]:
    """Monitoring SQL files (config `sql.monitoring`) plus any file a table-name rule reported."""
    globs = ctx.config.sql.monitoring
    found = {p for p in ctx.files if p.endswith(".sql") and any(matches(p, g) for g in globs)}
    found |= {f.location.path for f in report.findings if f.rule in TABLE_NAME_RULES}
    return sorted(found)


def finding_line(f: Finding) -> str:
    """How a failing check shows one finding: `path:line:col: message [rule]`."""
    return f"{f.location}: {f.message} [{f.rule}]"
