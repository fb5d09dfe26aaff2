"""The explicit registry of checkers. A checker reads the AuditContext and yields Findings.

A checker's module is imported when the checker is looked up, so what needs only the rule catalog
(`rules.catalog`: suppressions, renderers) imports no rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Protocol

from driftbot.lazy import OnUse

if TYPE_CHECKING:
    from driftbot.context import AuditContext
    from driftbot.ftypes import Finding


class Checker(Protocol):
    def __call__(self, ctx: AuditContext) -> Iterable[Finding]: ...


CHECKERS: Mapping[str, Checker] = OnUse(
    {
        "names": ("driftbot.rules.names", "check"),
        "lists": ("driftbot.rules.lists", "check"),
        "registry": ("driftbot.rules.registry", "check"),
        "sql": ("driftbot.rules.sql", "check"),
        "mirror": ("driftbot.rules.mirror", "check"),
        "infra": ("driftbot.rules.infra", "check"),
        "inventory": ("driftbot.rules.inventory", "check"),
    }
)
