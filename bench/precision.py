"""Precision benchmark: driftbot on a realistic corpus whose expected findings are labelled.

The corpus (bench/corpus/realistic/) is a trimmed NBA props platform: vendored config copies, Cloud
Functions, backfill jobs, monitoring and validation SQL, BigQuery DDL, with the br_roster incident, a
handful of other real drifts and the shapes of real code that must not be reported. Its labels.yml
lists every finding driftbot should report (rule, path, line, value) and, for fixable ones, the exact
line `driftbot fix` must produce. Everything else driftbot reports is a false positive; every other
line `fix` changes is a wrong edit.

Usage: python bench/precision.py [--corpus DIR] [--strict] [--no-likely]
(--strict: exit 1 when a goal is missed: high/critical precision >= 95%, incident recall 100%,
`fix` completes with 0 wrong edits. `fix --confidence likely`, the opt-in renames, is scored too
unless --no-likely; it is reported, not a goal.)
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CORPUS = Path(__file__).resolve().parent / "corpus" / "realistic"
LABELS_FILE = "labels.yml"
HIGH = frozenset({"critical", "high"})
GOAL_HIGH_PRECISION = 0.95
GOAL_INCIDENT_RECALL = 1.0
# Reported at the collection, naming the value it lacks (not on the label's line).
NAMED_ELSEWHERE = frozenset({"missing-name", "unregistered-processor"})


@dataclass(frozen=True)
class Label:
    """One expected finding, and what `fix` must do with its line."""

    rule: str
    path: str
    line: int
    value: str
    column: int | None = None
    incident: bool = False
    fix: str | None = None  # line `line` becomes exactly this
    fix_insert: str | None = None  # this line is inserted into the file
    fix_delete: bool = False  # line `line` is removed
    why: str = ""

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule, self.path, self.line, self.value)

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column or 0}"


@dataclass(frozen=True)
class Shape:
    """Code that must not be reported; names the shape a false positive falls in."""

    path: str
    shape: str
    lines: tuple[int, int] | None = None

    def covers(self, path: str, line: int) -> bool:
        inside = path == self.path or (self.path.endswith("/") and path.startswith(self.path))
        return inside and (self.lines is None or self.lines[0] <= line <= self.lines[1])


@dataclass(frozen=True)
class Found:
    """One finding of the JSON report, reduced to what is scored."""

    rule: str
    path: str
    line: int
    column: int
    value: str
    severity: str
    confidence: str
    message: str

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule, self.path, self.line, self.value)

    @property
    def effective_severity(self) -> str:
        """As driftbot's exit codes see it: a `possible` finding counts as info."""
        return "info" if self.confidence == "possible" else self.severity

    def where(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class RuleScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class AuditScore:
    findings: list[Found]
    matched: list[tuple[Label, Found]]
    false_positives: list[Found]
    missed: list[Label]

    def per_rule(self) -> dict[str, RuleScore]:
        scores: dict[str, RuleScore] = {}
        for label, _ in self.matched:
            scores.setdefault(label.rule, RuleScore()).tp += 1
        for found in self.false_positives:
            scores.setdefault(found.rule, RuleScore()).fp += 1
        for label in self.missed:
            scores.setdefault(label.rule, RuleScore()).fn += 1
        return dict(sorted(scores.items()))

    def total(self) -> RuleScore:
        return RuleScore(len(self.matched), len(self.false_positives), len(self.missed))

    def high(self) -> tuple[int, int]:
        """(true positives, all findings) among high/critical findings (effective severity)."""
        hits = sum(1 for _, found in self.matched if found.effective_severity in HIGH)
        return hits, sum(1 for found in self.findings if found.effective_severity in HIGH)

    @property
    def high_precision(self) -> float:
        hits, total = self.high()
        return hits / total if total else 1.0

    def incident(self) -> tuple[int, int]:
        labels = [label for label, _ in self.matched if label.incident]
        return len(labels), len(labels) + sum(1 for label in self.missed if label.incident)

    @property
    def incident_recall(self) -> float:
        hits, total = self.incident()
        return hits / total if total else 1.0


@dataclass(frozen=True)
class Edit:
    """One changed line: `old` replaced by `new`; None on one side for an insert or a delete."""

    path: str
    old_line: int | None  # 1-based line of the original file (None: pure insert)
    old: str | None
    new: str | None

    def describe(self) -> str:
        where = f"{self.path}:{self.old_line}" if self.old_line else f"{self.path} (inserted)"
        if self.old is None:
            return f"{where}: + {self.new!r}"
        if self.new is None:
            return f"{where}: - {self.old!r}"
        return f"{where}: {self.old!r} -> {self.new!r}"


@dataclass
class FixScore:
    exit_code: int
    aborted: str | None  # the error line when `fix` refused to write; the --dry-run plan is scored
    right: list[Edit] = field(default_factory=list)
    wrong: list[Edit] = field(default_factory=list)
    missed: list[Label] = field(default_factory=list)

    @property
    def made(self) -> int:
        return len(self.right) + len(self.wrong)


@dataclass
class Result:
    corpus: Path
    files: int
    labels: list[Label]
    shapes: list[Shape]
    audit: AuditScore
    fix: FixScore
    fix_likely: FixScore | None = None  # `fix --confidence likely`: the opt-in renames, when measured

    def goals(self) -> dict[str, bool]:
        return {
            "high/critical precision >= 95%": self.audit.high_precision >= GOAL_HIGH_PRECISION,
            "incident recall 100%": self.audit.incident_recall >= GOAL_INCIDENT_RECALL,
            "fix completes": self.fix.aborted is None,
            "0 wrong fix edits": not self.fix.wrong,
        }


# --- labels -------------------------------------------------------------------------------------


def load_labels(corpus: Path) -> tuple[list[Label], list[Shape]]:
    """Read labels.yml and check each label against the corpus (its line holds its value)."""
    data: dict[str, Any] = yaml.safe_load((corpus / LABELS_FILE).read_text(encoding="utf-8"))
    labels = [Label(**entry) for entry in data.get("findings", [])]
    shapes = [
        Shape(entry["path"], entry["shape"], tuple(entry["lines"]) if "lines" in entry else None)
        for entry in data.get("shapes", [])
    ]
    for label in labels:
        lines = (corpus / label.path).read_text(encoding="utf-8").splitlines()
        text = lines[label.line - 1] if 0 < label.line <= len(lines) else ""
        if label.rule not in NAMED_ELSEWHERE and label.value not in text:
            raise ValueError(f"{LABELS_FILE}: {label.where()} does not hold {label.value!r}: {text!r}")
        if label.fix is not None and label.fix == text:
            raise ValueError(f"{LABELS_FILE}: {label.where()}: fix equals the line as it is")
    return labels, shapes


# --- running driftbot ---------------------------------------------------------------------------


def scratch_copy(corpus: Path, into: Path) -> Path:
    repo = into / "repo"
    shutil.copytree(corpus, repo, ignore=shutil.ignore_patterns(LABELS_FILE, "__pycache__"))
    return repo


def driftbot(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "driftbot", *args], capture_output=True, text=True, env=env)
    if "Traceback (most recent call last)" in done.stderr:  # a crash exits 1 too: never score it as edits
        raise RuntimeError(f"driftbot {args[0]} crashed:\n{done.stderr.strip()}")
    return done


def run_audit(repo: Path) -> list[Found]:
    done = driftbot("audit", str(repo), "--format", "json", "--offline")
    if done.returncode not in (0, 1):
        raise RuntimeError(f"driftbot audit exited {done.returncode}: {done.stderr.strip()}")
    report = json.loads(done.stdout)
    return [
        Found(
            rule=f["rule"],
            path=f["path"],
            line=f["line"],
            column=f["column"],
            value=f.get("actual") or f.get("expected") or "",
            severity=f["severity"],
            confidence=f.get("confidence", "likely"),
            message=f["message"],
        )
        for f in report["findings"]
    ]


def score_audit(findings: list[Found], labels: list[Label]) -> AuditScore:
    open_labels = list(labels)
    matched: list[tuple[Label, Found]] = []
    false_positives: list[Found] = []
    for found in findings:
        label = next((label for label in open_labels if label.key == found.key), None)
        if label is None:
            false_positives.append(found)
        else:
            open_labels.remove(label)
            matched.append((label, found))
    return AuditScore(findings, matched, false_positives, open_labels)


# --- scoring fix --------------------------------------------------------------------------------


_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_diff(diff: str, repo: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Old and new lines of every file a `fix --dry-run` diff changes (a/ b/ repo-relative paths)."""
    files: dict[str, tuple[list[str], list[str]]] = {}
    path = ""
    old: list[str] = []
    new: list[str] = []
    cursor = old_left = new_left = 0  # position in `old`; lines of the current hunk still to read
    for line in diff.splitlines():
        if old_left or new_left:  # inside a hunk: a removed "-- comment" line is not a file header
            if line.startswith("+"):
                new.append(line[1:])
                new_left -= 1
            elif line.startswith("-"):
                cursor += 1
                old_left -= 1
            elif line.startswith(" ") or line == "":
                new.append(old[cursor])
                cursor += 1
                old_left, new_left = old_left - 1, new_left - 1
        elif line.startswith("+++ "):
            if path:
                files[path] = (old, new + old[cursor:])
            path = line[4:].split("\t")[0].removeprefix("b/")
            old = (repo / path).read_text(encoding="utf-8").splitlines()
            new, cursor = [], 0
        elif match := _HUNK.match(line):
            old_left, new_left = int(match.group(2) or 1), int(match.group(4) or 1)
            start = int(match.group(1)) - (0 if old_left == 0 else 1)
            new.extend(old[cursor:start])
            cursor = start
    if path:
        files[path] = (old, new + old[cursor:])
    return files


def changed_lines(path: str, old: list[str], new: list[str]) -> Iterator[Edit]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            yield Edit(path, i1 + k + 1, old[i1 + k], new[j1 + k])
        for i in range(i1 + pairs, i2):
            yield Edit(path, i + 1, old[i], None)
        for j in range(j1 + pairs, j2):
            yield Edit(path, None, None, new[j])


def score_edits(edits: Iterable[Edit], labels: list[Label]) -> tuple[list[Edit], list[Edit], list[Label]]:
    """(right, wrong, missed): an edit is right when it is exactly a labelled fix, each used once."""
    expected = [label for label in labels if label.fix is not None or label.fix_insert is not None or label.fix_delete]
    right: list[Edit] = []
    wrong: list[Edit] = []
    for edit in edits:
        label = next((label for label in expected if fix_matches(label, edit)), None)
        if label is None:
            wrong.append(edit)
        else:
            expected.remove(label)
            right.append(edit)
    return right, wrong, expected


def fix_matches(label: Label, edit: Edit) -> bool:
    if label.path != edit.path:
        return False
    if label.fix is not None:
        return edit.old_line == label.line and edit.new == label.fix
    if label.fix_delete:
        return edit.old_line == label.line and edit.new is None
    return edit.old is None and edit.new == label.fix_insert


def run_fix(corpus: Path, labels: list[Label], scratch: Path, confidence: str | None = None) -> FixScore:
    """Run `driftbot fix` on a scratch copy; if it refuses to write, score its --dry-run plan."""
    repo = scratch_copy(corpus, scratch / f"fix-{confidence or 'default'}")
    extra = ("--confidence", confidence) if confidence else ()
    done = driftbot("fix", str(repo), *extra)
    aborted: str | None = None
    if done.returncode == 2:
        aborted = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "exit 2"
        plan = driftbot("fix", str(repo), "--dry-run", *extra)
        files = apply_diff(plan.stdout, repo)
    elif done.returncode in (0, 1):
        files = {}
        for path in sorted(p for p in repo.rglob("*") if p.is_file()):
            rel = path.relative_to(repo).as_posix()
            new = path.read_text(encoding="utf-8", errors="replace").splitlines()
            old = (corpus / rel).read_text(encoding="utf-8", errors="replace").splitlines()
            if new != old:
                files[rel] = (old, new)
    else:
        raise RuntimeError(f"driftbot fix exited {done.returncode}: {done.stderr.strip()}")
    edits = [edit for path, (old, new) in sorted(files.items()) for edit in changed_lines(path, old, new)]
    right, wrong, missed = score_edits(edits, labels)
    return FixScore(done.returncode, aborted, right, wrong, missed)


def measure(corpus: Path = CORPUS, *, likely: bool = False) -> Result:
    """Score the audit and the default `fix`; with `likely`, also `fix --confidence likely`."""
    labels, shapes = load_labels(corpus)
    files = sum(1 for p in corpus.rglob("*") if p.is_file() and p.name != LABELS_FILE)
    with tempfile.TemporaryDirectory(prefix="driftbot-precision-") as tmp:
        scratch = Path(tmp)
        audit = score_audit(run_audit(scratch_copy(corpus, scratch / "audit")), labels)
        fix = run_fix(corpus, labels, scratch)
        fix_likely = run_fix(corpus, labels, scratch, "likely") if likely else None
    return Result(corpus, files, labels, shapes, audit, fix, fix_likely)


# --- report -------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def render(result: Result) -> str:
    audit, fix = result.audit, result.fix
    out = [
        f"Precision benchmark: {result.corpus.name} corpus, {result.files} files, "
        f"{len(result.labels)} labelled findings",
        f"driftbot audit --format json --offline: {len(audit.findings)} findings",
        "",
        f"{'rule':<22} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>10} {'recall':>8}",
    ]
    rows = [*audit.per_rule().items(), ("all", audit.total())]
    for rule, score in rows:
        out.append(
            f"{rule:<22} {score.tp:>4} {score.fp:>4} {score.fn:>4} {pct(score.precision):>10} {pct(score.recall):>8}"
        )
    hits, total = audit.high()
    found, incident = audit.incident()
    out += [
        "",
        f"high/critical precision: {hits}/{total} = {pct(audit.high_precision)} (goal >= 95%)",
        f"incident recall: {found}/{incident} = {pct(audit.incident_recall)} (goal 100%)",
        "",
    ]
    if fix.aborted:
        out.append(f"driftbot fix: refused to write (exit 2: {fix.aborted}); scored its --dry-run plan")
    else:
        out.append(f"driftbot fix: exit {fix.exit_code}")
    out.append(
        f"fix edits: made {fix.made}, right {len(fix.right)}, wrong {len(fix.wrong)}, "
        f"missed {len(fix.missed)} (goal: 0 wrong)"
    )
    if result.fix_likely is not None:
        opt_in = result.fix_likely
        state = f"refused to write ({opt_in.aborted})" if opt_in.aborted else f"exit {opt_in.exit_code}"
        out.append(
            f"fix --confidence likely: {state}; made {opt_in.made}, right {len(opt_in.right)}, "
            f"wrong {len(opt_in.wrong)}, missed {len(opt_in.missed)}"
        )
        out += [f"  wrong: {edit.describe()}" for edit in opt_in.wrong]
    out += ["", "goals: " + ", ".join(f"{goal}: {'yes' if ok else 'NO'}" for goal, ok in result.goals().items())]
    if audit.false_positives:
        out += ["", "False positives:"]
        for f in audit.false_positives:
            shape = next((s.shape for s in result.shapes if s.covers(f.path, f.line)), "")
            line = f"  {f.where()}  {f.effective_severity} ({f.confidence})  {f.rule}  {f.message}"
            out.append(f"{line}  [{shape}]" if shape else line)
    if audit.missed:
        out += ["", "Missed (labelled, not reported):"]
        out += [f"  {label.where()}  {label.rule}  {label.value}" for label in audit.missed]
    moved = [(label, found) for label, found in audit.matched if label.column and label.column != found.column]
    if moved:
        out += ["", "Matched at another column:"]
        out += [f"  {label.where()} reported at column {found.column}" for label, found in moved]
    if fix.wrong:
        out += ["", "Wrong fix edits:"] + [f"  {edit.describe()}" for edit in fix.wrong]
    if fix.missed:
        out += ["", "Labelled fixes the default fix did not make:"]
        out += [f"  {label.where()}  {label.rule}  {label.value}" for label in fix.missed]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="corpus directory holding labels.yml")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument(
        "--no-likely", dest="likely", action="store_false", help="skip scoring `fix --confidence likely`"
    )
    args = parser.parse_args(argv)
    result = measure(args.corpus, likely=args.likely)
    print(render(result))
    return 1 if args.strict and not all(result.goals().values()) else 0


if __name__ == "__main__":
    sys.exit(main())
