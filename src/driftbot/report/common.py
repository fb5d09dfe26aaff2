"""Small pieces every renderer shares: how a fix is described and how severities are counted."""

from __future__ import annotations

from collections import Counter

from driftbot.ftypes import Finding, Report, Severity
from driftbot.rules.catalog import RULES, Rule


def fix_text(finding: Finding) -> str | None:
    """The planned fix in words (`'a' -> 'b'`, `add 'b'`, `remove 'a'`), or None when not fixable."""
    if not finding.fixable:
        return None
    if finding.actual is not None and finding.expected is not None:
        return f"{finding.actual!r} -> {finding.expected!r}"
    if finding.expected is not None:
        return f"add {finding.expected!r}"
    if finding.actual is not None:
        return f"remove {finding.actual!r}"
    return None


def why_text(finding: Finding) -> str | None:
    """Confidence and evidence in words (`certain: 7 copies of X; size 6 = SSOT phase 2 (6)`).

    None for a finding at the default confidence with no evidence: there is nothing to add.
    """
    if not finding.evidence and finding.confidence == "likely":
        return None
    if not finding.evidence:
        return finding.confidence
    return f"{finding.confidence}: " + "; ".join(finding.evidence)


def severity_counts(findings: tuple[Finding, ...] | list[Finding]) -> list[tuple[Severity, int]]:
    """Non-zero counts per severity, highest severity first."""
    counts = Counter(f.severity for f in findings)
    return [(s, counts[s]) for s in sorted(counts, reverse=True)]


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def rules_for(report: Report) -> list[Rule]:
    """Every catalogued rule, then any rule a finding names that the catalog does not know (yet)."""
    rules = list(RULES.values())
    known = set(RULES)
    for f in report.findings:
        if f.rule not in known:
            known.add(f.rule)
            rules.append(Rule(f.rule, f.severity, f.rule, f.fixable))
    return rules
