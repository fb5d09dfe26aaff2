"""Fuzzing the shell and SQL extractors with hypothesis: any text is read without an exception, in
time that grows about linearly with its size (issue 16). Examples are bounded and each has a deadline."""

from __future__ import annotations

import contextlib
import json
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftbot.extract.cloudbuild import CloudBuildError, parse_cloudbuild
from driftbot.extract.shell import parse_script
from driftbot.extract.sql import extract

# Pieces that exercise the lexers' states: quotes, expansions, heredocs, redirections, operators.
SHELL_PIECES = [
    "gcloud", " scheduler jobs create http ", " pubsub topics create ", " run deploy ", "--schedule=", "--uri ",
    "A=", "$A", "${A}", "${A:-x}", '"${A}"', "$(", ")", "`", "'", '"', "\\", "\\\n", "\n", " ", ";", "&&", "||",
    "|", "&", "<<EOF\n", "EOF\n", "<<-X\n", "> f", "2>&1", "<", "#", "if ", "then ", "fi", "for i in a; do ",
    "done", "{", "}", "case x in", "esac", "$((1+2))", "${#A}", "${A?}", "$$", "$1", "export ", "sudo -u x ",
    "x", "job-", "é", "\t", "\x00",
]  # fmt: skip
SQL_PIECES = [
    "SELECT ", "FROM ", "nba_raw.", "nbac_schedule", "`p.nba_raw.t`", " WHERE ", "a = ", "'", '"', "`", "(", ")",
    "[", "]", ",", ";", "\n", " ", "--", "#", "/*", "*/", "CASE WHEN ", " THEN ", " END", "1", "1.5e", "0x",
    "{{ x }}", "@p", "$", "\\", "r'", "'''", "é", "\t", "JOIN ", "UNION ALL ", "WITH t AS ", "NOT ", "*",
]  # fmt: skip
FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])


def texts(pieces: list[str], max_size: int = 300) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces) | st.text(max_size=3), max_size=max_size).map("".join)


@FUZZ
@given(texts(SHELL_PIECES))
def test_shell_extractor_never_raises(script: str) -> None:
    for cmd in parse_script(script, "deploy.sh"):
        assert cmd.location.line >= 1
        for word in cmd.names:
            word.value.matches("job-x")


@FUZZ
@given(texts(SHELL_PIECES))
def test_cloudbuild_extractor_never_raises(script: str) -> None:
    step = "  - name: gcr.io/cloud-builders/gcloud\n    entrypoint: bash\n"
    text = f"steps:\n{step}    args: ['-c', {json.dumps(script)}]\n"
    with contextlib.suppress(CloudBuildError):  # invalid YAML is reported as unparsable-file
        parse_cloudbuild(text, "cloudbuild.yaml")


@FUZZ
@given(texts(SQL_PIECES))
def test_sql_extractor_never_raises(sql: str) -> None:
    found = extract("q.sql", sql)
    for problem in found.problems:
        assert problem.location.line >= 1
        assert len(problem.message) < 200  # a reason, never a quote of the file


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(SHELL_PIECES), min_size=20, max_size=40).map("".join))
def test_shell_time_grows_linearly(unit: str) -> None:
    """The same text repeated 8 times costs about 8 times as much, not 64 (slack for a busy machine)."""
    small, large = _seconds(parse_script, unit * 25), _seconds(parse_script, unit * 200)
    assert large < 0.05 + 30 * small, (small, large)


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(SQL_PIECES), min_size=20, max_size=40).map("".join))
def test_sql_time_grows_linearly(unit: str) -> None:
    small, large = _seconds(extract, unit * 10), _seconds(extract, unit * 80)
    assert large < 0.5 + 30 * small, (small, large)  # linear: 8x input; quadratic would be 64x


def _seconds(read: object, text: str) -> float:
    assert callable(read)
    started = time.perf_counter()
    read("f", text)
    return time.perf_counter() - started
