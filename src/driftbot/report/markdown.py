"""Markdown for PR comments and job summaries: one row per drift, a phase diagram, the next steps.

GitHub caps a comment at 65,536 characters and a job summary at 1 MiB, so `render_markdown`
can shrink to a limit: it drops the least severe drift rows first and says what it left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath
from urllib.parse import quote

from driftbot.ftypes import Finding, Report
from driftbot.report import escape
from driftbot.report.common import plural, severity_counts
from driftbot.report.group import Group, group_findings
from driftbot.report.next_steps import next_steps
from driftbot.rules.catalog import RULES

DEFAULT_SEE = "see the job summary / JSON report"
DRIFTED_STYLE = "fill:#ffebe9,stroke:#cf222e,color:#82071e"
CLEAN_STYLE = "fill:#dafbe1,stroke:#1a7f37,color:#044f1e"


@dataclass(frozen=True)
class SourceLinks:
    """Where a location's blob lives: `{server}/{repository}/blob/{sha}/{path}#L{line}`."""

    server_url: str
    repository: str
    sha: str

    def url(self, path: str, line: int) -> str:
        anchor = f"#L{line}" if line > 0 else ""
        return f"{self.server_url.rstrip('/')}/{self.repository}/blob/{self.sha}/{quote(path, safe='/')}{anchor}"


def render_markdown(
    report: Report,
    *,
    limit: int | None = None,
    see: str = DEFAULT_SEE,
    links: SourceLinks | None = None,
    pull_request: bool = False,
) -> str:
    """The report as GitHub-flavoured markdown, at most `limit` UTF-8 bytes when a limit is given.

    Bytes, not characters: a byte count is never below the character count, so one limit is
    safe for both GitHub caps. `see` says where the findings that did not fit can be read.
    `links`: locations link to the audited commit (plain text without). `pull_request`: the next
    steps offer the `/driftbot fix` comment.
    """
    # Most severe first, so that keeping a prefix keeps what matters most.
    view = _View(report, group_findings(report.findings), see, links, pull_request)
    full = view.render(kept=len(view.groups), diagram=True)
    if limit is None or _size(full) <= limit:
        return full
    # The diagram goes only when not even the frame fits with it.
    for diagram in (True, False):
        fitted = _largest_fit(view, limit, diagram)
        if fitted is not None:
            return fitted
    return _truncate(view.render(kept=len(view.groups), diagram=False), limit, see)


def _largest_fit(view: _View, limit: int, diagram: bool) -> str | None:
    """The rendering of the longest prefix of the groups that fits; binary search keeps big reports fast."""
    low, high, best = 0, len(view.groups) - 1, None
    while low <= high:
        mid = (low + high) // 2
        text = view.render(kept=mid, diagram=diagram)
        if _size(text) <= limit:
            best, low = text, mid + 1
        else:
            high = mid - 1
    return best


def render_markdown_full(report: Report, *, color: bool = False) -> str:
    """Registry entry: the whole report, no limit (`color` does not apply to markdown)."""
    return render_markdown(report)


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _truncate(text: str, limit: int, see: str) -> str:
    """Cut at a line break (no fence is open: the diagram is gone by now) and say so."""
    note = f"\n\n… truncated; {see}\n"
    room = limit - _size(note)
    if room <= 0:
        return note.lstrip("\n").encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    head = text.encode("utf-8")[:room].decode("utf-8", errors="ignore")
    return head[: head.rfind("\n") + 1].rstrip("\n") + note


@dataclass(frozen=True)
class _View:
    report: Report
    groups: list[Group]
    see: str
    links: SourceLinks | None
    pull_request: bool

    def render(self, *, kept: int, diagram: bool) -> str:
        shown, dropped = self.groups[:kept], self.groups[kept:]
        parts = [_title(self.report), _phase_diagram(self.report) if diagram else "", _drift_table(shown, self.links)]
        if dropped:
            parts.append(_omitted_note([f for g in dropped for f in g.findings], self.see))
        parts.append(_next_steps(self.report, self.pull_request))
        return "\n\n".join(p for p in parts if p) + "\n"


def _title(report: Report) -> str:
    scanned = f"{plural(report.files_scanned, 'file')} scanned, {plural(len(report.bindings), 'binding')}"
    if not report.findings:
        return f"## driftbot: no drift\n\n{scanned}."
    files = len({f.location.path for f in report.findings})
    by_severity = ", ".join(f"{n} {s.label}" for s, n in severity_counts(report.findings))
    head = f"## driftbot: {plural(len(report.findings), 'finding')} in {plural(files, 'file')}"
    return f"{head}\n\n{by_severity}; {scanned}."


def _drift_table(groups: list[Group], links: SourceLinks | None) -> str:
    """One row per drift, most severe first; several locations fold under `<details>`."""
    if not groups:
        return ""
    rows = ["| Severity | Confidence | Rule | Drift | Where |", "| --- | --- | --- | --- | --- |"]
    for g in groups:
        cells = (g.severity.label, g.confidence, _code(g.rule), _drift_cell(g), _where_cell(g, links))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _drift_cell(group: Group) -> str:
    first = group.first
    if group.same_values and group.fix is not None:
        if first.actual is not None and first.expected is not None:
            what = f"{_code(repr(first.actual))} -> {_code(repr(first.expected))}"
        elif first.expected is not None:
            what = f"add {_code(repr(first.expected))}"
        else:
            what = f"remove {_code(repr(first.actual))}"
    elif group.count == 1 or len({f.message for f in group.findings}) == 1:
        what = _cell(first.message)
    else:
        rule = RULES.get(group.rule)
        what = _cell(rule.summary if rule else first.message)
    what += f" in {group.count} copies" if group.count > 1 and group.same_values else ""
    if group.evidence:  # what most copies share; the JSON report has each copy's own
        what += " <sub>(" + _cell("; ".join(group.evidence)) + ")</sub>"
    return what


def _where_cell(group: Group, links: SourceLinks | None) -> str:
    values = not group.same_values  # a folded info group: say which value each location holds
    items = [_location(f, links) + (f" {_code(f.actual)}" if values and f.actual else "") for f in group.findings]
    if len(items) == 1:
        return items[0]
    noun = plural(group.files, "file") if group.files == group.count else plural(group.count, "location")
    return f"<details><summary>{noun}</summary>{'<br>'.join(items)}</details>"


def _location(finding: Finding, links: SourceLinks | None) -> str:
    loc = finding.location
    text = f"{loc.path}:{loc.line}"
    if links is None:
        return _code(text)
    return f"[{_cell(text)}]({links.url(loc.path, loc.line)})"


def _next_steps(report: Report, pull_request: bool) -> str:
    steps = next_steps(report.findings, pull_request=pull_request)
    if not steps:
        return ""
    return "**Next steps**\n\n" + "\n".join(f"- {step}" for step in steps)


def _omitted_note(dropped: list[Finding], see: str) -> str:
    counts = severity_counts(dropped)
    if len(counts) == 1:
        severity, n = counts[0]
        what = f"{n} more {severity.label} {'finding' if n == 1 else 'findings'}"
    else:
        detail = ", ".join(f"{n} {s.label}" for s, n in counts)
        what = f"{len(dropped)} more findings ({detail})"
    return f"… {what} not shown; {see}"


def _phase_diagram(report: Report) -> str:
    """A mermaid flowchart of the phases in order; drifted phases red, the others green."""
    if not report.phases:
        return ""
    per_phase = findings_per_phase(report)
    nodes = {phase: _node_id(phase) for phase in report.phases}
    lines = ["```mermaid", "flowchart LR"]
    for phase, node in nodes.items():
        n = per_phase.get(phase, 0)
        label = f"{phase}: {plural(n, 'finding')}" if n else f"{phase}: in sync"
        lines.append(f'  {node}["{_mermaid_text(label)}"]')
    lines.extend(f"  {a} --> {b}" for a, b in pairwise(nodes.values()))
    lines.append(f"  classDef drifted {DRIFTED_STYLE}")
    lines.append(f"  classDef clean {CLEAN_STYLE}")
    for style, wanted in (("drifted", True), ("clean", False)):
        members = [node for phase, node in nodes.items() if (phase in per_phase) == wanted]
        if members:
            lines.append(f"  class {','.join(members)} {style}")
    lines.append("```")
    return "\n".join(lines)


def findings_per_phase(report: Report) -> dict[str, int]:
    """How many findings concern each phase of `report.phases` (findings of no phase are left out)."""
    bound = {(b.collection.path, b.collection.symbol): b.ssot_list for b in report.bindings}
    # An SSOT file seen with a bound finding belongs to that binding's phase, whatever its name.
    learned: dict[str, str] = {}
    for f in report.findings:
        phase = bound.get((f.location.path, f.symbol or ""))
        if phase is not None and f.ssot is not None:
            learned.setdefault(f.ssot, phase)
    counts: Counter[str] = Counter()
    for f in report.findings:
        phase = bound.get((f.location.path, f.symbol or "")) or _phase_of_ssot(f.ssot, learned, report.phases)
        if phase in report.phases:
            counts[phase] += 1
    return dict(counts)


def _phase_of_ssot(ssot: str | None, learned: dict[str, str], phases: tuple[str, ...]) -> str | None:
    """`ssot/processors/phase2_raw_processors.yaml` -> `phase2` (never `phase20`)."""
    if ssot is None:
        return None
    if ssot in learned:
        return learned[ssot]
    stem = PurePosixPath(ssot).stem
    return next((p for p in phases if re.match(rf"{re.escape(p)}(?![0-9A-Za-z])", stem)), None)


def _node_id(phase: str) -> str:
    return "p_" + re.sub(r"[^A-Za-z0-9_]", "_", phase)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, line breaks, raw HTML, links or mentions."""
    return escape.markdown(text)


def _code(text: str) -> str:
    """An inline code span in a table cell that survives backticks and pipes in `text`."""
    return escape.code(text, table=True)
