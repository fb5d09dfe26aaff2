"""The files `driftbot init` proposes: one SSOT file per copied list, `.driftbot.yml`, a workflow.

Rendered with ruamel.yaml so the output reads like the hand-written files of the README: comments
say where each list was found and what is left to fill in.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from driftbot.config import CONFIG_NAME
from driftbot.onboard import Phase, needs_explicit_binding

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


def ssot_file(phase: Phase, dataset: str | None, ssot_dir: str) -> ProposedFile:
    found = phase.found
    doc = CommentedMap()
    doc["version"] = DoubleQuotedScalarString("1.0")
    doc["phase"] = phase.number
    doc["phase_name"] = DoubleQuotedScalarString(phase.slug)
    doc["dataset"] = DoubleQuotedScalarString(dataset or UNKNOWN_DATASET)
    if dataset is None:
        doc.yaml_add_eol_comment("the BigQuery dataset these processors write to", "dataset")
    processors = CommentedSeq()
    comments = {e.value: e.comment for e in found.majority.elements}
    for value in found.values:
        entry = CommentedMap()
        entry["name"] = value
        comment = (comments.get(value) or "").strip()
        if comment:
            entry["description"] = DoubleQuotedScalarString(comment)
        processors.append(entry)
    doc["critical_processors"] = processors
    doc["orchestration"] = CommentedMap(expected_count=len(found.values))
    where = [f"  {c.path}:{c.location.line} {c.symbol}" for c in found.copies]
    header = [f"Proposed by `driftbot init` from {len(found.copies)} copies:", *where]
    header.append("Check the names and the dataset; processors may also take class, target_table, schedule.")
    doc.yaml_set_start_comment("\n".join(header))
    doc.yaml_set_comment_before_after_key("critical_processors", before="\n")
    path = f"{ssot_dir}/processors/{phase.filename}"
    summary = f"{phase.key}: {len(found.values)} names from {found.symbols[0]}"
    return ProposedFile(path, dump(doc), summary)


def config_file(phases: Sequence[Phase], ssot_dir: str) -> ProposedFile:
    doc = CommentedMap()
    doc["version"] = 1
    doc["ssot"] = ssot_dir
    doc["auto_bind"] = True
    doc.yaml_add_eol_comment("copies holding most of an SSOT list are found without a binding", "auto_bind")
    specs = CommentedSeq()
    for p in phases:
        for c in p.found.copies:
            if needs_explicit_binding(c, p.found.values):
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
