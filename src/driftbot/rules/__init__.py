"""The explicit registry of checkers. A checker reads the AuditContext and yields Findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from driftbot.context import AuditContext
from driftbot.ftypes import Finding
from driftbot.rules import infra, inventory, lists, mirror, names, registry, sql

Checker = Callable[[AuditContext], Iterable[Finding]]

CHECKERS: dict[str, Checker] = {
    "names": names.check,
    "lists": lists.check,
    "registry": registry.check,
    "sql": sql.check,
    "mirror": mirror.check,
    "infra": infra.check,
    "inventory": inventory.check,
}
