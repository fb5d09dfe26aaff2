"""The terminal side: "did you mean", NO_COLOR / FORCE_COLOR, the progress bar, coloured diffs."""

from __future__ import annotations

import io

import pytest

from driftbot.cli import main
from driftbot.commands.options import color_wanted
from driftbot.commands.progress import ProgressBar
from driftbot.report.text import color_diff


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["audt"], "invalid choice: 'audt' (choose from "),
        (["audit", "--fial-on", "high"], "unrecognized arguments: --fial-on; did you mean --fail-on?"),
        (["audit", "--format", "concis"], "invalid choice: 'concis' (choose from "),
    ],
)
def test_mistyped_commands_flags_and_choices_get_a_suggestion(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert hint in last
    assert last.endswith(("did you mean 'audit'?", "did you mean --fail-on?", "did you mean 'concise'?"))


def test_no_suggestion_when_nothing_is_close(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["audit", "--zzzzzz"])
    assert capsys.readouterr().err.splitlines()[-1] == "driftbot: error: unrecognized arguments: --zzzzzz"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "tty", "wanted"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
        ({"FORCE_COLOR": "0"}, False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, True, False),  # NO_COLOR wins
    ],
)
def test_color_follows_no_color_force_color_then_the_tty(
    env: dict[str, str], tty: bool, wanted: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert color_wanted(Tty() if tty else io.StringIO()) is wanted


def test_the_progress_bar_counts_each_file_once() -> None:
    bar = ProgressBar()
    bar(0, 20000)  # the scan starts: 20000 files to read
    assert bar.line(20000, 20000) == "reading [" + "#" * 30 + "] 20000/20000"
    # then it parses 616 candidates on top: a phase of its own, not 20001/20616
    assert bar.line(20001, 20616) == "parsing [" + "." * 30 + "] 1/616"
    assert bar.line(20616, 20616) == "parsing [" + "#" * 30 + "] 616/616"


def test_diffs_are_coloured_and_inert() -> None:
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-'br_roster'\n+'br_rosters_current'\n \x1b[2J\n"
    assert color_diff(diff) == (
        "\033[1m--- a/x.py\033[0m\n"
        "\033[1m+++ b/x.py\033[0m\n"
        "\033[36m@@ -1 +1 @@\033[0m\n"
        "\033[31m-'br_roster'\033[0m\n"
        "\033[32m+'br_rosters_current'\033[0m\n"
        " [2J\n"
    )


def test_workflow_annotations_stop_at_10_per_level_and_say_so_first(capsys: pytest.CaptureFixture[str]) -> None:
    from driftbot.ftypes import Location, Report, Severity
    from driftbot.github.review import annotate
    from driftbot.rules.catalog import finding

    highs = [finding("copy-divergence", Location(f"h{i:02}.py", 1, 1), "d", severity=Severity.HIGH) for i in range(12)]
    infos = [finding("unparsable-file", Location(f"i{i:02}.py", 1, 1), "p") for i in range(3)]
    annotate(Report(tuple(highs + infos), files_scanned=15), Severity.LOW)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "::notice::2 more finding(s) in the job summary"
    assert [line.split(" ", 1)[0] for line in lines[1:]] == ["::error"] * 10 + ["::notice"] * 3


def test_workflow_annotations_are_titled_by_the_instance_name(capsys: pytest.CaptureFixture[str]) -> None:
    from driftbot.ftypes import Location, Report, Severity
    from driftbot.github.review import annotate
    from driftbot.rules.catalog import finding

    found = finding("copy-divergence", Location("a.py", 3, 5), "d", severity=Severity.HIGH)
    annotate(Report((found,), files_scanned=1), Severity.LOW, "driftbot infra")
    assert capsys.readouterr().out == "::error file=a.py,line=3,col=5,title=driftbot infra copy-divergence (high)::d\n"


def bar_lines(err: str) -> list[str]:
    """The bar's redraws in what went to stderr, each without its `\\r\\033[K` prefix."""
    return [part for part in err.split("\r\033[K") if part and not part.startswith("driftbot:")]


def counts(lines: list[str], phase: str) -> list[tuple[int, int]]:
    out = []
    for line in lines:
        if line.startswith(phase + " ["):
            done, total = line.rsplit(" ", 1)[1].strip().split("/")
            out.append((int(done), int(total)))
    return out


@pytest.mark.parametrize(
    ("env", "tty", "drawn"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"DRIFTBOT_PROGRESS": "1"}, False, True),
        ({"DRIFTBOT_PROGRESS": "0"}, True, False),
    ],
)
def test_the_bar_is_drawn_on_a_terminal_or_when_forced(
    env: dict[str, str], tty: bool, drawn: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DRIFTBOT_PROGRESS", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    stream = Tty() if tty else io.StringIO()
    bar = ProgressBar(stream)
    bar(0, 10)
    bar(5, 10)
    assert stream.getvalue() == ""  # nothing in the first half second
    bar.start -= ProgressBar.DELAY
    bar(10, 10)
    bar.close()
    assert stream.getvalue() == ("\r\033[Kreading [" + "#" * 30 + "] 10/10\r\033[K" if drawn else "")


def test_a_second_round_of_reading_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTBOT_PROGRESS", "1")
    monkeypatch.setattr(ProgressBar, "DELAY", 0.0)
    stream = io.StringIO()
    bar = ProgressBar(stream, rounds=("", "verifying: "))
    for done, total in [(0, 4), (4, 4), (5, 6), (6, 6), (0, 4), (4, 4), (6, 6)]:
        bar(done, total)
    assert [line.split(" [")[0] + " " + line.rsplit(" ", 1)[1] for line in bar_lines(stream.getvalue())] == [
        "reading 0/4",
        "reading 4/4",
        "parsing 1/2",
        "parsing 2/2",
        "verifying: reading 0/4",
        "verifying: reading 4/4",
        "verifying: parsing 2/2",
    ]


def test_fix_and_init_draw_the_bar_counting_each_file_once(
    example_repo: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DRIFTBOT_PROGRESS", "1")
    monkeypatch.setattr(ProgressBar, "DELAY", 0.0)
    repo = str(example_repo)
    assert main(["fix", repo]) == 1
    err = capsys.readouterr().err
    assert err.endswith("\r\033[Kdriftbot: changed 11 file(s), fixing 11 finding(s)\n")  # the bar is cleared
    lines = bar_lines(err)
    for prefix in ("", "verifying: "):
        reading = counts(lines, prefix + "reading")
        parsing = counts(lines, prefix + "parsing")
        files = reading[0][1]
        assert reading[0] == (0, files)
        assert reading[-1] == (files, files)  # every file once, never more
        assert all(total == files and done <= files for done, total in reading)
        assert parsing[-1][0] == parsing[-1][1]
        assert all(done <= total for done, total in parsing)
    assert counts(lines, "reading")[-1] == counts(lines, "verifying: reading")[-1]

    assert main(["init", repo]) == 0
    lines = bar_lines(capsys.readouterr().err)
    reading, parsing = counts(lines, "reading"), counts(lines, "parsing")
    assert reading[-1][0] == reading[-1][1]
    assert all(total == reading[-1][1] for _, total in reading)
    assert parsing[-1][0] == parsing[-1][1] > 0
