"""One drift, one row: findings that are the same drift in several copies become one `Group`.

The same drift is the same rule, severity, confidence, actual and expected value, and the same message once the
file's own path is taken out of it (`'br_roster' -> 'br_rosters_current'` in 10 vendored copies).
Info findings of a rule form one group whatever their values: they are context (tables nobody
writes, files that could not be parsed), one line of it is enough. Every renderer that shows rows
(text, markdown) groups through here, so a PR comment, a job summary and a terminal agree.

Pure: no I/O. Groups come most severe first, then the most copies first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from driftbot.ftypes import Finding, Severity
from driftbot.report.common import fix_text, why_text

GroupKey = tuple[str, Severity, str, str | None, str | None, str]


@dataclass(frozen=True)
class Group:
    findings: tuple[Finding, ...]  # by file and line; never empty

    @property
    def first(self) -> Finding:
        return self.findings[0]

    @property
    def rule(self) -> str:
        return self.first.rule

    @property
    def severity(self) -> Severity:
        return self.first.severity

    @property
    def effective_severity(self) -> Severity:
        return max(f.effective_severity for f in self.findings)

    @property
    def confidence(self) -> str:
        return self.first.confidence if len({f.confidence for f in self.findings}) == 1 else "mixed"

    @property
    def why(self) -> str | None:
        """Confidence and evidence in words (`common.why_text`) that most copies share."""
        return Counter(why_text(f) for f in self.findings).most_common(1)[0][0]

    @property
    def evidence(self) -> tuple[str, ...]:
        """The evidence most copies share (a copy with other evidence says so on its own line)."""
        return Counter(f.evidence for f in self.findings).most_common(1)[0][0]

    def own_why(self, finding: Finding) -> str | None:
        """`finding`'s confidence and evidence when they differ from the group's."""
        why = why_text(finding)
        return why if why != self.why else None

    @property
    def count(self) -> int:
        return len(self.findings)

    @property
    def fix(self) -> str | None:
        """The planned fix, when every copy has the same one."""
        fixes = {fix_text(f) for f in self.findings}
        return fixes.pop() if len(fixes) == 1 else None

    @property
    def same_values(self) -> bool:
        """All copies hold the same actual/expected values (false for a folded info group)."""
        return len({(f.actual, f.expected) for f in self.findings}) == 1

    @property
    def files(self) -> int:
        return len({f.location.path for f in self.findings})


def drift_key(finding: Finding) -> GroupKey:
    if finding.severity == Severity.INFO:
        return (finding.rule, finding.severity, "", None, None, "")
    message = finding.message.replace(finding.location.path, "") if finding.location.path else finding.message
    return (finding.rule, finding.severity, finding.confidence, finding.actual, finding.expected, message)


def group_findings(findings: Iterable[Finding]) -> list[Group]:
    """Findings folded into groups, most severe first, then most copies, then rule and first location."""
    buckets: dict[GroupKey, list[Finding]] = {}
    for f in findings:
        buckets.setdefault(drift_key(f), []).append(f)
    groups = [Group(tuple(sorted(items, key=lambda f: f.sort_key))) for items in buckets.values()]
    # `possible` drift counts as info for the order too, as it does for exit codes.
    return sorted(groups, key=lambda g: (-g.effective_severity, -g.severity, -g.count, g.rule, g.first.sort_key))
