"""extract/memo.py: an unchanged repository is answered from the last identical run; any change an audit
can see misses (what it cannot see: tests/test_memo_scope.py)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from driftbot import gitfiles
from driftbot.cli import main
from driftbot.commands import audit as audit_command
from driftbot.extract import memo, memo_delta, plan
from example_helpers import ROOT

STALE = "PHASE2 = [\n    'bdl_player_boxscores',\n    'br_roster',\n]\n"
NAMING = STALE.replace("'br_roster'", "'br_rosters_current'")  # two SSOT names: a candidate
SNAPSHOT = '[{"tableReference": {"projectId": "p", "datasetId": "nba_raw", "tableId": "br_rosters_current"}}]\n'


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "core.fsmonitor=false", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed repository with one drifted copy, a config, an ignore file and a gitignored snapshot."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot" / "processors", repo / "ssot" / "processors")
    files = {
        "jobs/cfg.py": STALE,
        "jobs/other.py": "X = 1\n",
        ".driftbot.yml": "version: 1\ninventory: ['snapshot:inv/tables.json']\n",
        ".driftbot-ignore.yml": "ignore: []\n",
        ".gitignore": "inv/\n",
        "inv/tables.json": SNAPSHOT,
    }
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "init")
    return repo


class Runs:
    """Runs `driftbot audit` in-process, counting the runs the memo did not answer."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.computed = 0
        self.capsys = capsys
        real = audit_command.audit

        def counting(*args: object, **kwargs: object) -> object:
            self.computed += 1
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(audit_command, "audit", counting)

    def __call__(self, repo: Path, *extra: str) -> tuple[int, str]:
        code = main(["audit", str(repo), "--format", "json", *extra])
        return code, self.capsys.readouterr().out


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runs:
    return Runs(monkeypatch, capsys)


def entries(repo: Path) -> list[Path]:
    return sorted((repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME).glob("*.json"))


def delta_entries(repo: Path) -> list[Path]:
    return sorted((repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME / memo_delta.DIR_NAME).glob("*.json"))


def test_unchanged_repository_is_answered_from_the_memo(repo: Path, runs: Runs) -> None:
    first = runs(repo)
    second = runs(repo)
    assert first[0] == 1
    assert second == first  # the exact same JSON and exit code
    assert runs.computed == 1
    assert len(entries(repo)) == 1
    assert json.loads(first[1])["findings"] != []


def write(rel: str, text: str) -> Callable[[Path], object]:
    return lambda repo: (repo / rel).write_text(text)


CHANGES: dict[str, Callable[[Path], object]] = {
    "tracked file edited": write("jobs/cfg.py", NAMING + "X = 2\n"),
    "tracked file deleted": lambda repo: (repo / "jobs/other.py").unlink(),
    "untracked file added": write("jobs/new.py", "Y = 1\n"),
    "change staged": lambda repo: (write("jobs/cfg.py", NAMING + "X = 3\n")(repo), git(repo, "add", "-A")),
    "ssot edited": lambda repo: (repo / "ssot/processors/phase2_raw_processors.yaml").write_text(
        (repo / "ssot/processors/phase2_raw_processors.yaml").read_text() + "\n# edited\n"
    ),
    "config edited": write(".driftbot.yml", "version: 1\ninventory: ['snapshot:inv/tables.json']\n# edited\n"),
    "ignore file edited": write(".driftbot-ignore.yml", "ignore: []\n# edited\n"),
    "gitignored snapshot edited": write("inv/tables.json", SNAPSHOT.replace("current", "old")),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_misses(repo: Path, runs: Runs, change: str) -> None:
    runs(repo)
    CHANGES[change](repo)
    runs(repo)
    assert runs.computed == 2
    again = runs(repo)  # and the changed state is memoised in turn
    assert runs.computed == 2
    assert again[0] in (0, 1)


def test_a_dirty_file_edited_again_misses(repo: Path, runs: Runs) -> None:
    (repo / "jobs/cfg.py").write_text(NAMING + "X = 2\n")
    runs(repo)
    (repo / "jobs/cfg.py").write_text(NAMING + "X = 3\n")  # still "modified", other content
    runs(repo)
    assert runs.computed == 2


@pytest.mark.parametrize(
    "options",
    [["--fail-on", "critical"], ["--offline"], ["--time-budget", "0"], ["--format", "text"]],
    ids=["fail-on", "offline", "time-budget", "format"],
)
def test_another_option_misses(repo: Path, runs: Runs, options: list[str]) -> None:
    runs(repo)
    main(["audit", str(repo), *options])
    runs.capsys.readouterr()
    assert runs.computed == 2


def test_baseline_content_is_a_dependency(repo: Path, runs: Runs, tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    _, text = runs(repo)
    baseline.write_text(text)
    assert runs(repo, "--baseline", str(baseline))[0] == 0
    assert runs(repo, "--baseline", str(baseline))[0] == 0
    assert runs.computed == 2
    baseline.write_text(json.dumps({**json.loads(text), "findings": []}))
    assert runs(repo, "--baseline", str(baseline))[0] == 1
    assert runs.computed == 3


def test_corrupt_or_foreign_entries_are_ignored_and_rewritten(repo: Path, runs: Runs) -> None:
    first = runs(repo)
    (entry,) = entries(repo)
    (delta,) = delta_entries(repo)
    for broken in (b"{not json", b"[]", json.dumps({"format": 99}).encode(), b"\xff" * 10):
        entry.write_bytes(broken)
        delta.write_bytes(broken)
        assert runs(repo) == first
    assert runs.computed == 5
    assert json.loads(entry.read_text())["text"] == first[1]
    entry.unlink()
    entry.symlink_to("/dev/zero")  # never followed
    assert runs(repo) == first


def test_a_forged_entry_for_another_key_is_not_taken(repo: Path, runs: Runs) -> None:
    runs(repo)
    (entry,) = entries(repo)
    doc = json.loads(entry.read_text())
    doc["text"], doc["key"] = "forged", "0" * 64
    entry.write_text(json.dumps(doc))
    assert runs(repo)[1] != "forged"


def test_no_cache_neither_reads_nor_writes(repo: Path, runs: Runs) -> None:
    runs(repo, "--no-cache")
    runs(repo, "--no-cache")
    assert runs.computed == 2
    assert not (repo / ".git" / "driftbot").exists()


def test_cache_dir_holds_the_memo(repo: Path, runs: Runs, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    runs(repo, "--cache-dir", str(where))
    runs(repo, "--cache-dir", str(where))
    assert runs.computed == 1
    assert len(list((where / memo.DIR_NAME).glob("*.json"))) == 1


def test_a_cache_dir_in_the_work_tree_is_no_change(repo: Path, runs: Runs) -> None:
    # As in the Action: an untracked, not ignored .driftbot-cache in the checkout, restored by actions/cache.
    runs(repo, "--cache-dir", str(repo / ".driftbot-cache"))
    runs(repo, "--cache-dir", str(repo / ".driftbot-cache"))
    assert runs.computed == 1


def scanned_count(out: str) -> int:
    count: int = json.loads(out)["summary"]["files_scanned"]
    return count


SCANNED = 7  # jobs/cfg.py, jobs/other.py, .driftbot.yml, .driftbot-ignore.yml and the three SSOT files


def test_a_cache_dir_of_any_name_in_the_work_tree_is_neither_scanned_nor_keyed(repo: Path, runs: Runs) -> None:
    cache = ["--cache-dir", str(repo / "audit-state")]
    assert scanned_count(runs(repo, *cache)[1]) == SCANNED
    assert scanned_count(runs(repo, *cache)[1]) == SCANNED  # the memo answered: the cache's JSON is no change
    assert runs.computed == 1
    (repo / "jobs/cfg.py").write_text(NAMING + "# edited\n")  # a miss: the audit walks again, its cache and memo there
    assert scanned_count(runs(repo, *cache)[1]) == SCANNED
    assert runs.computed == 2


def test_the_cache_dir_is_compared_with_the_repository_resolved(repo: Path, runs: Runs, tmp_path: Path) -> None:
    linked = tmp_path / "linked"  # the repository named through a symlink, its cache by the real path
    linked.symlink_to(repo)
    cache = ["--cache-dir", str(repo / "audit-state")]
    assert scanned_count(runs(linked, *cache)[1]) == SCANNED
    assert scanned_count(runs(linked, *cache)[1]) == SCANNED
    assert runs.computed == 1
    (repo / "jobs/cfg.py").write_text(NAMING + "# edited\n")
    assert scanned_count(runs(linked, *cache)[1]) == SCANNED
    assert runs.computed == 2


def test_a_cache_dir_reached_through_a_symlink_in_the_repository_skips_nothing(repo: Path, runs: Runs) -> None:
    # `state` links to `jobs`: skipping where the cache dir resolves to would hide jobs/ from the audit.
    (repo / "state").symlink_to("jobs")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "link")
    assert scanned_count(runs(repo, "--cache-dir", str(repo / "state"))[1]) == SCANNED
    (repo / "jobs/cfg.py").write_text(NAMING + "# edited\n")
    written = sorted(p.relative_to(repo).as_posix() for p in (repo / "jobs").rglob("*.json"))
    assert written != []  # the cache's files, in jobs/: scanned like any file there
    assert scanned_count(runs(repo, "--cache-dir", str(repo / "state"))[1]) == SCANNED + len(written)
    assert runs.computed == 2


def test_a_cache_dir_holding_tracked_files_is_the_repositorys(repo: Path, runs: Runs) -> None:
    (repo / "audit-state").mkdir()
    (repo / "audit-state/jobs.py").write_text("X = 1\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "tracked")
    cache = ["--cache-dir", str(repo / "audit-state")]
    assert scanned_count(runs(repo, *cache)[1]) == SCANNED + 1
    (repo / "audit-state/jobs.py").write_text(NAMING)  # a change to the repository's file there: a miss
    changed = json.loads(runs(repo, *cache)[1])
    assert runs.computed == 2
    assert changed["summary"]["bindings"] == 1  # the file now holds an SSOT list, and was read


def test_live_inventory_and_http_probe_are_never_memoised(repo: Path, runs: Runs) -> None:
    live = ["--inventory", "bigquery://my-project", "--bigquery-endpoint", "http://127.0.0.1:9"]
    for _ in range(2):
        main(["audit", str(repo), "--format", "json", *live])
    runs.capsys.readouterr()
    assert runs.computed == 2
    assert entries(repo) == []
    assert memo.memoisable(["ddl:sql/**/*.sql", "snapshot:x.json"], probe_http=False)
    assert not memo.memoisable(["snapshot:x.json"], probe_http=True)
    assert not memo.memoisable(["bigquery://p"], probe_http=False)


def test_a_base_ref_is_never_memoised(repo: Path, runs: Runs) -> None:
    git(repo, "branch", "base")
    for _ in range(2):
        runs(repo, "--filter", "changed-files", "--base", "base")
    assert runs.computed == 2  # the REF may move while the tree stays


def test_live_inventory_dropped_by_offline_is_memoised(repo: Path, runs: Runs) -> None:
    (repo / ".driftbot.yml").write_text("version: 1\ninventory: ['bigquery://p', 'snapshot:inv/tables.json']\n")
    runs(repo, "--offline")
    runs(repo, "--offline")
    assert runs.computed == 1


def test_outside_git_there_is_no_memo(tmp_path: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    plain = tmp_path / "plain"
    shutil.copytree(ROOT / "ssot" / "processors", plain / "ssot" / "processors")
    (plain / "cfg.py").write_text(STALE)
    runs(plain)
    runs(plain)
    assert runs.computed == 2
    assert not (tmp_path / "xdg" / "driftbot" / memo.DIR_NAME).exists()


def test_a_dependency_through_a_symlinked_folder_is_not_read(repo: Path, runs: Runs, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "tables.json").write_text(SNAPSHOT)
    shutil.rmtree(repo / "inv")
    (repo / "inv").symlink_to(outside)
    runs(repo)
    runs(repo)
    assert runs.computed == 2  # the snapshot's folder leads out of the repository: no memo
    assert entries(repo) == []


def test_entries_are_bounded(repo: Path, runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "MAX_ENTRIES", 2)
    for n in range(4):
        (repo / "jobs/cfg.py").write_text(NAMING + f"X = {n}\n")
        runs(repo)
    assert len(entries(repo)) == 2
    assert [p.name for p in (repo / ".git/driftbot/cache/memo").iterdir() if p.name.startswith(".")] == []


WRITER = """
import sys
from pathlib import Path
from driftbot.extract import memo
m = memo.Memo(Path(sys.argv[1]), Path(sys.argv[2]), [("writer", "same")])
for n in range(30):
    assert m.store(memo.Answer(sys.argv[3] * 20_000, n % 2), [])
"""


def test_concurrent_writers_leave_a_whole_entry(repo: Path, tmp_path: Path) -> None:
    where = tmp_path / "cache"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(where), str(repo), letter], env=env) for letter in "abcd"
    ]
    assert [p.wait() for p in procs] == [0, 0, 0, 0]
    answer = memo.Memo(where, repo, [("writer", "same")]).lookup()
    assert answer is not None
    assert answer.text in {c * 20_000 for c in "abcd"}
    key = memo.Memo(where, repo, [("writer", "same")]).key
    assert [p.name for p in (where / memo.DIR_NAME).iterdir()] == [f"{key}.json"]  # no temporary file left


# What an `audit --format json` answered by the memo imports (`audit_loads`): none of the pipeline.
MEMO_HIT_MODULES = frozenset(
    {
        "driftbot.cli",
        "driftbot.commands",
        "driftbot.commands.audit",
        "driftbot.commands.options",
        "driftbot.errors",
        "driftbot.extract",
        "driftbot.extract.limits",
        "driftbot.extract.memo",
        "driftbot.extract.scanned",
        "driftbot.ftypes",
        "driftbot.gitfiles",
        "driftbot.repofs",
    }
)


def audit_loads(repo: Path) -> set[str]:
    """The project and heavy-dependency modules one `audit --format json` of `repo` imports, in a fresh process."""
    argv = ["audit", str(repo), "--format", "json"]
    probe = (
        f"import sys\nfrom driftbot.cli import main\nmain({argv!r})\n"
        "print('\\nLOADED', ' '.join(sorted(m for m in sys.modules if m.startswith(('driftbot.', 'libcst', "
        "'sqlglot', 'pydantic', 'yaml')))))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env).stdout
    return set(out.rsplit("LOADED", 1)[1].split())


def test_a_hit_imports_none_of_the_pipeline(repo: Path) -> None:
    audit_loads(repo)
    assert audit_loads(repo) == MEMO_HIT_MODULES


def test_constants_repeated_for_lazy_imports_match() -> None:
    from driftbot.inventory.base import ENDPOINT_ENV
    from driftbot.report import RENDERERS
    from driftbot.report.scope import FILTERS

    assert tuple(sorted(RENDERERS)) == audit_command.FORMATS
    assert tuple(FILTERS) == audit_command.FILTERS
    assert audit_command.ENDPOINT_ENV == ENDPOINT_ENV


def test_the_full_tree_digest_is_of_the_index_entries_as_git_lists_them(repo: Path) -> None:
    """`tree_digest` feeds the index entries one by one (no copy of them is kept): the digest is still
    that of the index entries together, each NUL-terminated as `git ls-files -z -s -v` writes them."""
    index = gitfiles.read(repo)
    trees = memo.tree_digest(repo, index)
    assert trees is not None
    assert index.raw is not None
    staged = b"".join(r + b"\0" for r in index.raw.split(b"\0") if r and r[:2] not in gitfiles.CHANGED_TAGS)
    assert trees.full == hashlib.sha256(staged).hexdigest()


def test_the_dependencies_are_hashed_once_for_both_entries(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashed: list[Path] = []
    real = memo.dep_digest

    def counting(path: Path) -> str | None:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(memo, "dep_digest", counting)
    m = memo.Memo(tmp_path / "cache", repo, [("o", 1)])
    deps = [repo / ".driftbot.yml", repo / "ssot"]
    trace = memo_delta.Trace(irrelevant={"jobs/other.py": plan.blob_id(b"X = 1\n")})
    assert m.store(memo.Answer("report\n", 0), deps, scoped=True)
    assert m.store_delta(memo.Answer("report\n", 0), deps, trace)
    assert sorted(hashed) == sorted(deps)


@pytest.mark.parametrize("items", [1, 2, 3, 10_000])
def test_an_entry_is_written_as_compact_json_whatever_the_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, items: int
) -> None:
    monkeypatch.setattr(memo, "PIECE_ITEMS", items)
    doc = {"a": {f"f{i}.py": "b" * 40 for i in range(5)}, "é": {"x": [1]}, "t": "\u2028", "n": {}}
    assert "".join(memo.json_pieces(doc, items)) == json.dumps(doc, separators=(",", ":"))
    assert memo._write(tmp_path / "m", tmp_path / "m" / "e.json", doc, 4)
    assert (tmp_path / "m" / "e.json").read_text() == json.dumps(doc, separators=(",", ":"))


def test_an_entry_over_its_bound_is_not_written(tmp_path: Path) -> None:
    doc = {"a": {f"f{i}.py": "b" * 40 for i in range(5)}}
    size = len(json.dumps(doc, separators=(",", ":")))
    assert not memo._write(tmp_path / "m", tmp_path / "m" / "e.json", doc, 4, max_bytes=size - 1)
    assert list((tmp_path / "m").iterdir()) == []  # nor its temporary file left
    assert memo._write(tmp_path / "m", tmp_path / "m" / "e.json", doc, 4, max_bytes=size)
