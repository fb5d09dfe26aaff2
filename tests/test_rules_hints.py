"""`decide_rename`: a rename is certain only with evidence; similarity alone is at most likely."""

from __future__ import annotations

import difflib
import random

import pytest

from driftbot.rules.hints import Rename, close_matches, decide_rename, suggest

PHASE2 = ("bdl_player_boxscores", "nbac_schedule", "odds_api_game_lines", "br_rosters_current")


def test_declared_rename_is_certain_even_without_similarity() -> None:
    got = decide_rename("roster_table", PHASE2, declared={"roster_table": "br_rosters_current"})
    assert got == Rename("br_rosters_current", "certain", ("'roster_table' declared renamed_from in the SSOT",))


def test_a_word_that_exists_is_never_renamed() -> None:
    # 0.88 similar to an SSOT table, but a real table of its own (an inventory knows it).
    word = "nbac_player_boxscores"
    assert decide_rename(word, PHASE2, declared={}, exists={word}) is None
    assert decide_rename(word, PHASE2, declared={}) == Rename(
        "bdl_player_boxscores", "likely", ("'bdl_player_boxscores' is the only close name (similarity 0.88)",)
    )


def test_paired_complete_copy_is_certain() -> None:
    got = decide_rename("br_roster", ("br_rosters_current",), declared={}, paired=True)
    assert got == Rename(
        "br_rosters_current",
        "certain",
        (
            "the only unknown name, and 'br_rosters_current' the only missing one",
            "'br_roster' is a prefix of 'br_rosters_current'",
        ),
    )


def test_paired_but_not_close_is_no_rename() -> None:
    assert decide_rename("_completed_count", ("br_rosters_current",), declared={}, paired=True) is None


def test_authoritative_inventory_makes_the_unique_candidate_certain() -> None:
    listed = {"odds_api_game_lines", "nbac_schedule"}
    got = decide_rename("odds_game_lines", ["odds_api_game_lines", "nbac_schedule"], declared={}, listed=listed)
    assert got is not None
    assert got.confidence == "certain"
    assert got.evidence[0] == "'odds_game_lines' is not in the inventory; 'odds_api_game_lines' is"
    # The inventory does not list the candidate: only likely.
    got = decide_rename("odds_game_lines", ["odds_api_game_lines"], declared={}, listed={"nbac_schedule"})
    assert got is not None
    assert got.confidence == "likely"


def test_several_close_candidates_are_only_possible() -> None:
    got = decide_rename("player_game", ("player_game_summary", "player_game_context"), declared={})
    assert got == Rename(
        "player_game_context",
        "possible",
        ("2 close names: player_game_context, player_game_summary",),
        ("player_game_summary",),
    )
    assert got.candidates == ("player_game_context", "player_game_summary")


def test_suggest_keeps_its_contract() -> None:
    assert suggest("nbac_gamebook", ["nbac_gamebook_player_stats", "nbac_schedule"], 0.6) == [
        "nbac_gamebook_player_stats"
    ]
    assert suggest("zzz_unrelated", PHASE2, 0.6) == []


@pytest.mark.parametrize("cutoff", [0.6, 0.8, 0.9])
def test_close_matches_are_difflibs_exactly(cutoff: float) -> None:
    """The letter-count shortcut finds difflib's names in difflib's order (ties in score included)."""
    rng = random.Random(13)
    parts = ["nba", "nbac", "bdl", "odds", "api", "game", "games", "lines", "player", "box", "scores", "br", "x", "_"]
    names = sorted({"_".join(rng.choices(parts, k=rng.randint(1, 5))) for _ in range(400)})
    names += ["ab", "ba", "abc", "acb", "bca", "a", ""]  # equal scores, tiny names
    for _ in range(300):
        word = rng.choice(names)
        if rng.random() < 0.5:  # a typo: one letter dropped or doubled, or the name reversed
            i = rng.randrange(len(word) + 1)
            word = rng.choice([word[:i] + word[i + 1 :], word[:i] + word[i - 1 : i] + word[i:], word[::-1]])
        pool = rng.sample(names, rng.randint(0, 160))
        expected = sorted(set(pool) - {word})
        longer = [c for c in expected if c.startswith(word)]
        want = longer or difflib.get_close_matches(word, expected, n=max(1, len(expected)), cutoff=cutoff)
        assert close_matches(word, pool, cutoff) == want
