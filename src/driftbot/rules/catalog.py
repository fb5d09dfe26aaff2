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
        Rule("unknown-table", Severity.MEDIUM, "A monitoring query reads an SSOT-dataset table the SSOT lacks.", True),
        Rule("stale-comment-name", Severity.LOW, "A SQL comment names a near-miss of an SSOT table.", True),
        Rule("unparsable-sql", Severity.INFO, "A SQL statement could not be parsed; it was skipped."),
        Rule("mirror-divergence", Severity.MEDIUM, "A mirrored file is missing in a copy, or differs.", True),
        Rule("sla-breach", Severity.CRITICAL, "A scheduler job fires after its SLA deadline on some day."),
        Rule("schedule-mismatch", Severity.HIGH, "A scheduler job's schedule differs from the SSOT."),
        Rule("time-zone-mismatch", Severity.HIGH, "A scheduler job's time zone differs from the SSOT."),
        Rule("topic-missing", Severity.HIGH, "An SSOT topic is not created/deployed, or a topic is not in the SSOT."),
        Rule(
            "subscription-endpoint-mismatch",
            Severity.HIGH,
            "A subscription is missing or delivers elsewhere than its SSOT topic/push endpoint.",
        ),
        Rule("dead-letter-missing", Severity.MEDIUM, "A subscription lacks its SSOT dead-letter topic or policy."),
        Rule("scheduler-job-missing", Severity.HIGH, "An SSOT scheduler job is not created/deployed, or vice versa."),
        Rule("endpoint-missing", Severity.HIGH, "A job or service calls/serves an endpoint other than the SSOT's."),
        Rule("service-unreachable", Severity.HIGH, "A service's health endpoint did not answer 2xx (--probe-http)."),
    )
}


def finding(rule_id: str, location: Location, message: str, **fields: object) -> Finding:
    """Build a Finding with the rule's default severity and fixability."""
    rule = RULES[rule_id]
    fields.setdefault("severity", rule.severity)
    fields.setdefault("fixable", rule.fixable)
    return Finding(rule=rule_id, location=location, message=message, **fields)  # type: ignore[arg-type]
