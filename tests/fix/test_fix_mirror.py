"""mirror-divergence: vendored copies of a directory, and `fix --rule mirror-divergence`."""

from __future__ import annotations

import stat
from pathlib import Path

from driftbot.audit import run_audit
from driftbot.cli import main
from driftbot.fix import fix_repo
from driftbot.rules.mirror import first_difference
from example_helpers import CONFIG_COPIES

SOURCE = CONFIG_COPIES[0]  # shared/config/orchestration_config.py
WORKER = "predictions/worker/shared/config/orchestration_config.py"
SELF_HEAL = "orchestration/cloud_functions/self_heal/shared/config/orchestration_config.py"


def mirror_findings(repo: Path) -> list[tuple[str, str]]:
    return [(str(f.location), f.message) for f in run_audit(repo).findings if f.rule == "mirror-divergence"]


def test_identical_copies_are_silent(example_repo: Path) -> None:
    assert mirror_findings(example_repo) == []


def test_missing_and_differing_copies(example_repo: Path) -> None:
    (example_repo / WORKER).unlink()
    heal = example_repo / SELF_HEAL
    heal.write_text(
        heal.read_text().replace("    trigger_mode: str = 'all_complete'", "    trigger_mode: str = 'majority'")
    )
    (example_repo / "predictions/coordinator/shared/config/extra_only_here.py").write_text("X = 1\n")  # not reported
    pycache = example_repo / "shared/config/__pycache__"
    pycache.mkdir()
    (pycache / "orchestration_config.cpython-311.pyc").write_bytes(b"\0")  # never part of a mirror
    assert mirror_findings(example_repo) == [
        (f"{SELF_HEAL}:54:26", f"differs from {SOURCE} (mirror source) from line 54 on"),
        (f"{WORKER}:1:1", f"missing: copy of {SOURCE}"),
    ]


def test_fix_copies_the_source_bytes_back(example_repo: Path) -> None:
    (example_repo / WORKER).unlink()
    heal = example_repo / SELF_HEAL
    heal.write_text(heal.read_text() + "# local tweak\n")
    heal.chmod(0o640)
    result = fix_repo(example_repo, rules=["mirror-divergence"])
    assert result.changed == (SELF_HEAL, WORKER)
    source = (example_repo / SOURCE).read_bytes()
    assert (example_repo / WORKER).read_bytes() == source
    assert heal.read_bytes() == source
    assert stat.S_IMODE(heal.stat().st_mode) == 0o640
    assert mirror_findings(example_repo) == []
    assert "--- /dev/null\n+++ b/predictions/worker/shared/config/orchestration_config.py\n" in result.diff


def test_fixing_names_and_mirrors_together_gives_copies_of_the_fixed_source(example_repo: Path) -> None:
    heal = example_repo / SELF_HEAL
    heal.write_text(heal.read_text() + "# local tweak\n")
    assert main(["fix", str(example_repo)]) == 1
    source = (example_repo / SOURCE).read_bytes()
    assert b"'br_rosters_current'," in source
    assert heal.read_bytes() == source
    assert main(["audit", str(example_repo)]) == 0


def test_first_difference_counts_characters() -> None:
    assert first_difference(b"a\nbcd\n", b"a\nbXd\n") == (2, 2)
    assert first_difference(b"\xc3\xa9\xc3\xa9x\n", b"\xc3\xa9\xc3\xa9y\n") == (1, 3)
    assert first_difference(b"abc", b"abc\nmore") == (1, 4)
