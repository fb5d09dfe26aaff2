"""The files `driftbot init` proposes: one SSOT file per copied list, `.driftbot.yml`, a workflow.

Rendered with ruamel.yaml so the output reads like the hand-written files of the README: comments
say where each list was found and what is left to fill in. Every string is double-quoted, so a name
such as `yes`, `no`, `null` or `1e3` stays a string for any YAML reader.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from driftbot.binding import score
from driftbot.commands.init.layout import Phase
from driftbot.config import CONFIG_NAME
from driftbot.ftypes import Collection

UNKNOWN_DATASET = "CHANGE_ME"  # init could not tell the dataset: the user fills it in
WORKFLOW_PATH = ".github/workflows/driftbot.yml"

# The workflow init proposes is the documented example (examples/workflows/driftbot.yml is a copy).
WORKFLOW_TEMPLATE = "templates/driftbot-workflow.yml"


@dataclass(frozen=True)
class ProposedFile:
    path: str  # repo-relative POSIX path
    text: str
    summary: str  # one line for the listing


def dump(data: CommentedMap) -> str:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 120
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def ssot_file(phase: Phase, ssot_dir: str) -> ProposedFile:
    ranked = phase.ranked
    found = ranked.found
    doc = CommentedMap()
    doc["version"] = DoubleQuotedScalarString("1.0")
    doc["phase"] = phase.number
    if phase.placeholder:
        doc.yaml_add_eol_comment(f"placeholder: no phase number in {ranked.symbol}", "phase")
    doc["phase_name"] = DoubleQuotedScalarString(phase.slug)
    doc["dataset"] = DoubleQuotedScalarString(ranked.dataset or UNKNOWN_DATASET)
    if ranked.dataset is None:
        doc.yaml_add_eol_comment("the BigQuery dataset these processors write to", "dataset")
    processors = CommentedSeq()
    comments = {e.value: e.comment for e in found.majority.elements}
    old = {r.new: r.old for r in ranked.renames if not r.table_only}
    declared = {r.new for r in ranked.renames if not r.table_only and not r.others}
    tables = {r.old: r.new for r in ranked.renames if r.table_only}
    for value in ranked.values:
        entry = CommentedMap()
        entry["name"] = DoubleQuotedScalarString(value)
        if value in old:
            entry.yaml_add_eol_comment(f"the copies say {old[value]}, which no inventory knows", "name")
            if value in declared:  # the one close table: `fix` may rename the copies with certainty
                entry["renamed_from"] = CommentedSeq([DoubleQuotedScalarString(old[value])])
                entry["renamed_from"].fa.set_flow_style()
        if value in tables:
            entry["target_table"] = DoubleQuotedScalarString(tables[value])
            entry.yaml_add_eol_comment(f"no inventory knows a table {value}", "target_table")
        comment = (comments.get(old.get(value, value)) or "").strip()
        if comment:
            entry["description"] = DoubleQuotedScalarString(comment)
        processors.append(entry)
    doc["critical_processors"] = processors
    doc["orchestration"] = CommentedMap(expected_count=len(ranked.values))
    where = [f"  {c.path}:{c.location.line} {c.symbol}" for c in found.copies]
    header = [f"Proposed by `driftbot init` from {len(found.copies)} copies:", *where]
    header.append("Check the names and the dataset; processors may also take class, target_table, schedule.")
    doc.yaml_set_start_comment("\n".join(header))
    doc.yaml_set_comment_before_after_key("critical_processors", before="\n")
    path = f"{ssot_dir}/processors/{phase.filename}"
    summary = f"{phase.key}: {len(ranked.values)} names from {ranked.symbol}"
    return ProposedFile(path, dump(doc), summary)


def needs_explicit_binding(copy: Collection, values: tuple[str, ...]) -> bool:
    """A copy that auto-discovery would not bind to the proposed list once it is the SSOT."""
    return score(copy.values, values) is None


def config_file(phases: Sequence[Phase], ssot_dir: str) -> ProposedFile:
    doc = CommentedMap()
    doc["version"] = 1
    doc["ssot"] = ssot_dir
    doc["auto_bind"] = True
    doc.yaml_add_eol_comment("copies holding most of an SSOT list are found without a binding", "auto_bind")
    specs = CommentedSeq()
    for p in phases:
        for c in p.ranked.found.copies:
            if needs_explicit_binding(c, p.ranked.values):
                specs.append(CommentedMap(files=c.path, symbol=c.symbol, ssot=p.key))
    if specs:
        doc["bindings"] = specs
        doc.yaml_set_comment_before_after_key("bindings", before="copies too different for auto-discovery")
    doc.yaml_set_start_comment("driftbot configuration, proposed by `driftbot init` (see the driftbot README).")
    bound = f", {len(specs)} explicit bindings" if specs else ""
    return ProposedFile(CONFIG_NAME, dump(doc), f"configuration: SSOT in {ssot_dir}/{bound}")


def workflow_text() -> str:
    return resources.files("driftbot").joinpath(WORKFLOW_TEMPLATE).read_text(encoding="utf-8")


def workflow_file() -> ProposedFile:
    summary = "GitHub Actions: PR check, /driftbot commands, scheduled auto-fix and dashboard"
    return ProposedFile(WORKFLOW_PATH, workflow_text(), summary)
