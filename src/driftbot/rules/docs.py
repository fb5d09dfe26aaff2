"""Render the rules table (README) and the rules reference (docs/rules.md) from the catalog.

`python -m driftbot.rules.docs [ROOT]` rewrites both; a test fails when either is out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from driftbot.rules.catalog import RULES, Rule

BEGIN, END = "<!-- rules:begin -->", "<!-- rules:end -->"


def table() -> str:
    rows = ["| rule | severity | fixable | what it means |", "| --- | --- | --- | --- |"]
    for r in RULES.values():
        rows.append(
            f"| [`{r.id}`](docs/rules.md#{r.id}) | {r.severity.label} | {'yes' if r.fixable else 'no'} | {r.summary} |"
        )
    return "\n".join(rows)


def _fence(path: str) -> str:
    return {".py": "python", ".sql": "sql", ".sh": "bash", ".yaml": "yaml", ".yml": "yaml"}.get(Path(path).suffix, "")


def reference(rule: Rule) -> str:
    parts = [
        f"## {rule.id}",
        "",
        f"Severity **{rule.severity.label}**, fixable: {'yes' if rule.fixable else 'no'}.",
        "",
    ]
    parts += [rule.summary, ""]
    for ex in rule.examples:
        verdict = "reported at " + ", ".join(f"`{e}`" for e in ex.expect) if ex.expect else "not reported"
        parts += [f"Example ({verdict}):", ""]
        for path, text in ex.files:
            parts += [f"`{path}`", "", f"```{_fence(path)}", text.rstrip("\n"), "```", ""]
    return "\n".join(parts)


def rules_md() -> str:
    head = (
        "# Rules\n\nGenerated from `src/driftbot/rules/catalog.py` by `python -m driftbot.rules.docs`; "
        "every example is also a test (against the SSOT in `ssot/`).\n"
    )
    return head + "\n" + "\n".join(reference(r) for r in RULES.values())


def readme_with_table(readme: str) -> str:
    block = f"{BEGIN}\n{table()}\n{END}"
    return re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, readme, flags=re.S)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite ROOT's README rules table and docs/rules.md; 2 with one line on stderr when ROOT has no table."""
    parser = argparse.ArgumentParser(
        prog="python -m driftbot.rules.docs",
        description="Rewrite the rules table of README.md and docs/rules.md from the rule catalog.",
    )
    parser.add_argument("root", nargs="?", type=Path, default=Path.cwd(), help="the repository (default: here)")
    root: Path = parser.parse_args(argv).root
    readme = root / "README.md"
    try:
        text = readme.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{parser.prog}: {readme}: cannot read ({getattr(exc, 'strerror', None) or exc})", file=sys.stderr)
        return 2
    if BEGIN not in text or END not in text:
        print(f"{parser.prog}: {readme}: no {BEGIN} ... {END} block to rewrite", file=sys.stderr)
        return 2
    readme.write_text(readme_with_table(text), encoding="utf-8")
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "rules.md").write_text(rules_md(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
