"""Every rule driftbot knows: id, default severity, summary, and examples that are also its tests.

The README's rules table and docs/rules.md are generated from this file (`python -m driftbot.rules.docs`).
"""

from __future__ import annotations

from dataclasses import dataclass

from driftbot.ftypes import Finding, Location, Severity


@dataclass(frozen=True)
class Example:
    """Files (path, text) on top of the project's own SSOT; `expect`: `path:line:col` of each finding of the rule."""

    files: tuple[tuple[str, str], ...]
    expect: tuple[str, ...] = ()  # empty: a valid example, the rule must stay silent


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    fixable: bool = False
    examples: tuple[Example, ...] = ()


_P2_GOOD = (
    "EXPECTED_PROCESSORS = [\n    'bdl_player_boxscores',\n    'bigdataball_play_by_play',\n"
    "    'odds_api_game_lines',\n    'nbac_schedule',\n    'nbac_gamebook_player_stats',\n"
    "    'br_rosters_current',\n]\n"
)
_P2_STALE = _P2_GOOD.replace("'br_rosters_current'", "'br_roster'")
_P2_SHORT = _P2_GOOD.replace("    'br_rosters_current',\n", "")
_P2_TWICE = _P2_GOOD.replace("    'br_rosters_current',\n", "    'br_rosters_current',\n    'nbac_schedule',\n")


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        Rule(
            "unknown-name",
            Severity.HIGH,
            "A bound collection holds a name that is not in its SSOT list (with a rename suggestion).",
            True,
            (Example((("cfg.py", _P2_STALE),), ("cfg.py:7:5",)), Example((("cfg.py", _P2_GOOD),))),
        ),
        Rule(
            "missing-name",
            Severity.HIGH,
            "An SSOT name is missing from a bound collection.",
            True,
            (Example((("cfg.py", _P2_SHORT),), ("cfg.py:1:23",)), Example((("cfg.py", _P2_GOOD),))),
        ),
        Rule(
            "duplicate-name",
            Severity.MEDIUM,
            "A bound collection holds the same name twice.",
            True,
            (Example((("cfg.py", _P2_TWICE),), ("cfg.py:8:5",)), Example((("cfg.py", _P2_GOOD),))),
        ),
        Rule(
            "count-mismatch",
            Severity.HIGH,
            "A bound list of processor names has a size other than the SSOT `expected_count`.",
            False,
            (Example((("cfg.py", _P2_SHORT),), ("cfg.py:1:23",)), Example((("cfg.py", _P2_GOOD),))),
        ),
        Rule(
            "copy-divergence",
            Severity.MEDIUM,
            "Copies of the same symbol (same name, same SSOT list) differ between files.",
            False,
            (
                Example((("a.py", _P2_GOOD), ("b.py", _P2_GOOD), ("c.py", _P2_STALE)), ("c.py:1:23",)),
                Example((("a.py", _P2_GOOD), ("b.py", _P2_GOOD))),
            ),
        ),
        Rule(
            "unparsable-file",
            Severity.INFO,
            "A file that mentions SSOT names could not be parsed; it was skipped and never modified.",
            False,
            (Example((("bad.py", "X = ['nbac_schedule', 'br_rosters_current'\ndef (:\n"),), ("bad.py:2:1",)),),
        ),
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
