"""The memo keys files an audit never reads (extract/scanned.py) by path alone: an edit of one is still
answered from the memo, an edit of anything the audit reads is not, and an audit opens nothing else."""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from driftbot.cli import main
from driftbot.commands import audit as audit_command
from driftbot.extract.scanned import scanned
from example_helpers import EXAMPLE
from test_extract_memo import STALE, Runs, entries, git
from test_warm_scan import opened_under

BENCH_CORPUS = Path(__file__).resolve().parents[1] / "bench" / "corpus" / "realistic"


def committed(repo: Path) -> Path:
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init")
    return repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The example's SSOT, one drifted copy, a README, a tracked text file and one that git ignores."""
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE / "ssot", repo / "ssot")
    files = {
        "jobs/cfg.py": STALE,
        "README.md": "# jobs\n",
        "notes/todo.txt": "first\n",
        ".gitignore": "scratch/\n",
    }
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    return committed(repo)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runs:
    return Runs(monkeypatch, capsys)


def write(rel: str, text: str) -> Callable[[Path], object]:
    def change(repo: Path) -> None:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)

    return change


UNREAD: dict[str, Callable[[Path], object]] = {
    "tracked README edited": write("README.md", "# jobs\n\nMore words.\n"),
    "tracked text file edited and staged": lambda repo: (
        write("notes/todo.txt", "second\n")(repo),
        git(repo, "add", "-A"),
    ),
    ".gitignore edited, same files listed": write(".gitignore", "scratch/\nbuild/\n"),
    "ignored file added": write("scratch/big.py", "X = ['br_roster', 'br_rosters_current']\n"),
}


@pytest.mark.parametrize("change", UNREAD, ids=list(UNREAD))
def test_an_edit_of_a_file_the_audit_never_reads_is_answered_from_the_memo(repo: Path, runs: Runs, change: str) -> None:
    first = runs(repo)
    UNREAD[change](repo)
    assert runs(repo) == first
    assert runs.computed == 1
    assert len(entries(repo)) == 1


READ: dict[str, Callable[[Path], object]] = {
    "python edited": write("jobs/cfg.py", STALE.replace("br_roster", "br_rosters_current")),
    "untracked text file added": write("notes/new.txt", "x\n"),
    "tracked text file deleted": lambda repo: (repo / "notes/todo.txt").unlink(),
    "untracked yaml added": write("jobs/more.yaml", "a: 1\n"),
}


@pytest.mark.parametrize("change", READ, ids=list(READ))
def test_an_edit_of_a_read_file_or_the_file_list_misses(repo: Path, runs: Runs, change: str) -> None:
    runs(repo)
    READ[change](repo)
    runs(repo)
    assert runs.computed == 2


def test_a_scanned_symlink_makes_every_file_count(repo: Path, runs: Runs) -> None:
    """`jobs/linked.py` reads `notes/todo.txt`'s content: the scoped key is off, the text file counts."""
    (repo / "notes/todo.txt").write_text("X = ['br_roster', 'bdl_player_boxscores']\n")
    (repo / "jobs/linked.py").symlink_to("../notes/todo.txt")
    committed(repo)
    first = runs(repo)
    (repo / "notes/todo.txt").write_text("X = ['br_rosters_current', 'bdl_player_boxscores']\n")
    second = runs(repo)
    assert runs.computed == 2
    assert first != second


def test_with_mirrors_every_file_counts(repo: Path, runs: Runs) -> None:
    (repo / "shared/notes.txt").parent.mkdir()
    (repo / "shared/notes.txt").write_text("one\n")
    (repo / "copy/notes.txt").parent.mkdir()
    (repo / "copy/notes.txt").write_text("one\n")
    (repo / ".driftbot.yml").write_text("version: 1\nmirrors:\n  - source: shared\n    copies: copy\n")
    committed(repo)
    first = runs(repo)
    (repo / "copy/notes.txt").write_text("two\n")  # the copy drifts: an unscanned file the mirror rule reads
    second = runs(repo)
    assert runs.computed == 2
    assert '"mirror-divergence"' not in first[1]
    assert '"mirror-divergence"' in second[1]


def opened_by_audit(repo: Path, log: Path) -> list[str]:
    with opened_under(repo, log) as opened:
        code = main(["audit", str(repo), "--format", "json", "--no-cache", "--output", str(log.with_suffix(".json"))])
    assert code in (0, 1)
    return opened


def depends_on(repo: Path, rel: str) -> bool:
    """Whether `rel` is a dependency the memo checks itself (`commands.audit.memo_deps`)."""
    args = argparse.Namespace(path=repo, config=None, ssot=None, inventory=None, offline=False, probe_http=False)
    args.baseline = None
    deps = audit_command.memo_deps(args)
    assert deps is not None
    assert deps.scoped
    full = repo / rel
    return any(full == d or d in full.parents for d in deps.paths)


@pytest.mark.parametrize("corpus", ["bench", "example"])
def test_an_audit_opens_only_scanned_files_and_its_dependencies(tmp_path: Path, corpus: str) -> None:
    """What makes the scoped key sound: outside `mirrors:`, no other repository file is ever opened."""
    repo = tmp_path / "repo"
    shutil.copytree(BENCH_CORPUS if corpus == "bench" else EXAMPLE, repo)
    config = yaml.safe_load((repo / ".driftbot.yml").read_text())
    config.pop("mirrors", None)  # the mirror rule reads every file of a mirror: scoped keys are off then
    (repo / ".driftbot.yml").write_text(yaml.safe_dump(config))
    (repo / "docs.txt").write_text("br_roster nba_raw.br_roster\n")
    committed(repo)
    opened = opened_by_audit(repo, tmp_path / "log")
    assert sum(map(scanned, opened)) > 20  # the watch sees the audit's reads
    unscanned = [p for p in opened if not scanned(p) and not p.startswith(".git/")]
    assert [p for p in unscanned if not depends_on(repo, p)] == []
