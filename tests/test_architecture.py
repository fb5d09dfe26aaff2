"""Imports point one way, down the pipeline: a test walks them and fails on an upward one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "driftbot"

# Each layer may import only from layers listed before it (and from itself).
LAYERS: list[tuple[str, ...]] = [
    ("ftypes", "errors", "lazy"),
    ("yamlpos", "gitfiles", "paths", "textpos", "repofs"),
    ("ssot", "config", "schedule"),
    ("extract",),
    ("binding", "inventory", "project"),
    ("context",),
    ("rules", "suppress", "probe"),
    ("audit", "report", "baseline"),
    ("fix", "consistency"),
    ("github", "notify", "pytest_plugin"),
    ("commands", "cli", "__main__"),
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def top_module(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def driftbot_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("driftbot"):
            parts = node.module.split(".")
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("driftbot."))
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if top_module(p) != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_upward_import(path: Path) -> None:
    here = top_module(path)
    assert here in RANK, f"{here} is in no layer: add it to LAYERS"
    imported = driftbot_imports(path)
    assert imported <= RANK.keys(), f"imports modules in no layer: {sorted(imported - RANK.keys())}"
    upward = sorted(m for m in imported if RANK[m] > RANK[here])
    assert upward == [], f"{path.relative_to(PACKAGE)} imports from a higher layer: {upward}"


def test_ftypes_imports_nothing_of_driftbot() -> None:
    assert driftbot_imports(PACKAGE / "ftypes.py") == set()


def test_only_the_github_package_uses_pygithub() -> None:
    users = set()
    for path in MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "github" or n.startswith("github.") for n in names):
                users.add(top_module(path))
    assert users <= {"github"}
