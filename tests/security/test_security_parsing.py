"""Hostile file content: every parse is bounded, a crash costs one file, nothing hangs (issue 16).

Each case is one a pull request could send; before the limits, each crashed the audit (libcst
segfault), ran for minutes (backtracking, quadratic loops) or was skipped in silence. Every case
runs under a time limit: a child process with a timeout, or SIGALRM in this process.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.commands.init.discover import guess_dataset
from driftbot.extract.cloudbuild import CloudBuildError, parse_cloudbuild
from driftbot.extract.limits import MAX_VALUE_PARTS
from driftbot.extract.shell import Hole, parse_script
from driftbot.extract.sql import extract
from driftbot.extract.workers import Failed, run_isolated
from driftbot.inventory.ddl import declared_in

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 60  # seconds for one CLI run: each case takes a few
PY_DEEP = "could not parse: nested more than the 200-level limit for Python files"


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the block runs longer than `seconds`."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def repo_with(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A repository holding the project's SSOT and `files`."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "ssot", repo / "ssot")
    for rel, content in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return repo


def audit(repo: Path, *args: str) -> tuple[int, list[tuple[str, str, str]]]:
    """`driftbot audit --format json` in a child process (a segfault must not take pytest with it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("DRIFTBOT_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-m", "driftbot", "audit", str(repo), "--format", "json", *args],
        capture_output=True,
        text=True,
        timeout=LIMIT,
        env=env,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    found = [
        (f["rule"], f"{f['path']}:{f['line']}:{f['column']}", f["message"]) for f in json.loads(done.stdout)["findings"]
    ]
    return done.returncode, found


GOOD_PY = "EXPECTED = ['nbac_schedule', 'bdl_player_boxscores']\n"


# --- Python: libcst never sees what would crash it ------------------------------------------------


def test_operator_chain_that_segfaults_libcst_is_an_unparsable_file(tmp_path: Path) -> None:
    evil = "X = ['nbac_schedule', 'bdl_player_boxscores'] " + "+ 1 " * 10_000 + "\n"  # libcst: exit 139
    code, found = audit(repo_with(tmp_path, {"evil.py": evil, "good.py": GOOD_PY}))
    assert (code, found) == (0, [("unparsable-file", "evil.py:1:1", PY_DEEP)])


def test_deep_parentheses_are_an_unparsable_file(tmp_path: Path) -> None:
    evil = "X = ['nbac_schedule', 'bdl_player_boxscores', " + "(" * 5000 + "1" + ")" * 5000 + "]\n"
    code, found = audit(repo_with(tmp_path, {"evil.py": evil}))
    assert (code, found) == (0, [("unparsable-file", "evil.py:1:246", PY_DEEP)])


def test_big_python_file_is_reported_unread(tmp_path: Path) -> None:
    big = GOOD_PY + "Y = 1\n" * 200_000  # 1.25 MB: a 96 MB one used to abort the audit out of memory
    code, found = audit(repo_with(tmp_path, {"big.py": big}))
    message = "could not parse: 1,200,053 bytes is over the 1,000,000-byte limit for Python files"
    assert (code, found) == (0, [("unparsable-file", "big.py:1:1", message)])


def test_deep_but_legal_python_is_still_read(tmp_path: Path) -> None:
    nested = "X = ['nbac_schedule', 'bdl_player_boxscores', " + "(" * 150 + "1" + ")" * 150 + "]\n"
    code, found = audit(repo_with(tmp_path, {"ok.py": nested}))
    assert (code, found) == (0, [])


def crash_on_evil(path: str) -> str:
    """A parse stand-in: dies like libcst's segfault on 'evil', hangs on 'slow', else answers."""
    if path == "evil":
        os.kill(os.getpid(), signal.SIGSEGV)
    if path == "slow":
        time.sleep(30)
    return path.upper()


def test_a_worker_that_dies_costs_its_item_and_the_rest_is_reread() -> None:
    items = ["a", "b", "evil", "c", "d", "slow", "e"]
    with time_limit(30):
        outcomes = run_isolated(crash_on_evil, items, 1, item_seconds=2)
    assert outcomes == [
        "A",
        "B",
        Failed("the parser crashed (SIGSEGV)"),
        "C",
        "D",
        Failed("took longer than 2 s"),
        "E",
    ]


def test_worker_memory_is_capped() -> None:
    with time_limit(30):
        [outcome] = run_isolated(_allocate, [4_000_000_000], 1, memory=500_000_000)
    assert outcome == Failed("out of memory")


def _allocate(size: int) -> int:
    return len(bytearray(size))


# --- shell and Cloud Build: linear matching, bounded expansion -----------------------------------


def test_holes_match_in_linear_time() -> None:
    script = "gcloud scheduler jobs create http " + '"${A}"' * 13 + 'X --schedule="0 6 * * *"\n'
    with time_limit(5):  # was more than 600 s: `.*` thirteen times, backtracking
        [cmd] = parse_script(script, "deploy.sh")
        assert cmd.name is not None
        assert [cmd.name.value.matches(n) for n in ("phase5-retry-1", "aX", "X", "a" * 200 + "Xb")] == [
            False,
            True,
            True,
            False,
        ]


def test_self_doubling_variable_stays_bounded() -> None:
    script = "A=x\n" + 'A="$A$A"\n' * 40 + "gcloud pubsub topics create $A\n"
    with time_limit(5):  # was 2**40 characters: out of memory
        [cmd] = parse_script(script, "deploy.sh")
    parts = cmd.names[0].value.parts
    assert len(parts) <= MAX_VALUE_PARTS
    assert all(isinstance(p, Hole) for p in parts)  # unknown, and small


def test_redos_deploy_script_in_a_full_audit(tmp_path: Path) -> None:
    script = "gcloud scheduler jobs update http " + '"${A}"' * 13 + 'X --schedule="0 6 * * *"\n'
    code, found = audit(repo_with(tmp_path, {"deploy.sh": script}))
    assert (code, found) == (0, [])


def test_cloudbuild_anchor_used_many_times_is_bounded() -> None:
    body = "gcloud pubsub topics create t-" + "x" * 50_000
    text = f"defs:\n  - &s {{name: gcr.io/cloud-builders/gcloud, entrypoint: bash, args: ['-c', '{body}']}}\nsteps:\n"
    text += "  - *s\n" * 100
    with time_limit(10), pytest.raises(CloudBuildError) as caught:
        parse_cloudbuild(text, "cloudbuild.yaml")
    assert (caught.value.line, str(caught.value)) == (
        2,  # the anchored step
        "steps expand to more than the 2,000,000-character limit (an anchor counts at each use)",
    )


def test_deeply_nested_cloudbuild_is_invalid_yaml() -> None:
    text = "steps: " + "[" * 50_000 + "]" * 50_000 + "\n"
    with time_limit(20), pytest.raises(CloudBuildError) as caught:
        parse_cloudbuild(text, "cloudbuild.yaml")
    assert str(caught.value) == "invalid YAML: too deeply nested"


# --- SQL: linear comments, bounded files and statements, no quoted content ------------------------


def test_ten_thousand_comment_lines_are_linear(tmp_path: Path) -> None:
    sql = "-- nba_raw.nbac_schedule row bdl_player_box\n" * 10_000 + "SELECT 1\n"
    repo = repo_with(tmp_path, {"q.sql": sql})
    with time_limit(60):  # was 77 s: the paragraph's words were recomputed for each word
        started = time.monotonic()
        report = run_audit(repo, time_budget=None)
        elapsed = time.monotonic() - started
    found = [(f.rule, str(f.location)) for f in report.findings]
    assert found == [("stale-comment-name", f"q.sql:{i}:30") for i in range(1, 10_001)]
    assert elapsed < 30


def test_hundred_thousand_line_sql_file_is_reported(tmp_path: Path) -> None:
    sql = "SELECT * FROM nba_raw.nbac_schedule;\n" * 100_000
    code, found = audit(repo_with(tmp_path, {"q.sql": sql}))
    message = "cannot read SQL: 3,700,000 bytes is over the 500,000-byte limit for SQL files"
    assert (code, found) == (0, [("unparsable-sql", "q.sql:1:1", message)])


def test_statement_token_and_depth_limits() -> None:
    deep = "SELECT " + "(" * 5000 + "1" + ")" * 5000 + " FROM nba_raw.nbac_schedule;\n"
    long = "SELECT 1 FROM nba_raw.nbac_schedule WHERE x IN (" + "1, " * 12_000 + "1);\n"
    case = "SELECT " + "CASE WHEN a THEN " * 200 + "1" + " END" * 200 + " FROM nba_raw.nbac_schedule;\n"
    with time_limit(30):
        found = extract("q.sql", deep + long + case + "SELECT * FROM nba_raw.nbac_schedule;\n")
    assert [(str(p.location), p.message) for p in found.problems] == [
        ("q.sql:1:1", "statement not parsed: brackets nested more than 40 deep"),
        ("q.sql:2:1", "statement not parsed: more than the 20,000-token limit for one statement"),
        ("q.sql:3:1", "statement not parsed: nested too deeply"),
    ]
    assert [t.table for t in found.tables] == ["nbac_schedule"]


def test_regexes_over_sql_do_not_backtrack() -> None:
    """The placeholder mask was quadratic (`{` + spaces: 3 s for 20 KB)."""
    with time_limit(20):
        [problem] = extract("q.sql", "SELECT 1 FROM nba_raw.nbac_schedule {" + " " * 400_000).problems
        assert (str(problem.location), problem.message) == ("q.sql:1:37", "cannot parse SQL statement: Expected }")


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM nba_raw.nbac_schedule WHERE a = 'ghp_SECRET0123456789 rest of the line\n", 'missing "\'"'),
        ('SELECT * FROM nba_raw.nbac_schedule WHERE a = "ghp_SECRET0123456789\n', "missing '\"'"),
        ("SELECT * FROM nba_raw.nbac_schedule /* ghp_SECRET0123456789\n", None),
    ],
)
def test_tokenizer_errors_never_quote_the_file(sql: str, message: str | None) -> None:
    [problem] = extract("leak.sql", sql).problems
    if message is None:  # sqlglot fails inside the comment without saying why
        assert (str(problem.location), problem.message) == ("leak.sql:1:37", "cannot read SQL: unexpected character")
    else:
        assert (str(problem.location), problem.message) == (
            "leak.sql:1:47",
            f"cannot read SQL: unterminated: {message}",
        )


def test_parse_error_quotes_only_a_short_token() -> None:
    secret = "ghp_" + "S" * 60
    [problem] = extract("q.sql", f"SELECT FROM WHERE {secret} nba_raw.nbac_schedule;\n").problems
    assert secret not in problem.message
    assert problem.message.startswith("cannot parse SQL statement: ")


# --- the time budget -------------------------------------------------------------------------------


def test_budget_lists_what_was_not_checked_and_exits_3(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {f"m{i}.py": GOOD_PY for i in range(8)}
    files["q.sql"] = "SELECT * FROM nba_raw.nbac_schedule;\n"
    files["deploy.sh"] = "gcloud pubsub topics create nba-phase1-scrapers-complete\n"
    code, found = audit(repo_with(tmp_path, files), "--time-budget", "0.000001")
    message = "the 1e-06 s time budget ran out: 10 files were not checked (deploy.sh, m0.py, m1.py, m2.py, m3.py, ...)"
    assert (code, found) == (3, [("time-budget-exceeded", "deploy.sh:1:1", message)])


def test_no_budget_finding_within_the_budget(tmp_path: Path) -> None:
    code, found = audit(repo_with(tmp_path, {"m.py": GOOD_PY}), "--time-budget", "300")
    assert (code, found) == (0, [])


@pytest.mark.parametrize("opener", ["/*a", "'''a", '"""a'])
def test_unclosed_comments_in_repository_ddl_are_read_in_linear_time(opener: str) -> None:
    text = "CREATE TABLE nba_raw.kept (x INT64);\n" + opener * 200_000  # 600 KB; `/*a` took 10 s at 60 KB
    with time_limit(5):
        assert [t.table for t in declared_in(text, "schema.sql")] == ["kept"]


def test_init_dataset_guess_reads_a_long_identifier_in_linear_time() -> None:
    text = "SELECT * FROM nba_raw.bdl_player_boxscores WHERE " + "a" * 500_000  # was quadratic: ~minutes
    with time_limit(5):
        assert guess_dataset(["bdl_player_boxscores"], [text]) == "nba_raw"
