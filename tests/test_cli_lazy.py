"""The command registry imports a command's module only when that command runs."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from driftbot.commands import COMMANDS
from example_helpers import EXAMPLE

HEAVY = (
    *("libcst", "sqlglot", "pydantic", "google", "github", "ruamel", "yaml", "driftbot.audit"),
    *("pathspec", "wcmatch", "multiprocessing"),
)
PROBE = """
import sys
from driftbot.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r} or m.startswith("driftbot."))))
"""


def loaded(argv: list[str]) -> set[str]:
    code = PROBE.format(argv=argv, heavy={h.split(".")[0] for h in HEAVY})
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(out.split("\n")[-2].split())


@pytest.mark.parametrize("argv", [["--help"], ["--version"], []], ids=["help", "version", "nothing"])
def test_top_level_imports_no_command(argv: list[str]) -> None:
    modules = loaded(argv)
    assert {m for m in modules if m.startswith(HEAVY)} == set()
    assert not any(m.startswith("driftbot.commands.") for m in modules)


def test_a_command_imports_only_itself() -> None:
    modules = loaded(["validate", "--help"])
    assert "driftbot.commands.validate" in modules
    others = ("driftbot.commands.audit", "driftbot.commands.fix", "libcst", "sqlglot")
    assert not any(m.startswith(others) for m in modules)


def test_version_is_printed_on_stdout() -> None:
    run = subprocess.run([sys.executable, "-m", "driftbot", "--version"], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.startswith("driftbot ")
    assert run.stderr == ""


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registry_help_is_the_commands_own(name: str) -> None:
    entry = COMMANDS[name]
    assert entry.load().help == entry.help


def test_audit_reads_python_without_libcst() -> None:
    """Detection reads Python with CPython's `ast`: libcst, the parser of every edit, is never imported."""
    modules = loaded(["audit", str(EXAMPLE), "--format", "json", "--no-cache"])
    assert "driftbot.extract.python_ast" in modules
    assert not any(m.split(".")[0] == "libcst" for m in modules)
    assert "driftbot.extract.python" not in modules


def test_the_audit_pipeline_imports_sqlglot_and_http_on_use() -> None:
    """sqlglot only for a file whose SQL is parsed; urllib.request (http, ssl) only for --probe-http."""
    code = "import sys, driftbot.audit; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    modules = set(out.split())
    assert {"driftbot.audit", "driftbot.rules", "driftbot.context"} <= modules
    lazy = ("sqlglot", "libcst", "urllib.request", "http.client", "ssl", "driftbot.probe", "driftbot.inventory.ddl")
    assert sorted(m for m in modules if m.startswith(lazy)) == []


def test_a_warm_audit_imports_no_parser_pool_or_gitignore_reader(tmp_path: Path) -> None:
    """Files from the per-file cache are parsed by nothing (sqlglot, libcst) and start no worker
    (multiprocessing); git lists the files, so the .gitignore reader (pathspec) is not needed either."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    argv = ["audit", str(repo), "--format", "json"]
    assert "sqlglot" in loaded(argv)  # the cold run parses the example's SQL, and fills the cache
    (repo / "bump.txt").write_text("the memo misses: the audit runs, its files come from the cache\n")
    modules = loaded(argv)
    assert "driftbot.audit" in modules
    lazy = ("sqlglot", "libcst", "multiprocessing", "pathspec")
    assert sorted(m for m in modules if m.startswith(lazy)) == []


def test_the_rule_catalog_imports_no_rule() -> None:
    """Suppressions and renderers need the catalog (ids, severities), not the checkers: those load when run."""
    code = "import sys, driftbot.suppress; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    rules = sorted(m for m in out.split() if m.startswith("driftbot.rules."))
    assert rules == ["driftbot.rules.catalog"]


def test_every_checker_is_its_modules_check() -> None:
    from driftbot.rules import CHECKERS, infra, inventory, lists, mirror, names, registry, sql

    modules = (names, lists, registry, sql, mirror, infra, inventory)
    assert dict(CHECKERS) == {m.__name__.rpartition(".")[2]: m.check for m in modules}


def test_an_audit_without_sql_never_imports_sqlglot(tmp_path: Path) -> None:
    (tmp_path / "ssot").mkdir()
    phase = "version: '1.0'\nphase: 2\ndataset: nba_raw\nprocessors:\n"
    phase += "".join(f"  - name: {n}\n    target_table: {n}\n" for n in ("alpha_games", "beta_games"))
    (tmp_path / "ssot" / "phase2.yaml").write_text(phase)
    (tmp_path / "tables.py").write_text("TABLES = ['alpha_games', 'beta_games']\n")
    (tmp_path / "views.sql").write_text("-- no statement creates a table here\nSELECT 1;\n")
    modules = loaded(["audit", str(tmp_path), "--format", "json", "--no-cache"])
    assert "driftbot.audit" in modules
    assert not any(m.split(".")[0] == "sqlglot" for m in modules)


def test_a_json_audit_imports_only_the_json_renderer() -> None:
    """`RENDERERS` imports a renderer's module on lookup; the baseline (a pydantic model) only with --baseline."""
    modules = loaded(["audit", str(EXAMPLE), "--format", "json", "--no-cache"])
    assert "driftbot.report.json_report" in modules
    others = ("driftbot.report.markdown", "driftbot.report.sarif", "driftbot.report.text", "driftbot.baseline")
    assert sorted(m for m in modules if m.startswith(others)) == []


def test_every_renderer_is_its_modules_function() -> None:
    from driftbot.report import RENDERERS, json_report, markdown, sarif, text

    expected = {
        "concise": text.render_concise,
        "json": json_report.render_json,
        "markdown": markdown.render_markdown_full,
        "sarif": sarif.render_sarif,
        "text": text.render_text,
    }
    assert dict(RENDERERS) == expected
    assert len(RENDERERS) == len(expected)


PLUGINS = """
import os, sys
from driftbot.cli import main
try:
    main(["--version"])
except SystemExit:
    pass
print(os.environ.get("PYDANTIC_DISABLE_PLUGINS"))
"""


@pytest.mark.parametrize(("given", "seen"), [(None, "__all__"), ("logfire", "logfire")], ids=["unset", "user's"])
def test_the_cli_skips_pydantic_plugin_discovery_unless_told(given: str | None, seen: str) -> None:
    """Looking for pydantic plugins scans every installed distribution (~15 ms a run); driftbot uses none."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    run = subprocess.run([sys.executable, "-c", PLUGINS], capture_output=True, text=True, check=True, env=env)
    assert run.stdout.split("\n")[-2] == seen


def test_a_run_collects_garbage_less_often_and_gives_the_setting_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run itself has the raised threshold; the caller (tests, the pytest plugin) gets its own back."""
    import gc

    from driftbot import cli

    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(cli, "_main", lambda argv: seen.append(gc.get_threshold()) or 0)
    before = gc.get_threshold()
    assert cli.main(["--version"]) == 0
    assert seen == [cli.GC_THRESHOLD]
    assert gc.get_threshold() == before


_FREED_STAYS = """
import sys
from driftbot.cli import main
if sys.argv[1] == "run":
    try:
        main(["--version"])
    except SystemExit:  # argparse's version action exits
        pass
def rss_kib():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
first = bytearray(20 << 20); del first  # freed: glibc raises its mmap threshold to 20 MiB
before = rss_kib()
second = bytearray(8 << 20); del second  # over the pinned 1 MiB
print((rss_kib() - before) // 1024)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mmap threshold")
def test_a_run_gives_freed_large_buffers_back_to_the_system() -> None:
    def stays(mode: str) -> int:
        out = subprocess.run([sys.executable, "-c", _FREED_STAYS, mode], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[-1])

    assert stays("bare") == 8  # glibc's own behaviour: the freed 8 MiB stay resident
    assert stays("run") == 0


def test_the_ignore_file_model_is_built_on_first_use() -> None:
    """A run without `.driftbot-ignore.yml` never builds its pydantic validator."""
    code = (
        "from driftbot.config import IgnoreFile; a = IgnoreFile.__pydantic_complete__; "
        "IgnoreFile.model_validate({'ignore': [{'rule': 'r', 'reason': 'why'}]}); "
        "print(a, IgnoreFile.__pydantic_complete__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_infrastructure_models_are_built_on_first_use() -> None:
    """A repository without `ssot/infrastructure/` never builds the infrastructure validators."""
    code = (
        "from driftbot.ssot import infra; a = infra.SchedulerFile.__pydantic_complete__; "
        "infra.SchedulerFile.model_validate({'version': '1.0'}); print(a, infra.SchedulerFile.__pydantic_complete__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_an_action_audit_without_fix_does_not_import_libcst(
    example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Action's audit mode (a push) never fixes nor suggests: libcst and `driftbot.fix` stay unloaded."""
    event = tmp_path / "event.json"
    event.write_text("{}")
    for name in ("output", "summary"):
        (tmp_path / name).write_text("")
    for key in [k for k in os.environ if k.startswith(("INPUT_", "GITHUB_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "push")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(example_repo))
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "output"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary"))
    modules = loaded(["action"])
    assert {"driftbot.github.runner", "driftbot.github.pipeline", "driftbot.audit"} <= modules
    assert sorted(m for m in modules if m.split(".")[0] == "libcst" or m.startswith("driftbot.fix")) == []
    assert "findings=" in (tmp_path / "output").read_text()  # the run audited the workspace


def test_the_memos_delta_entry_and_the_prefilters_judgement_import_nothing_heavy() -> None:
    """A delta hit (extract/memo_delta.py) judges changed files with `extract.plan`: neither imports a parser."""
    code = (
        "import sys, driftbot.extract.memo_delta, driftbot.extract.plan\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('driftbot.', 'multiprocessing', "
        "'libcst', 'sqlglot', 'pydantic', 'yaml')))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert set(out.split()) == {
        "driftbot.extract",
        "driftbot.extract.limits",
        "driftbot.extract.memo_delta",
        "driftbot.extract.needles",
        "driftbot.extract.plan",
        "driftbot.extract.scanned",
        "driftbot.gitfiles",
        "driftbot.repofs",
    }
