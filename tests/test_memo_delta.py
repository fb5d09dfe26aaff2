"""The memo's delta entry (extract/memo_delta.py): after an edit that changes files the report provably does
not depend on, the memo answers byte for byte what a fresh `--no-cache` audit prints; every other edit misses.

Differential: many edits (random and adversarial) on the bench precision corpus and the example, each answer
compared with a fresh audit's; the edits that must miss are asserted to miss, the irrelevant ones to hit."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from driftbot.extract import memo, memo_delta, plan
from example_helpers import EXAMPLE
from test_extract_memo import MEMO_HIT_MODULES, Runs, audit_loads
from test_memo_scope import BENCH_CORPUS, committed
from test_warm_scan import opened_under

FORCED = "orchestration/cloud_functions/phase3_to_phase4/main.py"  # bound in the bench corpus' config
TABLES = ("nbac_schedule", "odds_api_game_lines", "bdl_player_boxscores")  # SSOT names of both corpora
CLASSES = ("NbacScheduleProcessor", "OddsGameLinesProcessor")


def git(repo: Path, *args: str) -> None:
    who = ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "-c", "core.fsmonitor=false", *who, *args], cwd=repo, check=True, capture_output=True)


def corpus(tmp_path: Path, name: str, *, mirrors: bool = False) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(BENCH_CORPUS if name == "bench" else EXAMPLE, repo)
    if not mirrors:  # the mirror rule reads every file of a mirror: no delta entry then
        config = yaml.safe_load((repo / ".driftbot.yml").read_text())
        config.pop("mirrors", None)
        (repo / ".driftbot.yml").write_text(yaml.safe_dump(config))
    return committed(repo)


def delta_entry(repo: Path) -> dict[str, object]:
    (path,) = (repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME / memo_delta.DIR_NAME).glob("*.json")
    doc: dict[str, object] = json.loads(path.read_text())
    return doc


def irrelevant(repo: Path) -> list[str]:
    found = delta_entry(repo)["irrelevant"]
    assert isinstance(found, dict)
    return sorted(found)


class Differential:
    """Runs the memoised audit and a fresh one after each edit; counts the memo's answers."""

    def __init__(self, repo: Path, runs: Runs) -> None:
        self.repo = repo
        self.runs = runs
        self.hits = self.misses = 0
        runs(repo)  # fills the cache, the memo and the delta entry

    def check(self, what: str) -> bool:
        """Whether the memo answered (the audit did not run); asserts it answered what a fresh audit says."""
        before = self.runs.computed
        answered = self.runs(self.repo)
        hit = self.runs.computed == before
        fresh = self.runs(self.repo, "--no-cache")
        assert answered == fresh, what
        self.hits += hit
        self.misses += not hit
        return hit


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runs:
    return Runs(monkeypatch, capsys)


def append(repo: Path, rel: str, text: str) -> None:
    with (repo / rel).open("a") as fh:
        fh.write(text)


Edit = Callable[[Path, str], object]
IRRELEVANT_EDITS: dict[str, Edit] = {
    "a line naming nothing": lambda repo, rel: append(repo, rel, "\n_delta_probe = 1\n"),
    "one SSOT name, in a comment": lambda repo, rel: append(repo, rel, f"\n# see {TABLES[0]}\n"),
    "one SSOT name, in a list": lambda repo, rel: append(repo, rel, f"\n_ONE = ['{TABLES[1]}']\n"),
    "two names glued to words": lambda repo, rel: append(repo, rel, f"\n# x{TABLES[0]} {TABLES[1]}_v2\n"),
    "a SQL word without a dataset": lambda repo, rel: append(repo, rel, "\n# select a from b join c\n"),
    "half the file removed": lambda repo, rel: (repo / rel).write_bytes((repo / rel).read_bytes()[:50]),
    "emptied": lambda repo, rel: (repo / rel).write_bytes(b""),
    "not UTF-8": lambda repo, rel: (repo / rel).write_bytes((repo / rel).read_bytes() + b"\n# caf\xe9\n"),
}
RELEVANT_EDITS: dict[str, Edit] = {
    "two SSOT names in a comment": lambda repo, rel: append(repo, rel, f"\n# {TABLES[0]} {TABLES[1]}\n"),
    "a copied list": lambda repo, rel: append(repo, rel, f"\nPHASE = ['{TABLES[0]}', '{TABLES[2]}']\n"),
    "a dataset and FROM (embedded SQL)": lambda repo, rel: append(
        repo, rel, '\nQ = "SELECT * FROM nba_raw.not_a_table_anywhere"\n'
    ),
    "a Cloud Run URL": lambda repo, rel: append(repo, rel, '\nURL = "https://nope-abc.a.run.app/x"\n'),
    "two SSOT classes": lambda repo, rel: append(repo, rel, f"\nREG = [{CLASSES[0]}, {CLASSES[1]}]\n"),
    "made too big": lambda repo, rel: append(repo, rel, "\n" + "# padding\n" * 110_000),
}


@pytest.mark.parametrize("name", ["bench", "example"])
def test_irrelevant_edits_are_answered_and_relevant_ones_miss(tmp_path: Path, runs: Runs, name: str) -> None:
    repo = corpus(tmp_path, name)
    diff = Differential(repo, runs)
    plain = irrelevant(repo)
    assert len(plain) > 10
    names = [bytes.fromhex(n) for n in delta_entry(repo)["names"]]  # type: ignore[union-attr]
    screens = [plan.Screen.from_doc(doc) for _, doc in delta_entry(repo)["screens"]]  # type: ignore[union-attr]
    needles = [*names, *(n for screen in screens for n in screen.needles)]
    unnamed = [rel for rel in plain if not any(n in (repo / rel).read_bytes() for n in needles)]
    target = max(unnamed, key=lambda rel: (repo / rel).stat().st_size)  # the edits add one name at most
    original = (repo / target).read_bytes()
    for what, edit in IRRELEVANT_EDITS.items():
        edit(repo, target)
        assert diff.check(what), what
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "--allow-empty", "-m", what)  # committed: the index names the new blob
        assert diff.check(f"{what}, committed"), what
        (repo / target).write_bytes(original)
        git(repo, "commit", "-q", "--allow-empty", "-am", f"{what} undone")
        assert diff.check(f"{what} undone"), what
    for what, edit in RELEVANT_EDITS.items():
        git(repo, "checkout", "-q", "--", ".")
        edit(repo, target)
        assert not diff.check(what), what
        git(repo, "checkout", "-q", "--", ".")
        assert diff.check(f"{what}, undone")  # the state of the last stored entry again: a hit


@pytest.mark.parametrize("name", ["bench", "example"])
def test_random_edits_answer_as_a_fresh_audit(tmp_path: Path, runs: Runs, name: str) -> None:
    repo = corpus(tmp_path, name)
    diff = Differential(repo, runs)
    rng = random.Random(f"delta-{name}")
    py = sorted(str(p.relative_to(repo)) for p in repo.rglob("*.py") if ".git" not in p.parts)
    edits = [*IRRELEVANT_EDITS.values(), *RELEVANT_EDITS.values()]
    for step in range(14):
        rel = rng.choice(py)
        edit = rng.choice(edits) if rng.random() < 0.4 else IRRELEVANT_EDITS["a line naming nothing"]
        edit(repo, rel)
        if rng.random() < 0.5:
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", f"step {step}")
        diff.check(f"step {step}: {rel}")
    assert diff.hits >= 3
    assert diff.misses >= 1


def edit_forced(repo: Path) -> None:
    append(repo, FORCED, "\n_delta_probe = 1\n")


def symlinked(repo: Path, rel: str, other: str) -> None:
    (repo / rel).unlink()
    (repo / rel).symlink_to(os.path.relpath(repo / other, (repo / rel).parent))


def test_what_must_miss_misses_on_the_bench_corpus(tmp_path: Path, runs: Runs) -> None:
    repo = corpus(tmp_path, "bench")
    diff = Differential(repo, runs)
    plain = irrelevant(repo)
    a, b = plain[0], plain[1]
    relevant_py = [p for p in (str(p.relative_to(repo)) for p in repo.rglob("*.py")) if p not in plain]
    (repo / a).chmod(0o755)  # listed as modified, same content: the report cannot change
    assert diff.check("an irrelevant file made executable")
    (repo / a).chmod(0o644)
    cases: dict[str, Callable[[], object]] = {
        "a forced file edited": lambda: edit_forced(repo),
        "a candidate edited": lambda: append(repo, sorted(relevant_py)[0], "\n_delta_probe = 1\n"),
        "a .sql file edited": lambda: append(repo, "schemas/bigquery/raw/bdl_tables.sql", "\n-- edited\n"),
        "a deploy script edited": lambda: append(repo, "bin/phase5/retry_schedules.sh", "\n# edited\n"),
        "an irrelevant file renamed": lambda: git(repo, "mv", a, a.replace(".py", "_moved.py")),
        "an irrelevant file deleted": lambda: (repo / a).unlink(),
        "an irrelevant file added": lambda: (repo / "extra_delta.py").write_text("X = 1\n"),
        "an irrelevant file made a symlink": lambda: symlinked(repo, a, b),
        "the SSOT edited": lambda: append(repo, "ssot/processors/phase2_raw_processors.yaml", "\n# edited\n"),
    }
    for what, change in cases.items():
        change()
        assert not diff.check(what), what
        git(repo, "reset", "-q", "--hard")
        git(repo, "clean", "-q", "-fd")
        diff.check(f"{what}, undone")


def test_an_unreadable_file_is_never_answered_wrong(tmp_path: Path, runs: Runs) -> None:
    repo = corpus(tmp_path, "bench")
    diff = Differential(repo, runs)
    target = irrelevant(repo)[0]
    append(repo, target, "\n_delta_probe = 1\n")
    (repo / target).chmod(0)
    try:
        hit = diff.check("unreadable")
    finally:
        (repo / target).chmod(0o644)
    if os.geteuid() != 0:  # root reads it anyway: then it is an irrelevant edit like another
        assert not hit


def test_with_mirrors_no_delta_entry_is_written(tmp_path: Path, runs: Runs) -> None:
    repo = corpus(tmp_path, "example", mirrors=True)
    diff = Differential(repo, runs)
    assert not (repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME / memo_delta.DIR_NAME).exists()
    append(repo, "shared/config/orchestration_config.py", "\n_delta_probe = 1\n")
    assert not diff.check("a mirrored file edited")


def test_what_a_checker_takes_of_an_irrelevant_file_counts(tmp_path: Path, runs: Runs) -> None:
    """A list that may name classes makes the list rule read every Python file's `class` lines
    (`AuditContext.defined_classes`), and stale SQL comments make it look for quoted words everywhere
    (`rules.sql.values_in_repo`): a change there misses, any other change of the file is answered."""
    repo = corpus(tmp_path, "bench")  # both happen on the bench corpus
    diff = Differential(repo, runs)
    aspects = delta_entry(repo)["aspects"]
    assert isinstance(aspects, dict)
    target = irrelevant(repo)[0]
    assert sorted(use.split(":")[0] for use, _ in aspects[target]) == ["class-lines", "quoted"]
    append(repo, target, "\n# a comment\n")
    assert diff.check("a comment")
    append(repo, target, "\nclass NbacGamebookProcesor:\n    pass\n")  # the misspelled class a list names
    assert not diff.check("a class added")
    git(repo, "checkout", "-q", "--", ".")
    diff.check("undone")
    append(repo, target, "\nX = 'br_roster'\n")  # the word a stale comment names, in use
    assert not diff.check("a quoted word added")


@pytest.mark.parametrize("name", ["bench", "example"])
def test_a_warm_audit_opens_no_irrelevant_file(tmp_path: Path, runs: Runs, name: str) -> None:
    """What makes the delta sound besides the prefilter: every file the audit reads whole outside the
    scan is logged (`repofs.logged`) and left out; here the opens of a warm audit (the scan opens no
    unchanged file) are watched by an audit hook and none is an irrelevant file."""
    repo = corpus(tmp_path, name)
    runs(repo)
    shutil.rmtree(repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME)
    with opened_under(repo, tmp_path / "log") as opened:
        runs(repo)
    assert runs.computed == 2
    aspects = delta_entry(repo)["aspects"]
    assert isinstance(aspects, dict)
    plain = set(irrelevant(repo))
    assert any(p.endswith(".yaml") for p in opened)  # the watch sees the audit's reads
    assert [p for p in opened if p in plain and p not in aspects] == []  # read only for what `aspects` keeps


def test_corrupt_or_forged_delta_entries_miss(tmp_path: Path, runs: Runs) -> None:
    repo = corpus(tmp_path, "bench")
    diff = Differential(repo, runs)
    target = irrelevant(repo)[0]
    (path,) = (repo / ".git" / "driftbot" / "cache" / memo.DIR_NAME / memo_delta.DIR_NAME).glob("*.json")
    good = json.loads(path.read_text())
    broken: list[object] = [
        {**good, "format": 2},
        {**good, "key": "0" * 64},
        {**good, "irrelevant": {target: "x" * 40}},
        {**good, "irrelevant": {target.replace(".py", ".sql"): good["irrelevant"][target]}},
        {**good, "irrelevant": []},
        {**good, "names": ["zz"]},
        {**good, "names": "ab"},
        {**good, "min_hits": True},
        {**good, "min_hits": 0},
        {**good, "screens": [["sql", ["nope", [], [], ""]]]},
        {**good, "screens": [["sql", ["sql", [".py"], ["zz"], ""]]]},
        {**good, "screens": {}},
        {**good, "rest": None},
        {**good, "text": 3},
        {**good, "exit": True},
        [good],
    ]
    for n, doc in enumerate(broken):
        append(repo, target, f"\n_probe_{n} = 1\n")
        path.write_text(json.dumps(doc))
        assert not diff.check(f"broken entry {n}"), doc
        path.write_text(json.dumps(good))
    append(repo, target, "\n_probe_last = 1\n")
    path.write_bytes(b"\xff" * 100)
    assert not diff.check("not JSON")


def test_screens_choose_as_their_readers() -> None:
    """Each reader's `screen` is its choice as data: the same answer on the same bytes."""
    from driftbot.extract.class_refs import ClassRefReader
    from driftbot.extract.embedded_sql import EmbeddedReader
    from driftbot.extract.infra_refs import WrittenReader

    readers = [
        EmbeddedReader((b"nba_raw", b"nba_analytics"), (("D", "2024"),)),
        WrittenReader("ssot/", (b"topic-a", b"svc")),
        ClassRefReader((b"AProcessor", b"BProcessor", b"CProcessor")),
    ]
    rng = random.Random(7)
    pieces = [b"nba_raw", b"FROM", b"from", b"for t in x", b".{", b"AProcessor", b"BProcessor", b".run.app"]
    pieces += [b"topic-a", b"svc", b" ", b"\n", b"_", b"x", b"join", b'"', b"'"]
    paths = ["a.py", "tests/a.py", "ssot/a.py", "b.yaml", "cloudbuild.yaml", "c.sh", "test_x.py"]
    for _ in range(2000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        path = rng.choice(paths)
        for reader in readers:
            screen = plan.Screen.from_doc(json.loads(json.dumps(reader.screen().doc())))
            assert screen.suffixes == reader.suffixes
            assert screen.wants(path, data) == reader.wants(path, data), (reader, path, data)


def test_a_delta_hit_imports_no_parser(tmp_path: Path) -> None:
    repo = corpus(tmp_path, "bench")
    audit_loads(repo)
    append(repo, irrelevant(repo)[0], "\n_delta_probe = 1\n")
    judged = {"driftbot.extract.memo_delta", "driftbot.extract.needles", "driftbot.extract.plan"}
    assert audit_loads(repo) == MEMO_HIT_MODULES | judged
