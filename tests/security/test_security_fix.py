"""`fix` is all-or-nothing: interrupted, killed, raced or run on hard-linked files, no tree is ever mixed.

The interruption tests run `driftbot fix` in a child process on a repository where 300 mirrored
copies must change, slowed down by the test hook `DRIFTBOT_TEST_SLOW_RENAME` (seconds before each
rename) so that the signal lands in the rename phase: it is sent as soon as the first copy changed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from security_helpers import LIMIT, ROOT, driftbot, make_repo

from driftbot.errors import DriftbotError
from driftbot.fix.writer import SLOW_RENAME_ENV, Change, Transaction, journal_path, recover

FILES = 300


def mirror_repo(base: Path) -> Path:
    repo = make_repo(base, "mirrors:\n  - source: tools\n    copies: vendored\n")
    (repo / ".git").mkdir()  # the journal goes to .git/driftbot/
    for d in ("tools", "vendored"):
        (repo / d).mkdir()
    for i in range(FILES):
        (repo / "tools" / f"f{i:03}.txt").write_text(f"new {i}\n")
        (repo / "vendored" / f"f{i:03}.txt").write_text(f"old {i}\n")
    return repo


def copies(repo: Path) -> set[str]:
    """'old' or 'new' for each copy: a fixed tree is {'new'}, an untouched one {'old'}."""
    return {(repo / "vendored" / f"f{i:03}.txt").read_text().split()[0] for i in range(FILES)}


def leftovers(repo: Path) -> list[str]:
    found = [p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.name.endswith(".driftbot")]
    return sorted(found + [p.relative_to(repo).as_posix() for p in repo.rglob("*journal*")])


def start_fix(repo: Path, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), SLOW_RENAME_ENV: "0.02"}
    return subprocess.Popen(
        [sys.executable, "-m", "driftbot", "fix", str(repo), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_rename_phase(repo: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + LIMIT
    while "new" not in copies(repo):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the rename phase never started"
        time.sleep(0.005)
    assert copies(repo) == {"old", "new"}  # mid-phase: some copies renamed, others not yet


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, -signal.SIGTERM)])
def test_a_signal_in_the_rename_phase_rolls_every_file_back(tmp_path: Path, signum: int, code: int) -> None:
    repo = mirror_repo(tmp_path)
    proc = start_fix(repo)
    try:
        wait_for_rename_phase(repo, proc)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=LIMIT)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    assert copies(repo) == {"old"}
    assert leftovers(repo) == []


def test_a_run_killed_outright_is_rolled_back_by_the_next_run(tmp_path: Path) -> None:
    repo = mirror_repo(tmp_path)
    proc = start_fix(repo)
    try:
        wait_for_rename_phase(repo, proc)
        proc.kill()  # SIGKILL: no handler runs; the journal is all that is left
        proc.communicate(timeout=LIMIT)
    finally:
        proc.kill()
    assert copies(repo) == {"old", "new"}
    assert journal_path(repo).is_file()
    run = driftbot("fix", str(repo), "--dry-run")  # rolls the interrupted run back, then plans
    assert run.code == 1, run.err
    assert copies(repo) == {"old"}
    assert leftovers(repo) == []
    assert driftbot("fix", str(repo)).code == 1  # files changed
    assert copies(repo) == {"new"}
    assert leftovers(repo) == []


def test_recovery_keeps_a_file_edited_after_the_interrupted_run(tmp_path: Path) -> None:
    repo = mirror_repo(tmp_path)
    proc = start_fix(repo)
    try:
        wait_for_rename_phase(repo, proc)
        proc.kill()
        proc.communicate(timeout=LIMIT)
    finally:
        proc.kill()
    edited = repo / "vendored" / "f000.txt"
    assert edited.read_text() == "new 0\n"
    edited.write_text("mine\n")
    with pytest.raises(DriftbotError, match=r"except vendored/f000.txt: edited since, so kept as is"):
        recover(repo)
    assert edited.read_text() == "mine\n"
    assert copies(repo) - {"mine"} == {"old"}
    assert not journal_path(repo).exists()


def test_rollback_keeps_an_edit_made_after_the_write(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("a0")
    b.write_text("b0")

    def someone_edits_b_then_verification_fails() -> str:
        b.write_text("b-theirs")
        return "wrong result"

    tx = Transaction([Change(a, "a.txt", b"a0", b"a1"), Change(b, "b.txt", b"b0", b"b1")], tmp_path)
    with pytest.raises(DriftbotError, match=r"^rolled back, except b.txt: edited after driftbot wrote it"):
        tx.commit_verified(someone_edits_b_then_verification_fails)
    assert (a.read_text(), b.read_text()) == ("a0", "b-theirs")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_hard_links_owner_and_mode_are_kept(tmp_path: Path) -> None:
    repo = mirror_repo(tmp_path)
    copy = repo / "vendored" / "f007.txt"
    other = tmp_path / "elsewhere.txt"
    os.link(copy, other)
    copy.chmod(0o640)
    owner = (1234, 2345) if os.getuid() == 0 else (os.getuid(), os.getgid())
    os.chown(copy, *owner)
    inode = copy.stat().st_ino
    run = driftbot("fix", str(repo))
    assert run.code == 1, run.err  # files changed
    info = copy.stat()
    assert (info.st_ino, info.st_nlink, other.read_text()) == (inode, 2, "new 7\n")
    assert ((info.st_uid, info.st_gid), info.st_mode & 0o777) == (owner, 0o640)
    assert copies(repo) == {"new"}
    assert leftovers(repo) == []


def test_owner_is_kept_on_a_renamed_file(tmp_path: Path) -> None:
    if os.getuid() != 0:
        pytest.skip("only root can give a file to another user")
    path = tmp_path / "a.txt"
    path.write_text("a0")
    os.chown(path, 1234, 2345)
    Transaction([Change(path, "a.txt", b"a0", b"a1")], tmp_path).commit()
    info = path.stat()
    assert (path.read_text(), info.st_uid, info.st_gid) == ("a1", 1234, 2345)


def test_writes_outside_the_root_are_refused_by_the_transaction(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    victim = tmp_path / "victim.sh"
    with pytest.raises(DriftbotError, match=r"^../victim.sh: resolves outside the repository .*; nothing was written$"):
        Transaction([Change(root / "../victim.sh", "../victim.sh", None, b"#!/bin/sh\n")], root).commit()
    assert not victim.exists()
    with pytest.raises(DriftbotError, match=r"^.git/hooks/pre-push: is under .git/; nothing was written$"):
        Transaction([Change(root / ".git/hooks/pre-push", ".git/hooks/pre-push", None, b"x")], root).commit()
    assert not (root / ".git").exists()
