"""`driftbot generate`: generated collections from the SSOT, --check, idempotence, hand edits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.cli import main
from driftbot.fix.generate import generate
from example_helpers import FALLBACK, ROOT

BINDING = f"""
bindings:
  - files: "{FALLBACK}"
    symbol: EXPECTED_PROCESSORS
    ssot: phase2
    generated: true
"""

MARKER = (
    "        # driftbot: generated from ssot/processors/phase2_raw_processors.yaml — edit the SSOT, then run "
    "driftbot generate\n"
)
RENDERED = (
    "    EXPECTED_PROCESSORS: List[str] = [\n"
    + MARKER
    + "        'bdl_player_boxscores',        # Daily box scores from Ball Don't Lie API\n"
    "        'bigdataball_play_by_play',    # Per-game play-by-play data\n"
    "        'odds_api_game_lines',         # Pre-game odds and betting lines\n"
    "        'nbac_schedule',               # NBA schedule from NBA.com\n"
    "        'nbac_gamebook_player_stats',  # Official gamebook player stats\n"
    "        'br_rosters_current',          # Current NBA rosters from Basketball Reference\n"
    "    ]\n"
    "\n"
    "EXPECTED_COUNT = len(EXPECTED_PROCESSORS)\n"
)


@pytest.fixture
def repo(example_repo: Path) -> Path:
    with (example_repo / ".driftbot.yml").open("a") as f:
        f.write(BINDING)
    return example_repo


def region_of(text: str) -> str:
    start = text.index("    EXPECTED_PROCESSORS: List[str] = [\n")
    end = text.index("EXPECTED_COUNT = len(EXPECTED_PROCESSORS)\n") + len("EXPECTED_COUNT = len(EXPECTED_PROCESSORS)\n")
    return text[start:end]


def region(repo: Path) -> str:
    return region_of((repo / FALLBACK).read_text())


def test_check_shows_the_diff_then_generate_writes_it(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (repo / FALLBACK).read_bytes()
    assert main(["generate", str(repo), "--check"]) == 1
    out = capsys.readouterr().out
    assert (repo / FALLBACK).read_bytes() == before
    assert out.startswith(f"--- a/{FALLBACK}\n+++ b/{FALLBACK}\n@@ -79,12 +79,13 @@\n")
    assert "-        'br_roster',                  # Basketball-ref rosters\n" in out
    assert "+" + MARKER in out

    assert main(["generate", str(repo)]) == 1
    assert region(repo) == RENDERED
    text = (repo / FALLBACK).read_text()
    assert text.replace(RENDERED, "") == before.decode().replace(region_of(before.decode()), "")


def test_generate_is_idempotent_and_audit_agrees(repo: Path) -> None:
    first = generate(repo)
    assert first.written
    assert first.changed == (FALLBACK,)
    after_first = (repo / FALLBACK).read_bytes()
    second = generate(repo)
    assert (second.changed, second.written) == ((), False)
    assert (repo / FALLBACK).read_bytes() == after_first
    assert main(["generate", str(repo), "--check"]) == 0


def test_hand_edit_of_the_generated_region_fails_the_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(repo)
    path = repo / FALLBACK
    path.write_text(
        path.read_text().replace("        'nbac_schedule',               # NBA schedule from NBA.com\n", "")
    )
    capsys.readouterr()
    assert main(["generate", str(repo), "--check"]) == 1
    captured = capsys.readouterr()
    assert "+        'nbac_schedule',               # NBA schedule from NBA.com\n" in captured.out
    assert "differ from the SSOT in 1 file(s) (hand edit or stale SSOT)" in captured.err
    assert main(["generate", str(repo)]) == 1
    assert region(repo) == RENDERED


def test_stale_ssot_fails_the_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate(repo)
    ssot = repo / "ssot/processors/phase2_raw_processors.yaml"
    ssot.write_text(ssot.read_text().replace("Per-game play-by-play data", "Play-by-play, per game"))
    assert main(["generate", str(repo), "--check"]) == 1
    assert "+        'bigdataball_play_by_play',    # Play-by-play, per game\n" in capsys.readouterr().out


def test_binding_without_a_collection_is_an_error(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with (example_repo / ".driftbot.yml").open("a") as f:
        f.write(BINDING.replace("EXPECTED_PROCESSORS", "NO_SUCH_LIST"))
    assert main(["generate", str(example_repo)]) == 2
    assert capsys.readouterr().err == (
        "driftbot: generated binding 'NO_SUCH_LIST': no list, tuple or set with at least one string by that name "
        f"in files matching '{FALLBACK}'\n"
    )


def test_tuple_at_module_level_in_double_quotes(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    (tmp_path / ".driftbot.yml").write_text(
        "bindings:\n  - files: cfg.py\n    symbol: TABLES\n    ssot: phase4\n"
        "    field: target_table\n    generated: true\n"
    )
    (tmp_path / "cfg.py").write_text('"""Tables."""\nTABLES = ("ml_feature_store_v2",)  # keep\nOTHER = 1\n')
    assert generate(tmp_path).written
    assert (tmp_path / "cfg.py").read_text() == (
        '"""Tables."""\n'
        "TABLES = (\n"
        "    # driftbot: generated from ssot/processors/phase4_precompute_processors.yaml — edit the SSOT, then run "
        "driftbot generate\n"
        '    "player_composite_factors",\n'
        '    "player_shot_zone_analysis",\n'
        '    "team_defense_zone_analysis",\n'
        '    "player_daily_cache",\n'
        '    "ml_feature_store_v2",\n'
        ")  # keep\n"
        "OTHER = 1\n"
    )
    assert not generate(tmp_path).changed
