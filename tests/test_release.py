"""The release workflow's action.yml rewrite (.github/scripts/pin_action_image.py) and the workflows' hygiene."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / ".github" / "scripts" / "pin_action_image.py"
DIGEST = "sha256:" + "0123456789abcdef" * 4
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pin_action_image", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_rewrite_changes_only_the_image_line(tmp_path: Path) -> None:
    action = tmp_path / "action.yml"
    original = (ROOT / "action.yml").read_text()
    action.write_text(original)
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(action), "ghcr.io/your-org/driftbot", DIGEST],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    pinned = action.read_text()
    assert pinned == original.replace(
        "  image: Dockerfile\n", f"  image: docker://ghcr.io/your-org/driftbot@{DIGEST}\n"
    )
    assert yaml.safe_load(pinned)["runs"] == {
        "using": "docker",
        "image": f"docker://ghcr.io/your-org/driftbot@{DIGEST}",
    }


@pytest.mark.parametrize(
    ("repository", "digest", "error"),
    [
        ("ghcr.io/Your-Org/driftbot", DIGEST, "not an image repository"),
        ("ghcr.io/your-org/driftbot", "sha256:abc", "not a sha256 digest"),
        ("ghcr.io/your-org/driftbot:v1", DIGEST, "not an image repository"),
    ],
)
def test_a_bad_reference_is_refused(repository: str, digest: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        load().pin((ROOT / "action.yml").read_text(), repository, digest)


def test_an_already_pinned_file_is_refused(tmp_path: Path) -> None:
    pin = load().pin
    once = pin((ROOT / "action.yml").read_text(), "ghcr.io/o/driftbot", DIGEST)
    with pytest.raises(ValueError, match="found 0"):
        pin(once, "ghcr.io/o/driftbot", DIGEST)
    action = tmp_path / "action.yml"
    action.write_text(once)
    assert load().main([str(action), "ghcr.io/o/driftbot", DIGEST]) == 2
    assert action.read_text() == once


def test_main_keeps_building_the_dockerfile() -> None:
    assert yaml.safe_load((ROOT / "action.yml").read_text())["runs"]["image"] == "Dockerfile"


@pytest.mark.parametrize(
    "path", [*WORKFLOWS, *sorted((ROOT / "examples" / "workflows").glob("*.yml"))], ids=lambda p: p.name
)
def test_workflows_pin_actions_to_shas_and_time_out(path: Path) -> None:
    text = path.read_text()
    for uses in re.findall(r"^\s*-?\s*uses:\s*(\S+)(.*)$", text, re.MULTILINE):
        ref, comment = uses
        if ref.startswith("your-org/driftbot@"):
            continue  # the example names driftbot itself by its major tag
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} is not pinned to a SHA"
        assert re.match(r"\s*# v\d+", comment), f"{path.name}: {ref} has no `# vX.Y.Z` comment"
    jobs = yaml.safe_load(text)["jobs"]
    assert all("timeout-minutes" in job for job in jobs.values()), f"{path.name}: a job without timeout-minutes"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflows_have_a_concurrency_group(path: Path) -> None:
    assert "group" in yaml.safe_load(path.read_text())["concurrency"]
