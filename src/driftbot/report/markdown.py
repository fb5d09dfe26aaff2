"""Markdown for PR comments and job summaries: summary table, findings by rule, a phase diagram.

GitHub caps a comment at 65,536 characters and a job summary at 1 MiB, so `render_markdown`
can shrink to a limit: it drops the least severe findings first and says what it left out.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import groupby, pairwise
from pathlib import PurePosixPath

from driftbot.ftypes import Finding, Report, Severity
from driftbot.report import escape
from driftbot.report.common import fix_text, plural, severity_counts
from driftbot.rules.catalog import RULES

DEFAULT_SEE = "see the job summary / JSON report"
DRIFTED_STYLE = "fill:#ffebe9,stroke:#cf222e,color:#82071e"
CLEAN_STYLE = "fill:#dafbe1,stroke:#1a7f37,color:#044f1e"


def render_markdown(report: Report, *, limit: int | None = None, see: str = DEFAULT_SEE) -> str:
    """The report as GitHub-flavoured markdown, at most `limit` UTF-8 bytes when a limit is given.

    Bytes, not characters: a byte count is never below the character count, so one limit is
    safe for both GitHub caps. `see` says where the findings that did not fit can be read.
    """
    # Most severe first, so that keeping a prefix keeps what matters most.
    ranked = sorted(report.findings, key=lambda f: (-f.effective_severity, -f.severity, f.sort_key))
    full = _render(report, ranked, kept=len(ranked), see=see, diagram=True)
    if limit is None or _size(full) <= limit:
        return full
    # The diagram goes only when not even the frame fits with it.
    for diagram in (True, False):
        fitted = _largest_fit(report, ranked, limit, see, diagram)
        if fitted is not None:
            return fitted
    return _truncate(_render(report, ranked, kept=len(ranked), see=see, diagram=False), limit, see)


def _largest_fit(report: Report, ranked: list[Finding], limit: int, see: str, diagram: bool) -> str | None:
    """The rendering of the longest prefix of `ranked` that fits; binary search keeps big reports fast."""
    low, high, best = 0, len(ranked) - 1, None
    while low <= high:
        mid = (low + high) // 2
        text = _render(report, ranked, kept=mid, see=see, diagram=diagram)
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


def _render(report: Report, ranked: list[Finding], *, kept: int, see: str, diagram: bool) -> str:
    shown = sorted(ranked[:kept], key=lambda f: f.sort_key)
    dropped = ranked[kept:]
    parts = [_title(report), _summary_table(report), _phase_diagram(report) if diagram else ""]
    parts.extend(_rule_section(rule, list(items)) for rule, items in groupby(_by_rule(shown), key=lambda f: f.rule))
    if dropped:
        parts.append(_omitted_note(dropped, see))
    return "\n\n".join(p for p in parts if p) + "\n"


def _title(report: Report) -> str:
    scanned = f"{plural(report.files_scanned, 'file')} scanned, {plural(len(report.bindings), 'binding')}"
    if not report.findings:
        return f"## driftbot: no drift\n\n{scanned}."
    files = len({f.location.path for f in report.findings})
    return f"## driftbot: {plural(len(report.findings), 'finding')} in {plural(files, 'file')}\n\n{scanned}."


def _summary_table(report: Report) -> str:
    if not report.findings:
        return ""
    rows = [f"| {s.label} | {n} |" for s, n in severity_counts(report.findings)]
    return "\n".join(["| Severity | Findings |", "| --- | ---: |", *rows])


def _by_rule(findings: list[Finding]) -> list[Finding]:
    """Sections ordered by the rule's most severe finding, then rule id; rows by file and line."""
    worst: dict[str, Severity] = {}
    for f in findings:
        worst[f.rule] = max(worst.get(f.rule, f.severity), f.severity)
    return sorted(findings, key=lambda f: (-worst[f.rule], f.rule, f.sort_key))


def _rule_section(rule_id: str, findings: list[Finding]) -> str:
    rule = RULES.get(rule_id)
    about = f": {rule.summary}" if rule else ""
    lines = [
        f"### `{rule_id}` ({plural(len(findings), 'finding')}){about}",
        "",
        "| Location | Severity | Confidence | Message | Fix |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in findings:
        fix = fix_text(f)
        where = _code(f"{f.location.path}:{f.location.line}")
        message = _cell(f.message)
        if f.evidence:
            message += " <sub>(" + _cell("; ".join(f.evidence)) + ")</sub>"
        cells = (where, f.severity.label, f.confidence, message, _code(fix) if fix else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


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
