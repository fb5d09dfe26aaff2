"""Every rule's examples are run as tests; the generated docs must match the catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.rules import docs
from driftbot.rules.catalog import RULES, Example
from example_helpers import ROOT

CASES = [(rule_id, i, ex) for rule_id, rule in RULES.items() for i, ex in enumerate(rule.examples)]


@pytest.mark.parametrize(("rule_id", "index", "example"), CASES, ids=[f"{r}-{i}" for r, i, _ in CASES])
def test_example(tmp_path: Path, rule_id: str, index: int, example: Example) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    for path, text in example.files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    report = run_audit(tmp_path)
    assert tuple(str(f.location) for f in report.findings if f.rule == rule_id) == example.expect


def test_every_rule_in_readme_and_docs_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert docs.readme_with_table(readme) == readme, "run: python -m driftbot.rules.docs"
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == docs.rules_md()
