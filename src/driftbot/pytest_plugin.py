"""pytest plugin: `pytest --driftbot` adds the SSOT consistency checks as test items.

Loaded in every pytest run through the `pytest11` entry point, so it imports nothing heavy until
`--driftbot` is given. The audit runs once per session, at collection (under pytest-xdist: in the
controller, whose result each worker receives); each item only reports what it found.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from driftbot.consistency import Check

MARKER = "driftbot: SSOT consistency checks added by `pytest --driftbot`"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("driftbot", "driftbot SSOT consistency checks")
    group.addoption("--driftbot", action="store_true", help="add one test per SSOT binding and check")
    group.addoption(
        "--driftbot-only", action="store_true", help="with --driftbot: collect no other tests (implies --driftbot)"
    )
    group.addoption(
        "--driftbot-repo", metavar="DIR", help="repository to audit (default: the directory pytest runs in)"
    )
    group.addoption(
        "--driftbot-inventory",
        metavar="URL",
        action="append",
        default=[],
        help="also check that every SSOT table exists in this inventory (repeatable)",
    )
    group.addoption(
        "--driftbot-fail-on",
        metavar="SEVERITY",
        default="low",
        help="lowest finding severity that fails a check (default: low)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("driftbot") or config.getoption("driftbot_only"))


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # --driftbot-only: the project's own tests are not even imported (they may need services).
    return True if config.getoption("driftbot_only") else None


class CheckFailed(Exception):
    """A driftbot item's failure; its text is exactly what pytest shows."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def failure_text(excinfo: pytest.ExceptionInfo[BaseException]) -> str | None:
    return excinfo.value.text if isinstance(excinfo.value, CheckFailed) else None


class DriftbotSuite(pytest.Collector):
    """The parent of every driftbot item; its items are made at collection time by the hook below."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return []


class ConsistencyItem(pytest.Item):
    def __init__(self, *, check: Check, repo: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.repo = repo
        self.add_marker("driftbot")

    def runtest(self) -> None:
        if not self.check.passed:
            raise CheckFailed(self.check.failure())

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return failure_text(excinfo) or str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        where = self.check.location
        if where is None:
            return self.repo, None, self.name
        return self.repo / where.path, where.line - 1, self.name


class SetupItem(pytest.Item):
    """Stands in for every check when the SSOT or config cannot be loaded: fails with that one line."""

    def __init__(self, *, problem: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.problem = problem
        self.add_marker("driftbot")

    def runtest(self) -> None:
        raise CheckFailed(self.problem)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return failure_text(excinfo) or str(super().repr_failure(excinfo, style))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name


def generation_check(repo: Path) -> str:
    """`driftbot generate --check`: the diff that regenerating would make ("" when idempotent)."""
    from driftbot.fix.generate import generate

    result = generate(repo, check=True)
    return result.diff if result.changed else ""


@dataclass(frozen=True)
class Plan:
    """What the audit found: the checks to turn into items, or the one line that stops them."""

    repo: Path
    checks: tuple[Check, ...] = ()
    problem: str | None = None


PLAN = pytest.StashKey[Plan]()
WORKER_INPUT = "driftbot_plan"


def audited_dir(config: pytest.Config) -> Path:
    """--driftbot-repo, else the directory pytest was started in (not the rootdir of its config file)."""
    given = config.getoption("driftbot_repo")
    return Path(given or config.invocation_params.dir).resolve()


def plan(config: pytest.Config) -> Plan:
    """The audit, run once per session: by the only process, or by the xdist controller for its workers."""
    if PLAN in config.stash:
        return config.stash[PLAN]
    workerinput: dict[str, Any] | None = getattr(config, "workerinput", None)
    if workerinput is not None and WORKER_INPUT in workerinput:
        made: Plan = pickle.loads(workerinput[WORKER_INPUT])
    else:
        made = audit(config)
    config.stash[PLAN] = made
    return made


def audit(config: pytest.Config) -> Plan:
    from driftbot.audit import build_context, check
    from driftbot.consistency import consistency_checks
    from driftbot.errors import DriftbotError
    from driftbot.ftypes import Severity

    repo = audited_dir(config)
    inventories: list[str] = config.getoption("driftbot_inventory")
    try:
        fail_on = Severity.parse(config.getoption("driftbot_fail_on"))
    except ValueError as exc:
        raise pytest.UsageError(f"--driftbot-fail-on: {exc}") from None
    try:
        # No inventory unless asked for: a plain `pytest --driftbot` stays offline and fast.
        ctx, extra = build_context(repo, inventories=inventories)
        report = check(ctx, extra)
        generation = generation_check(repo) if any(b.how == "generated" for b in ctx.bindings) else None
    except DriftbotError as exc:
        return Plan(repo, problem=f"driftbot: {exc.message}")
    checks = consistency_checks(ctx, report, fail_on=fail_on, inventory=bool(inventories), generation=generation)
    return Plan(repo, tuple(checks))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist, in the controller, once per worker: hand the controller's one audit to the worker."""
    if enabled(node.config):
        node.workerinput[WORKER_INPUT] = pickle.dumps(plan(node.config))


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so those select driftbot items too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not enabled(config):
        return
    found = plan(config)
    suite = DriftbotSuite.from_parent(session, name="driftbot", path=found.repo, nodeid="driftbot")
    added: list[pytest.Item | pytest.Collector] = []
    if found.problem is not None:
        added.append(SetupItem.from_parent(suite, name="test_ssot_loads", problem=found.problem))
    for c in found.checks:
        added.append(ConsistencyItem.from_parent(suite, name=c.name, check=c, repo=found.repo))
    # A collect report makes the terminal count these items ("collected N items") like collected ones.
    config.hook.pytest_collectreport(report=pytest.CollectReport(suite.nodeid, "passed", None, added))
    items.extend(i for i in added if isinstance(i, pytest.Item))
