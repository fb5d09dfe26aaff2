"""Every rule driftbot knows: id, default severity, one-line summary. The README table mirrors this."""

from __future__ import annotations

from dataclasses import dataclass

from driftbot.ftypes import Finding, Location, Severity


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    fixable: bool = False


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule("unknown-name", Severity.HIGH, "A bound collection holds a name that is not in its SSOT list.", True),
        Rule("missing-name", Severity.HIGH, "An SSOT name is missing from a bound collection.", True),
        Rule("duplicate-name", Severity.MEDIUM, "A bound collection holds the same name twice.", True),
        Rule("count-mismatch", Severity.HIGH, "A bound collection's size differs from the SSOT `expected_count`."),
        Rule("copy-divergence", Severity.MEDIUM, "Copies of the same symbol differ between files."),
        Rule("unparsable-file", Severity.INFO, "A file could not be parsed; it was skipped, never modified."),
        Rule("expired-suppression", Severity.LOW, "An ignore-file entry is past its `expires` date."),
    )
}


def finding(rule_id: str, location: Location, message: str, **fields: object) -> Finding:
    """Build a Finding with the rule's default severity and fixability."""
    rule = RULES[rule_id]
    fields.setdefault("severity", rule.severity)
    fields.setdefault("fixable", rule.fixable)
    return Finding(rule=rule_id, location=location, message=message, **fields)  # type: ignore[arg-type]
