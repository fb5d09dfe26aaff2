"""The path policy: driftbot reads and writes only regular files inside the repository, never `.git/`.

Each case is a hostile repository as a pull request could make it; driftbot runs in a child
process with a time limit, so a hang (FIFO, /dev/zero) fails the test instead of stalling the suite.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from security_helpers import SECRET, audit, driftbot, make_repo

OUTSIDE = "resolves outside the repository (a symlink or '..')"
SHELL = "#!/bin/sh\ngcloud scheduler jobs create http job-x --schedule='0 3 * * *'\n"
BUILD = "steps:\n  - name: gcr.io/cloud-builders/gcloud\n    args: ['pubsub', 'topics', 'create', 'x']\n"


@pytest.mark.parametrize("name", ["leak.py", "leak.sql", "deploy.sh", "cloudbuild.yaml"])
def test_a_scanned_file_symlinked_out_of_the_repository_is_reported_never_read(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path)
    (repo / name).symlink_to(tmp_path / "secret.txt")
    run = audit(repo)
    assert run.code == 0, run.err
    assert run.findings() == [("unparsable-file", f"{name}:1", f"skipped: {OUTSIDE}")]
    assert SECRET not in run.out + run.err


def test_a_link_into_dot_git_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / ".git").mkdir()
    (repo / ".git" / "config").write_text((tmp_path / "secret.txt").read_text())
    (repo / "leak.sql").symlink_to(".git/config")
    run = audit(repo)
    assert run.findings() == [("unparsable-file", "leak.sql:1", "skipped: is under .git/")]
    assert SECRET not in run.out


@pytest.mark.parametrize("name", ["zero.py", "zero.sql", "zero.sh", "cloudbuild.yaml"])
def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path)
    (repo / name).symlink_to("/dev/zero")
    run = audit(repo, timeout=30)
    assert run.findings() == [("unparsable-file", f"{name}:1", f"skipped: {OUTSIDE}")]


@pytest.mark.parametrize("name", ["pipe.py", "pipe.sql", "pipe.sh", "cloudbuild.yaml"])
def test_a_fifo_is_never_opened(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path)
    os.mkfifo(repo / name)  # opening it for reading would block forever
    run = audit(repo, timeout=30)
    assert run.findings() == [("unparsable-file", f"{name}:1", "skipped: is not a regular file")]


@pytest.mark.parametrize("name", ["deploy.sh", "cloudbuild.yaml", "job.py", "q.sql"])
def test_a_dangling_symlink_or_a_loop_is_a_finding_not_an_internal_error(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path)
    (repo / "sub").mkdir()
    (repo / "sub" / name).symlink_to("missing-target")
    (repo / name).symlink_to(name)  # a loop
    run = audit(repo)
    assert run.code == 0, run.err
    assert run.findings() == [
        ("unparsable-file", f"{name}:1", "skipped: cannot read: Too many levels of symbolic links"),
        ("unparsable-file", f"sub/{name}:1", "skipped: is a dangling symlink"),
    ]


@pytest.mark.parametrize("name", ["deploy.sh", "job.py"])
def test_an_unreadable_file_is_a_finding(tmp_path: Path, name: str) -> None:
    repo = make_repo(tmp_path)
    text = SHELL if name.endswith(".sh") else "X = ['bdl_player_boxscores', 'nbac_schedule']\n"
    (repo / name).write_text(text)
    (repo / name).chmod(0)
    run = audit(repo, unprivileged=True)
    assert run.code == 0, run.err
    assert run.findings() == [("unparsable-file", f"{name}:1", "skipped: cannot read: Permission denied")]


def test_a_deploy_script_over_the_cap_is_reported_not_skipped_silently(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "ssot" / "infrastructure").exists() or pytest.skip("the project SSOT has no infrastructure")
    (repo / "deploy.sh").write_text(SHELL + "#" * 2_100_000 + "\n")
    run = audit(repo)
    assert run.code == 0, run.err
    assert run.findings() == [("unparsable-file", "deploy.sh:1", "skipped: is larger than 2000000 bytes")]


def test_the_config_file_symlinked_out_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (tmp_path / "evil.yml").write_text("exclude: ['**']\n")
    (repo / ".driftbot.yml").symlink_to(tmp_path / "evil.yml")
    run = audit(repo)
    assert (run.code, run.err) == (2, f"driftbot: invalid config: .driftbot.yml:1:1: {OUTSIDE}\n")


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("ssot", "../shared-ssot", "must stay inside the repository (no '..')"),
        ("ssot", "/etc", "must be relative to the repository"),
        ("ignore_file", "../ignore.yml", "must stay inside the repository (no '..')"),
        ("ignore_file", ".git/config", "must not name anything under .git/"),
    ],
)
def test_config_paths_must_stay_inside(tmp_path: Path, key: str, value: str, problem: str) -> None:
    repo = make_repo(tmp_path, f"{key}: {value!r}\n")
    shutil.copytree(repo / "ssot", tmp_path / "shared-ssot")
    run = audit(repo)
    assert (run.code, run.err) == (
        2,
        f"driftbot: invalid config: .driftbot.yml:1:{len(key) + 3}: {key}: Value error, {problem}\n",
    )


def test_an_ssot_directory_symlinked_out_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "ssot: shared\n")
    shutil.copytree(repo / "ssot", tmp_path / "elsewhere")
    (repo / "shared").symlink_to(tmp_path / "elsewhere")
    run = audit(repo)
    assert (run.code, run.err) == (2, f"driftbot: invalid config: ssot: shared: {OUTSIDE}\n")


def test_an_ssot_file_symlinked_out_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    target = repo / "ssot" / "processors" / "phase2_raw_processors.yaml"
    shutil.move(target, tmp_path / "phase2.yaml")
    target.symlink_to(tmp_path / "phase2.yaml")
    run = audit(repo)
    assert run.code == 2
    assert run.err == f"driftbot: invalid SSOT: ssot/processors/phase2_raw_processors.yaml:1:1: {OUTSIDE}\n"


def test_the_ignore_file_symlinked_out_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (tmp_path / "ignore.yml").write_text("ignore: []\n")
    (repo / ".driftbot-ignore.yml").symlink_to(tmp_path / "ignore.yml")
    run = audit(repo)
    assert (run.code, run.err) == (2, f"driftbot: invalid ignore file: .driftbot-ignore.yml:1:1: {OUTSIDE}\n")


def _mirror_repo(tmp_path: Path, copies: str) -> Path:
    repo = make_repo(tmp_path, f"mirrors:\n  - source: tools\n    copies: {copies}\n")
    (repo / "tools").mkdir()
    hook = repo / "tools" / "post-commit"
    hook.write_text("#!/bin/sh\necho pwned\n")
    hook.chmod(0o755)
    (tmp_path / "victim").mkdir()
    return repo


def test_mirror_copies_outside_the_repository_are_refused(tmp_path: Path) -> None:
    """The issue's repro: `copies: "../victim"` wrote an executable hook outside the checkout."""
    repo = _mirror_repo(tmp_path, '"../victim"')
    run = driftbot("fix", str(repo))
    assert run.code == 2
    assert run.err == (
        "driftbot: invalid config: .driftbot.yml:3:13: mirrors.0.copies: Value error, "
        "must stay inside the repository (no '..')\n"
    )
    assert list((tmp_path / "victim").iterdir()) == []


def test_a_mirror_copy_directory_symlinked_out_is_never_written(tmp_path: Path) -> None:
    repo = _mirror_repo(tmp_path, "vendored")
    (repo / "vendored").symlink_to(tmp_path / "victim")
    run = driftbot("fix", str(repo))
    assert run.code == 0, run.err
    assert list((tmp_path / "victim").iterdir()) == []
    report = audit(repo)
    assert report.findings() == [("unparsable-file", "vendored:1", f"mirror not checked: {OUTSIDE}")]


def test_generate_into_outside_the_repository_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "sql:\n  generate_into: ../x.sql\n")
    run = driftbot("sync-queries", str(repo))
    assert run.code == 2
    assert run.err == (
        "driftbot: invalid config: .driftbot.yml:2:18: sql.generate_into: Value error, "
        "must stay inside the repository (no '..')\n"
    )
    assert not (tmp_path / "x.sql").exists()


def test_generate_into_through_a_symlinked_directory_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "sql:\n  generate_into: out/x.sql\n")
    (tmp_path / "victim").mkdir()
    (repo / "out").symlink_to(tmp_path / "victim")
    run = driftbot("sync-queries", str(repo))
    assert (run.code, run.err) == (2, f"driftbot: sql.generate_into: out/x.sql: {OUTSIDE}\n")
    assert list((tmp_path / "victim").iterdir()) == []


def test_generate_into_a_symlinked_file_is_refused(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "sql:\n  generate_into: x.sql\n")
    (repo / "real.sql").write_text("SELECT 1;\n")
    (repo / "x.sql").symlink_to("real.sql")
    run = driftbot("sync-queries", str(repo))
    assert run.code == 2
    assert run.err == "driftbot: sql.generate_into: x.sql: is a symlink; driftbot does not write through links\n"
    assert stat.S_ISLNK((repo / "x.sql").lstat().st_mode)
    assert (repo / "real.sql").read_text() == "SELECT 1;\n"


def test_config_and_ssot_given_as_paths_inside_the_repository_still_obey_the_policy(tmp_path: Path) -> None:
    """The Action passes `tree / inputs.config`: the file is still the pull request's to replace."""
    repo = make_repo(tmp_path)
    (tmp_path / "evil.yml").write_text("exclude: ['**']\n")
    (repo / "cfg.yml").symlink_to(tmp_path / "evil.yml")
    run = audit(repo, "--config", str(repo / "cfg.yml"))
    assert (run.code, run.err) == (2, f"driftbot: invalid config: cfg.yml:1:1: {OUTSIDE}\n")
    shutil.copytree(repo / "ssot", tmp_path / "elsewhere")
    (repo / "linked").symlink_to(tmp_path / "elsewhere")
    run = audit(repo, "--ssot", str(repo / "linked"))
    assert (run.code, run.err) == (2, f"driftbot: SSOT directory linked: {OUTSIDE}\n")
