"""Hostile configuration files: every problem is one positioned line and exit 2, never an internal error."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from security_helpers import driftbot, make_repo

DEEP_FLOW = "x: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "x:\n" + "".join(" " * (i + 1) + "- \n" for i in range(400)) + " " * 402 + "1\n"


def test_an_impossible_expiry_date_is_a_positioned_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / ".driftbot-ignore.yml").write_text(
        "ignore:\n  - rule: unknown-name\n    reason: legacy\n    expires: 2027-02-30\n"
    )
    run = driftbot("audit", str(repo))
    assert (run.code, run.err) == (
        2,
        "driftbot: invalid ignore file: .driftbot-ignore.yml:4:14: "
        "invalid date '2027-02-30': day is out of range for month\n",
    )


@pytest.mark.parametrize(("text", "where"), [(DEEP_FLOW, "1:104"), (DEEP_BLOCK, "102:102")])
@pytest.mark.parametrize("name", [".driftbot.yml", ".driftbot-ignore.yml", "ssot/processors/deep.yaml"])
def test_deeply_nested_yaml_is_a_positioned_error(tmp_path: Path, name: str, text: str, where: str) -> None:
    repo = make_repo(tmp_path)
    (repo / name).write_text(text)
    run = driftbot("audit", str(repo))
    kind = {".driftbot.yml": "config", ".driftbot-ignore.yml": "ignore file"}.get(name, "SSOT")
    assert run.code == 2
    assert run.err == f"driftbot: invalid {kind}: {name}:{where}: document nests deeper than 100 levels\n"


def test_a_config_file_that_is_a_fifo_is_never_opened(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    os.mkfifo(repo / ".driftbot.yml")
    run = driftbot("audit", str(repo), timeout=30)
    assert (run.code, run.err) == (2, "driftbot: invalid config: .driftbot.yml:1:1: is not a regular file\n")


def test_an_ignore_file_too_large_is_refused_before_reading(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    with (repo / ".driftbot-ignore.yml").open("wb") as handle:
        handle.truncate(6_000_000)  # sparse: never read
    run = driftbot("audit", str(repo))
    assert (run.code, run.err) == (
        2,
        "driftbot: invalid ignore file: .driftbot-ignore.yml:1:1: is larger than 5000000 bytes\n",
    )
