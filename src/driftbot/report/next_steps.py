"""What to do about a report, in words every renderer shows: the exact fix command, what info means.

Sentences use backticks for commands and rule ids; markdown shows them as code, text as they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from driftbot.ftypes import Finding, Severity
from driftbot.report.common import plural

FIX_LOCAL = "{what} can be fixed automatically: run `driftbot fix` (`driftbot fix --dry-run` shows the diff first)."
FIX_PR = (
    "{what} can be fixed automatically: comment `/driftbot fix` on this pull request, "
    "or run `driftbot fix` in your checkout."
)
UNSURE = (
    "{what} {verb} a planned fix driftbot is not certain of: review it with "
    "`driftbot fix --confidence {level} --dry-run`, then apply it without `--dry-run`."
)
MANUAL = "{what} a change by hand: each rule is explained in docs/rules.md."
INFO = "{what} (`{rule}`): {meaning} Info never fails the run."
INFO_MEANINGS = {
    "unmanaged-table": (
        "tables that exist in an inventory but that no SSOT processor writes. Add them to the SSOT, "
        "or list them in the ignore file when they are meant to stay unmanaged."
    ),
    "unparsable-file": "files driftbot could not parse; they were skipped and never modified.",
    "unparsable-sql": "SQL statements driftbot could not parse; they were skipped, the rest of each file was read.",
}
DEFAULT_MEANING = "context for a reviewer, not drift."


def next_steps(findings: Sequence[Finding], *, pull_request: bool = False) -> list[str]:
    """One sentence per step; empty when there is nothing to do."""
    steps: list[str] = []
    fixable = [f for f in findings if f.fixable and f.confidence == "certain"]
    if fixable:
        steps.append((FIX_PR if pull_request else FIX_LOCAL).format(what=_findings(len(fixable))))
    unsure = [f for f in findings if f.fixable and f.confidence != "certain"]
    if unsure:
        n = len(unsure)
        level = "possible" if any(f.confidence == "possible" for f in unsure) else "likely"
        steps.append(UNSURE.format(what=_findings(n), verb="has" if n == 1 else "have", level=level))
    manual = [f for f in findings if not f.fixable and f.severity > Severity.INFO]
    if manual:
        steps.append(MANUAL.format(what=_findings(len(manual)) + (" needs" if len(manual) == 1 else " need")))
    info = Counter(f.rule for f in findings if not f.fixable and f.severity == Severity.INFO)
    for rule, n in sorted(info.items()):
        meaning = INFO_MEANINGS.get(rule, DEFAULT_MEANING)
        steps.append(INFO.format(what=plural(n, "info finding"), rule=rule, meaning=meaning[0].upper() + meaning[1:]))
    return steps


def _findings(n: int) -> str:
    return "1 finding" if n == 1 else f"{n} findings"
