"""Read and cross-check the SSOT directory. Every problem is a positioned `yamlpos.Problem`."""

from __future__ import annotations

import re
from pathlib import Path

from driftbot import repofs, yamlpos
from driftbot.errors import DriftbotError
from driftbot.paths import display
from driftbot.ssot import infra
from driftbot.ssot.models import SUBSET_NAME, SUPPORTED_VERSIONS, PhaseFile, Ssot, SsotList
from driftbot.yamlpos import Positioned, Problem, YamlProblems


def check(ssot_dir: Path, repo: Path) -> tuple[Ssot | None, list[Problem]]:
    """Load the SSOT; return it (None when unusable) and every problem found, sorted."""
    if not ssot_dir.is_dir():
        raise DriftbotError(f"{ssot_dir.as_posix()}: SSOT directory not found")
    files = sorted((ssot_dir / "processors").glob("*.yaml")) + sorted((ssot_dir / "processors").glob("*.yml"))
    if not files and not (ssot_dir / "infrastructure").is_dir():  # an SSOT of infrastructure only is one
        raise DriftbotError(f"{ssot_dir.as_posix()}: no SSOT files (expected processors/*.yaml or infrastructure/)")
    problems: list[Problem] = []
    loaded: list[tuple[PhaseFile, Positioned]] = []
    root = confinement(ssot_dir, repo)
    for f in files:
        shown = repofs.display_name(f, repo)
        try:
            doc = yamlpos.load(f, shown, root=root)
            model = yamlpos.validate(PhaseFile, doc)
        except YamlProblems as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(_check_file(model, doc))
        loaded.append((model, doc))
    problems.extend(_check_across(loaded))
    lists = tuple(
        SsotList(
            key=f"phase{m.phase}",
            phase=m.phase,
            phase_name=m.phase_name,
            path=doc.display_path,
            dataset=m.dataset,
            processors=tuple(m.critical_processors),
            expected_count=m.orchestration.expected_count if m.orchestration else None,
            complete=m.complete,
            subsets=tuple(
                (name, tuple(m.subset(name).processors), m.subset(name).expected_count) for name in m.subsets
            ),
        )
        for m, doc in sorted(loaded, key=lambda pair: pair[0].phase)
    )
    infrastructure = None
    if (ssot_dir / "infrastructure").is_dir():
        infrastructure, infra_problems = infra.check(ssot_dir / "infrastructure", repo, root=root)
        problems.extend(infra_problems)
    problems.sort(key=lambda p: (p.path, p.line, p.column, p.message))
    usable = lists or (infrastructure is not None and not files)
    ssot = Ssot(root=display(ssot_dir, repo), lists=lists, infrastructure=infrastructure) if usable else None
    return ssot, problems


def confinement(ssot_dir: Path, repo: Path) -> Path:
    """What the SSOT's files must stay inside: the repository when the SSOT lives in it, else the
    SSOT directory the user named (`--ssot`)."""
    return repo if repofs.lexically_inside(ssot_dir, repo) else ssot_dir


def load(ssot_dir: Path, repo: Path) -> Ssot:
    """Load an SSOT that must be valid; any problem is a DriftbotError (exit 2)."""
    ssot, problems = check(ssot_dir, repo)
    if problems:
        more = f" (and {len(problems) - 1} more; run 'driftbot validate')" if len(problems) > 1 else ""
        raise DriftbotError(f"invalid SSOT: {problems[0]}{more}")
    assert ssot is not None
    return ssot


def _check_file(model: PhaseFile, doc: Positioned) -> list[Problem]:
    out: list[Problem] = []
    if model.version not in SUPPORTED_VERSIONS:
        supported = ", ".join(SUPPORTED_VERSIONS)
        out.append(doc.problem(("version",), f"unsupported version {model.version!r} (supported: {supported})"))
    count = len(model.critical_processors)
    # With subsets, the phase's expected_count may be a subset's size (what the orchestrator waits for).
    sizes = {count, *(len(set(model.subset(name).processors)) for name in model.subsets)}
    if model.orchestration and model.orchestration.expected_count not in (None, *sizes):
        subsets = f", and no subset has {model.orchestration.expected_count}" if model.subsets else ""
        out.append(
            doc.problem(
                ("orchestration", "expected_count"),
                f"expected_count is {model.orchestration.expected_count} but {count} processors are listed{subsets}",
            )
        )
    out.extend(_check_subsets(model, doc))
    seen_tables: dict[str, int] = {}
    for i, p in enumerate(model.critical_processors):
        if p.target_table in seen_tables:
            first = seen_tables[p.target_table]
            out.append(
                doc.problem(
                    ("critical_processors", i, "target_table"),
                    f"target_table {p.target_table!r} is already written by {model.critical_processors[first].name!r}",
                )
            )
        seen_tables.setdefault(p.target_table, i)
    return out


def _check_subsets(model: PhaseFile, doc: Positioned) -> list[Problem]:
    """Each subset names processors (or target tables) of its phase, once each; its count matches."""
    out: list[Problem] = []
    names = {v for p in model.critical_processors for v in (p.name, p.target_table)}
    for name, value in model.subsets.items():
        if not re.match(SUBSET_NAME, name):
            out.append(doc.problem(("subsets", name), f"subset name {name!r} must match {SUBSET_NAME}"))
        sub = model.subset(name)
        base: yamlpos.Key = ("subsets", name) if isinstance(value, list) else ("subsets", name, "processors")
        seen: set[str] = set()
        for i, member in enumerate(sub.processors):
            if member not in names:
                why = f"subset {name!r} names {member!r}, which is not a processor of phase {model.phase}"
                out.append(doc.problem((*base, i), why))
            elif member in seen:
                out.append(doc.problem((*base, i), f"subset {name!r} names {member!r} twice"))
            seen.add(member)
        if sub.expected_count not in (None, len(sub.processors)):
            out.append(
                doc.problem(
                    ("subsets", name, "expected_count"),
                    f"expected_count is {sub.expected_count} but subset {name!r} lists {len(sub.processors)}",
                )
            )
    return out


def _check_across(loaded: list[tuple[PhaseFile, Positioned]]) -> list[Problem]:
    out: list[Problem] = []
    first_seen: dict[str, tuple[str, int, int]] = {}
    phases: dict[int, str] = {}
    for model, doc in loaded:
        if model.phase in phases:
            out.append(doc.problem(("phase",), f"phase {model.phase} is also defined in {phases[model.phase]}"))
        phases.setdefault(model.phase, doc.display_path)
        for i, p in enumerate(model.critical_processors):
            key = ("critical_processors", i, "name")
            line, col = doc.where(key)
            if p.name in first_seen:
                path, fline, fcol = first_seen[p.name]
                out.append(
                    doc.problem(key, f"duplicate processor name {p.name!r} (first defined at {path}:{fline}:{fcol})")
                )
            else:
                first_seen[p.name] = (doc.display_path, line, col)
    classes: dict[str, str] = {}
    for model, doc in loaded:
        for i, p in enumerate(model.critical_processors):
            for j, cls in enumerate(p.class_names):
                owner = classes.setdefault(cls, p.name)
                if owner != p.name:
                    at: yamlpos.Key = ("critical_processors", i, "classes", j - (1 if p.class_name else 0))
                    if p.class_name == cls:
                        at = ("critical_processors", i, "class")
                    out.append(doc.problem(at, f"class {cls!r} is also a class of processor {owner!r}"))
    current = {v for model, _ in loaded for p in model.critical_processors for v in (p.name, p.target_table)}
    for model, doc in loaded:
        for i, p in enumerate(model.critical_processors):
            for j, old in enumerate(p.renamed_from):
                if old in current:
                    at = ("critical_processors", i, "renamed_from", j)
                    out.append(doc.problem(at, f"renamed_from {old!r} is a current processor name or table"))
    return out
