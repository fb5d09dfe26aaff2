"""action.yml, the Dockerfile and its lock file agree with the code that reads them."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from driftbot.errors import DriftbotError
from driftbot.ftypes import Severity
from driftbot.github.env import DEFAULT_AUTOFIX_BRANCH, ActionsEnv, write_outputs
from driftbot.github.runner import AUTO_MODES

ROOT = Path(__file__).resolve().parents[2]
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
BASE = {"GITHUB_EVENT_NAME": "push", "GITHUB_REPOSITORY": "o/r"}


def test_action_runs_the_dockerfile_whose_entrypoint_is_driftbot_action() -> None:
    assert ACTION["runs"] == {"using": "docker", "image": "Dockerfile"}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["driftbot", "action"]' in dockerfile
    users = re.findall(r"^USER (\S+)$", dockerfile, re.MULTILINE)
    assert users == ["1001"]  # not root


def test_every_input_reaches_the_code_and_defaults_agree() -> None:
    inputs = ACTION["inputs"]
    assert sorted(inputs) == sorted(
        [
            *("github-token", "mode", "ssot", "config", "inventory", "fail-on", "autofix-branch", "dry-run"),
            *("dashboard", "working-directory", "name", "filter", "baseline", "cache-dir", "suggestions"),
        ]
    )
    defaults = ActionsEnv.from_environ(BASE).inputs
    assert (inputs["mode"]["default"], defaults.mode) == ("auto", "auto")
    assert Severity.parse(inputs["fail-on"]["default"]) == defaults.fail_on
    # Empty, so that an instance with another name gets a branch of its own (driftbot/autofix-<name>).
    assert (inputs["autofix-branch"]["default"], defaults.autofix_branch) == ("", DEFAULT_AUTOFIX_BRANCH)
    assert (inputs["name"]["default"], defaults.instance.name) == ("driftbot", "driftbot")
    assert (inputs["filter"]["default"], defaults.filter) == ("", None)  # changed-lines on PRs, else all
    assert (inputs["baseline"]["default"], defaults.baseline) == ("", None)
    assert (inputs["working-directory"]["default"], defaults.working_directory) == ("", "")
    assert inputs["dry-run"]["default"] == "false"
    assert defaults.dry_run is False
    assert (inputs["suggestions"]["default"], defaults.suggestions) == ("false", False)
    assert inputs["github-token"]["default"] == "${{ github.token }}"
    assert (inputs["cache-dir"]["default"], defaults.cache_dir) == (".driftbot-cache", None)  # empty: no cache

    given = {
        "INPUT_GITHUB-TOKEN": "t0ken",
        "INPUT_MODE": "autofix",
        "INPUT_SSOT": "conf/ssot",
        "INPUT_CONFIG": "conf/driftbot.yml",
        "INPUT_INVENTORY": "snapshot:a.json\nsnapshot:b.json, snapshot:c.json",
        "INPUT_FAIL-ON": "high",
        "INPUT_AUTOFIX-BRANCH": "bots/drift",
        "INPUT_DRY-RUN": "true",
        "INPUT_DASHBOARD": "true",
        "INPUT_NAME": "ssot b",
        "INPUT_FILTER": "changed-files",
        "INPUT_BASELINE": "./baselines//b.json",
        "INPUT_WORKING-DIRECTORY": "services/b/",
        "INPUT_CACHE-DIR": ".cache/driftbot",
        "INPUT_SUGGESTIONS": "true",
    }
    parsed = ActionsEnv.from_environ(BASE | given).inputs
    assert parsed.token.get_secret_value() == "t0ken"
    assert (parsed.mode, parsed.ssot, parsed.config, parsed.fail_on) == (
        "autofix",
        "conf/ssot",
        "conf/driftbot.yml",
        Severity.HIGH,
    )
    assert parsed.inventories == ("snapshot:a.json", "snapshot:b.json", "snapshot:c.json")
    assert (parsed.autofix_branch, parsed.dry_run, parsed.dashboard) == ("bots/drift", True, True)
    assert (parsed.instance.name, parsed.filter, parsed.baseline, parsed.working_directory) == (
        "ssot b",
        "changed-files",
        "baselines/b.json",
        "services/b",
    )
    assert parsed.cache_dir == ".cache/driftbot"
    assert parsed.suggestions is True
    named = ActionsEnv.from_environ(BASE | {"INPUT_NAME": "ssot b"}).inputs
    assert named.autofix_branch == "driftbot/autofix-ssot-b"


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("FILTER", "added", "input filter: unknown filter 'added' (choose from changed-lines, changed-files, all)"),
        (
            "WORKING-DIRECTORY",
            "../elsewhere",
            "input working-directory: '../elsewhere' must be a path inside the repository",
        ),
        ("BASELINE", "/etc/passwd", "input baseline: '/etc/passwd' must be a path inside the repository"),
        ("CACHE-DIR", "../cache", "input cache-dir: '../cache' must be a path inside the repository"),
        ("SUGGESTIONS", "yes", "input suggestions: expected true or false, got 'yes'"),
        (
            "NAME",
            "-->",
            "input name: '-->' is not a name "
            "(letters, digits, space, '.', '_', '-'; a letter or digit first; at most 50)",
        ),
    ],
)
def test_bad_inputs_are_one_line_errors(name: str, value: str, error: str) -> None:
    with pytest.raises(DriftbotError) as caught:
        ActionsEnv.from_environ(BASE | {f"INPUT_{name}": value})
    assert str(caught.value) == error


def test_a_multiline_output_is_a_heredoc_whose_delimiter_the_value_cannot_end(tmp_path: Path) -> None:
    from github_harness import parse_outputs

    out = tmp_path / "out"
    hostile = "a\nghadelimiter_x\nfindings=999"
    write_outputs(out, {"plain": "x=y", "multi": hostile})
    text = out.read_text()
    assert text.startswith("plain=x=y\nmulti<<ghadelimiter_")
    assert parse_outputs(text) == {"plain": "x=y", "multi": hostile}


def test_outputs_are_the_ones_the_runner_writes(tmp_path: Path) -> None:
    from driftbot.github.context import Result, RunContext
    from driftbot.github.gitrepo import Git
    from driftbot.github.pipeline import AuditOptions
    from driftbot.github.runner import finish

    out = tmp_path / "out"
    env = ActionsEnv.from_environ(BASE | {"GITHUB_OUTPUT": str(out), "GITHUB_WORKSPACE": str(tmp_path)})
    finish(RunContext(env, AuditOptions(), Git(tmp_path)), Result())
    written = [line.split("=", 1)[0] for line in out.read_text().splitlines()]
    assert sorted(written) == sorted(ACTION["outputs"])


@pytest.mark.parametrize(("event", "mode"), sorted(AUTO_MODES.items()))
def test_the_example_workflow_covers_every_event_the_bot_handles(event: str, mode: str) -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "workflows" / "driftbot.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    # pull_request_target is the alternative to pull_request (fork PRs get a write token), not an addition:
    # with both, every PR would be audited twice.
    assert (event in triggers) == (event != "pull_request_target")
    assert workflow["permissions"] == {}


def normalized(name: str) -> str:
    return re.split(r"[<>=!~\[ ;]", name, maxsplit=1)[0].lower().replace("_", "-").replace(".", "-")


def locked() -> dict[str, str]:
    lock = (ROOT / "requirements.lock").read_text()
    assert "--hash=sha256:" in lock
    return {normalized(m[0]): m[1] for m in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", lock, re.M)}


def test_the_lock_pins_every_dependency_the_image_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    wanted = {normalized(dep) for dep in [*project["dependencies"], *extras["bigquery"], *extras["github"]]}
    assert wanted - locked().keys() == set(), "requirements.lock is stale: re-run the pip-compile in its header"


def test_tests_run_the_locked_versions() -> None:
    """`make install` installs with the lock as constraints: what the tests import is what the image ships."""
    installed = {}
    for name in locked():
        try:
            installed[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    assert {n: v for n, v in installed.items() if v != locked()[n]} == {}, "reinstall: make install"


def test_the_cache_dir_is_used_unless_the_checkout_tracks_files_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import subprocess

    from driftbot.github.gitrepo import Git
    from driftbot.github.runner import TRACKED_CACHE, cache_folder

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q")
    assert cache_folder(Git(tmp_path), tmp_path, None) is None
    assert cache_folder(Git(tmp_path), tmp_path, ".driftbot-cache") == tmp_path / ".driftbot-cache"
    (tmp_path / ".driftbot-cache").mkdir()
    (tmp_path / ".driftbot-cache" / "extract-v1.json").write_text("{}")  # restored by actions/cache: untracked
    assert cache_folder(Git(tmp_path), tmp_path, ".driftbot-cache") == tmp_path / ".driftbot-cache"
    git("add", "-A")  # a pull request that commits "cached" results
    assert cache_folder(Git(tmp_path), tmp_path, ".driftbot-cache") is None
    assert capsys.readouterr().err == TRACKED_CACHE.format(rel=".driftbot-cache") + "\n"


def test_the_actions_audits_fill_the_cache(tmp_path: Path) -> None:
    import shutil

    from driftbot.extract.cache import FILE_NAME
    from driftbot.github.pipeline import AuditOptions, audit

    shutil.copytree(ROOT / "ssot" / "processors", tmp_path / "ssot" / "processors")
    (tmp_path / "cfg.py").write_text("PHASE2 = ['bdl_player_boxscores', 'nbac_schedule', 'br_roster']\n")
    first = audit(tmp_path, AuditOptions(cache_dir=tmp_path / ".driftbot-cache"))
    assert (tmp_path / ".driftbot-cache" / FILE_NAME).is_file()
    # The same report, files_scanned included: the cache folder now in the tree is never scanned.
    assert audit(tmp_path, AuditOptions(cache_dir=tmp_path / ".driftbot-cache")) == first


ACTIONLINT = shutil.which("actionlint", path=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint not installed (dev extra)")
def test_the_example_workflows_pass_actionlint() -> None:
    examples = sorted(str(p) for p in (ROOT / "examples" / "workflows").glob("*.yml"))
    assert any(p.endswith("driftbot-alerts.yml") for p in examples)
    done = subprocess.run([str(ACTIONLINT), *examples], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "")


def test_the_alert_recipe_uses_outputs_the_action_declares() -> None:
    recipe = (ROOT / "examples" / "workflows" / "driftbot-alerts.yml").read_text()
    used = set(re.findall(r"steps\.driftbot\.outputs\.([\w-]+)", recipe))
    assert used == {"new-findings", "max-severity", "pull-request-number", "sarif-file"}
    assert used <= set(ACTION["outputs"])
    assert "slackapi/slack-github-action@" in recipe


def workflows_shown() -> dict[str, list[dict[str, Any]]]:
    """Every workflow we show users: the example, the one `driftbot init` writes, the README's YAML blocks."""
    found = {
        "examples/workflows/driftbot.yml": yaml.safe_load((ROOT / "examples/workflows/driftbot.yml").read_text()),
        "driftbot-workflow.yml": yaml.safe_load((ROOT / "src/driftbot/templates/driftbot-workflow.yml").read_text()),
    }
    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    found |= {f"README block {i}": yaml.safe_load(b) for i, b in enumerate(blocks) if "actions/cache@" in b}
    return {where: [s for job in doc["jobs"].values() for s in job.get("steps", [])] for where, doc in found.items()}


def test_the_shown_workflows_cache_the_folder_the_action_uses() -> None:
    # The Action runs in a container whose working directory is the mounted workspace: its cache folder is
    # `cache-dir` relative to GITHUB_WORKSPACE, as actions/cache's `path` is.
    default = ACTION["inputs"]["cache-dir"]["default"]
    shown = workflows_shown()
    assert len(shown) >= 3
    for where, steps in shown.items():
        cached = [s["with"]["path"] for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
        used = [(s.get("with") or {}).get("cache-dir", default) for s in steps if "driftbot@" in str(s.get("uses", ""))]
        assert cached, where
        assert used, where
        assert set(used) == set(cached) == {default}, where
