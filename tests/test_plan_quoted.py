"""extract/plan.py `quoted_words`: what the stale-comment check (rules/sql.py) takes of each file."""

from __future__ import annotations

from driftbot.extract.plan import aspect, quoted_use, quoted_words


class Counted(str):
    """A word that counts how often it is compared (sorting) and encoded."""

    __slots__ = ()
    compared = 0
    encoded = 0

    def __lt__(self, other: str) -> bool:
        Counted.compared += 1
        return str.__lt__(self, other)

    def encode(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        Counted.encoded += 1
        return str.encode(self, encoding, errors)


def test_quoted_words_finds_each_quoted_word_with_its_offset() -> None:
    data = b"""x = 'br_roster'  # "nbac_schedule" and br_roster unquoted, 'br_roster"\ny = "nbac_schedule"\n"""
    words = {"br_roster", "nbac_schedule", "absent"}
    assert list(quoted_words(data, words)) == [("br_roster", 4), ("nbac_schedule", 19), ("nbac_schedule", 75)]
    assert list(quoted_words(b"nothing here", words)) == []
    assert aspect(quoted_use(words), data) == ["br_roster", "nbac_schedule"]


def test_the_words_are_sorted_and_encoded_once_for_every_file_of_a_run() -> None:
    words = {Counted(w) for w in ("zz_table", "aa_table", "mm_table", "bb_table")}
    files = [b"t = 'mm_table'\n", b"nothing\n", b'u = "aa_table"\n'] * 50
    Counted.compared = Counted.encoded = 0
    found = [w for data in files for w, _ in quoted_words(data, words)]
    assert found == ["mm_table", "aa_table"] * 50
    # Once for the whole run (the first file), not once a file: the rule reads every file with the same set.
    assert (Counted.compared, Counted.encoded) <= (10, 8)
