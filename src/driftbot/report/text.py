"""Plain text for people: one block per drift (its copies listed under it), a summary, next steps.

Also `concise`: one line per finding, `path:line:col: severity rule message`, for editors and
problem matchers.
"""

from __future__ import annotations

from driftbot.ftypes import Report, Severity
from driftbot.report.common import plural, severity_counts
from driftbot.report.escape import one_line, terminal
from driftbot.report.group import Group, group_findings
from driftbot.report.next_steps import next_steps
from driftbot.rules.catalog import RULES

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
SEVERITY_COLORS = {
    Severity.CRITICAL: "\033[1;31m",  # bold red
    Severity.HIGH: "\033[31m",
    Severity.MEDIUM: "\033[33m",
    Severity.LOW: "\033[36m",
    Severity.INFO: "\033[2m",  # dim
}


def render_text(report: Report, *, color: bool = False) -> str:
    lines: list[str] = []
    for group in group_findings(report.findings):
        lines.extend(_block(group, color))
        lines.append("")
    lines.append(summary_line(report))
    steps = next_steps(report.findings)
    if steps:
        lines.append("")
        lines.append(f"{BOLD}Next steps{RESET}" if color else "Next steps")
        lines.extend(f"  - {step}" for step in steps)
    return "\n".join(lines) + "\n"


def _block(group: Group, color: bool) -> list[str]:
    severity = group.severity.label
    if color:
        severity = f"{SEVERITY_COLORS[group.severity]}{severity}{RESET}"
    first = group.first
    folded = not group.same_values  # an info group: the values differ, say each one
    message = first.message if group.count == 1 or len({f.message for f in group.findings}) == 1 else None
    rule = RULES.get(group.rule)
    if message is None:
        message = f"{plural(group.count, 'finding')}: {rule.summary}" if rule else plural(group.count, "finding")
    head = terminal(one_line(message))
    if not folded and group.count > 1:
        head += f" (in {group.count} copies)"
    lines = [f"{severity}  {group.rule}  {head}"]
    if group.fix is not None and not folded:
        lines.append(f"  fix: {terminal(group.fix)}")
    why = group.why
    if why is not None:
        lines.append(f"  {terminal(why)}")
    for f in group.findings:
        where = terminal(str(f.location))
        if folded:
            where += f"  {terminal(one_line(f.message))}"
        lines.append(f"  {DIM}{where}{RESET}" if color else f"  {where}")
        own = group.own_why(f)  # a copy with other evidence says so
        if own is not None:
            lines.append(f"    {terminal(own)}")
    return lines


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


def render_concise(report: Report, *, color: bool = False) -> str:
    """`path:line:col: severity rule message`, one line per finding, by file and line."""
    lines = []
    for f in sorted(report.findings, key=lambda f: f.sort_key):
        severity = f.severity.label
        if color:
            severity = f"{SEVERITY_COLORS[f.severity]}{severity}{RESET}"
        lines.append(f"{terminal(one_line(str(f.location)))}: {severity} {f.rule} {terminal(one_line(f.message))}")
    return "".join(line + "\n" for line in lines)


DIFF_COLORS = (("+++", BOLD), ("---", BOLD), ("@@", "\033[36m"), ("+", "\033[32m"), ("-", "\033[31m"))


def color_diff(diff: str) -> str:
    """A unified diff for a terminal: headers bold, hunks cyan, additions green, removals red.

    Lines are made inert (`escape.terminal`) first: a file's content must not drive the terminal.
    """
    out = []
    for line in diff.splitlines(keepends=True):
        body = terminal(line.rstrip("\n"))
        style = next((c for prefix, c in DIFF_COLORS if body.startswith(prefix)), None)
        end = "\n" if line.endswith("\n") else ""
        out.append(f"{style}{body}{RESET}{end}" if style else body + end)
    return "".join(out)
