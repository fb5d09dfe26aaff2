"""The scan's workers send collections to the main process pickled: every field must come back."""

from __future__ import annotations

import copy
import pickle

import pytest

from driftbot.ftypes import Collection, Element, Location

HERE = Location("pkg/mod.py", 300, 17)
ELEMENT = Element("nba_raw.br_roster", HERE, " trailing note")  # a comment: not the default
COLLECTION = Collection("pkg/mod.py", "Config.TABLES[*][1]", "tuple", HERE, (ELEMENT, Element("x", HERE)), 412)


@pytest.mark.parametrize("value", [HERE, ELEMENT, COLLECTION], ids=type)
def test_every_field_survives_pickle_and_copy(value: object) -> None:
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(value, protocol=protocol))
        assert (back, type(back), repr(back), hash(back)) == (value, type(value), repr(value), hash(value))
    assert copy.deepcopy(value) == copy.copy(value) == value


def test_a_pickled_collection_shares_its_location_and_path() -> None:
    back = pickle.loads(pickle.dumps(COLLECTION))
    assert back.elements[0].location is back.location  # one object, as in the worker
    assert back.path is back.location.path
