"""Plain text for people: findings grouped by file, the fix under each, one summary line."""

from __future__ import annotations

from itertools import groupby

from driftbot.ftypes import Report, Severity
from driftbot.report.common import fix_text, plural, severity_counts, why_text
from driftbot.report.escape import terminal

RESET = "\033[0m"
BOLD = "\033[1m"
SEVERITY_COLORS = {
    Severity.CRITICAL: "\033[1;31m",  # bold red
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",  # dim
}


def render_text(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    findings = sorted(report.findings, key=lambda f: f.sort_key)
    for path, group in groupby(findings, key=lambda f: f.location.path):
        items = list(group)
        shown = terminal(path)  # a file name may hold ESC, a newline or `::warning::`
        lines.append(f"{BOLD}{shown}{RESET}" if color else shown)
        # Columns line up within a file so the eye can scan severities and rules.
        where_width = max(len(f"{f.location.line}:{f.location.column}") for f in items)
        severity_width = max(len(f.severity.label) for f in items)
        rule_width = max(len(f.rule) for f in items)
        for f in items:
            where = f"{f.location.line}:{f.location.column}".ljust(where_width)
            severity = f.severity.label.ljust(severity_width)
            if color:
                severity = f"{SEVERITY_COLORS[f.severity]}{f.severity.label}{RESET}" + severity[len(f.severity.label) :]
            lines.append(f"  {where}  {severity}  {f.rule.ljust(rule_width)}  {terminal(f.message)}")
            fix = fix_text(f)
            if fix is not None:
                lines.append(f"    fix: {terminal(fix)}")
            why = why_text(f)
            if why is not None:
                lines.append(f"    {terminal(why)}")
        lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def summary_line(report: Report) -> str:
    scanned = f"{plural(report.files_scanned, 'file')} scanned, {plural(len(report.bindings), 'binding')}"
    if not report.findings:
        return f"No drift: {scanned}."
    by_severity = ", ".join(f"{n} {s.label}" for s, n in severity_counts(report.findings))
    possible = sum(f.confidence == "possible" for f in report.findings)
    if possible:
        by_severity += f"; {possible} possible, counted as info"
    files = len({f.location.path for f in report.findings})
    return f"{plural(len(report.findings), 'finding')} ({by_severity}) in {plural(files, 'file')}; {scanned}"
