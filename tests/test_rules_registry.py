"""unregistered-processor (rules/registry.py) and its reader of class objects (extract/class_refs.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from driftbot.audit import run_audit
from driftbot.errors import DriftbotError
from driftbot.extract.class_refs import class_collections
from driftbot.ftypes import Collection, Element, Location
from example_helpers import ROOT

GAMEBOOK = ("data_processors/raw/nbacom/gamebook.py", "import logging\n\n\nclass NbacGamebookProcessor:\n    pass\n")
ROUTER = """from data_processors.raw import processors as p

PROCESSOR_REGISTRY = {{
    'ball-dont-lie/boxscores': p.BdlPlayerBoxScoresProcessor,
    'bigdataball/play-by-play': p.BigDataBallPbpProcessor,
    'nba-com/schedule': p.NbacScheduleProcessor(),
{extra}    'odds-api/game-lines': p.OddsGameLinesProcessor,
}}
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    shutil.copytree(ROOT / "ssot", tmp_path / "ssot")
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def _found(repo: Path, rule: str = "unregistered-processor") -> list[tuple[str, str | None, str, tuple[str, ...]]]:
    return [(str(f.location), f.expected, f.confidence, f.evidence) for f in run_audit(repo).findings if f.rule == rule]


def test_a_router_lacking_a_class_the_code_defines_is_reported_with_its_evidence(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"data_processors/main.py": ROUTER.format(extra=""), GAMEBOOK[0]: GAMEBOOK[1]})
    report = run_audit(repo)
    [f] = [f for f in report.findings if f.rule == "unregistered-processor"]
    assert str(f.location) == "data_processors/main.py:3:22"
    assert f.message == (
        "PROCESSOR_REGISTRY does not register NbacGamebookProcessor (phase 2 processor nbac_gamebook_player_stats): "
        "its output is dropped"
    )
    assert (f.symbol, f.expected, f.actual, f.fixable, f.ssot) == (
        "PROCESSOR_REGISTRY",
        "NbacGamebookProcessor",
        None,
        False,
        "ssot/processors/phase2_raw_processors.yaml",
    )
    assert f.confidence == "certain"
    assert f.evidence == (
        "PROCESSOR_REGISTRY holds the classes of 4 of the 5 required phase 2 processors",
        "PROCESSOR_REGISTRY holds class objects (a router instantiates from it)",
        "its name PROCESSOR_REGISTRY says 'registry'",
        "class NbacGamebookProcessor is defined at data_processors/raw/nbacom/gamebook.py:4:7",
    )


def test_registered_undefined_or_optional_classes_are_silent(tmp_path: Path) -> None:
    gamebook = "    'nba-com/gamebooks': p.NbacGamebookProcessor,\n"
    assert _found(_repo(tmp_path / "a", {"main.py": ROUTER.format(extra=gamebook), GAMEBOOK[0]: GAMEBOOK[1]})) == []
    assert _found(_repo(tmp_path / "b", {"main.py": ROUTER.format(extra="")})) == []  # defined nowhere
    # br_rosters_current is `required: false`: a router may leave its class out
    roster = ("processors/roster.py", "class BasketballRefRosterProcessor:\n    pass\n")
    files = {"main.py": ROUTER.format(extra=gamebook), roster[0]: roster[1], GAMEBOOK[0]: GAMEBOOK[1]}
    assert _found(_repo(tmp_path / "c", files)) == []


def test_a_dict_of_class_names_to_class_objects_is_one_registry(tmp_path: Path) -> None:
    router = (
        "REGISTRY = {\n    'BdlPlayerBoxScoresProcessor': BdlPlayerBoxScoresProcessor,\n"
        "    'BigDataBallPbpProcessor': BigDataBallPbpProcessor,\n    'NbacScheduleProcessor': NbacScheduleProcessor,\n"
        "    'OddsGameLinesProcessor': OddsGameLinesProcessor,\n}\n"
    )
    found = _found(_repo(tmp_path, {"router.py": router, GAMEBOOK[0]: GAMEBOOK[1]}))
    assert [(where, expected) for where, expected, _, _ in found] == [("router.py:1:12", "NbacGamebookProcessor")]


def test_a_misspelt_class_is_the_name_rules_business_not_a_missing_registration(tmp_path: Path) -> None:
    router = ROUTER.format(extra="    'nba-com/gamebooks': p.NbacGambookProcessor,\n")
    repo = _repo(tmp_path, {"main.py": router, GAMEBOOK[0]: GAMEBOOK[1]})
    assert _found(repo) == []


def test_an_alias_class_registers_its_processor(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"main.py": ROUTER.format(extra="    'nba-com/gamebooks': p.GamebookProcessorV2,\n")})
    ssot = repo / "ssot/processors/phase2_raw_processors.yaml"
    alias = "    class: NbacGamebookProcessor\n    classes: [GamebookProcessorV2]\n"
    ssot.write_text(ssot.read_text().replace("    class: NbacGamebookProcessor\n", alias))
    (repo / GAMEBOOK[0]).parent.mkdir(parents=True)
    (repo / GAMEBOOK[0]).write_text(GAMEBOOK[1])
    assert _found(repo) == []


def test_a_router_lacking_two_of_five_is_not_taken_for_the_registry(tmp_path: Path) -> None:
    router = ROUTER.format(extra="").replace("    'odds-api/game-lines': p.OddsGameLinesProcessor,\n", "")
    odds = ("processors/odds.py", "class OddsGameLinesProcessor:\n    pass\n")
    assert _found(_repo(tmp_path, {"main.py": router, GAMEBOOK[0]: GAMEBOOK[1], odds[0]: odds[1]})) == []


def test_keys_that_are_a_complete_copy_leave_the_dict_to_missing_name(tmp_path: Path) -> None:
    router = (
        "EXPECTED_PROCESSORS = {\n    'bdl_player_boxscores': BdlPlayerBoxScoresProcessor,\n"
        "    'bigdataball_play_by_play': BigDataBallPbpProcessor,\n    'nbac_schedule': NbacScheduleProcessor,\n"
        "    'odds_api_game_lines': OddsGameLinesProcessor,\n"
        "    'br_rosters_current': BasketballRefRosterProcessor,\n}\n"
    )
    repo = _repo(tmp_path, {"router.py": router, GAMEBOOK[0]: GAMEBOOK[1]})
    assert _found(repo) == []
    assert [(where, expected) for where, expected, _, _ in _found(repo, "missing-name")] == [
        ("router.py:1:23", "nbac_gamebook_player_stats")
    ]


def test_a_bound_registry_must_hold_every_required_class_defined_or_not(tmp_path: Path) -> None:
    config = "bindings:\n  - files: jobs/*.py\n    symbol: HANDLED\n    ssot: phase2\n    field: class\n"
    handled = "HANDLED = ['NbacScheduleProcessor', 'OddsGameLinesProcessor']\n"
    files = {".driftbot.yml": config, "jobs/router.py": handled}
    why = ("bound as the registry of phase 2 in .driftbot.yml",)
    assert _found(_repo(tmp_path, files)) == [
        ("jobs/router.py:1:11", "BdlPlayerBoxScoresProcessor", "certain", why),
        ("jobs/router.py:1:11", "BigDataBallPbpProcessor", "certain", why),
        ("jobs/router.py:1:11", "NbacGamebookProcessor", "certain", why),
    ]
    assert _found(tmp_path, "missing-name") == []  # a registry's binding binds no copy of names


def test_a_registry_binding_cannot_be_generated(tmp_path: Path) -> None:
    config = "bindings:\n  - files: r.py\n    symbol: R\n    ssot: phase2\n    field: class\n    generated: true\n"
    repo = _repo(tmp_path, {".driftbot.yml": config})
    with pytest.raises(DriftbotError, match=r"\.driftbot\.yml:2:5: .*registry \(field: class\) cannot be generated"):
        run_audit(repo)


def test_class_objects_are_read_with_the_string_readers_symbols_and_exact_positions() -> None:
    text = (
        "from x import p\n\n\nclass Router:\n    REG = {\n        'a': p.NbacScheduleProcessor,\n"
        "        'é': OddsGameLinesProcessor(),\n        'b': make('x'),\n    }\n\n"
        "    def __init__(self):\n        self.handlers = [NbacScheduleProcessor, OddsGameLinesProcessor]\n\n\n"
        "ONE = [NbacScheduleProcessor, other]\n"
    )
    classes = frozenset({"NbacScheduleProcessor", "OddsGameLinesProcessor"})
    at = "r.py"
    assert class_collections(at, text, classes) == (
        Collection(
            at,
            "Router.REG",
            "dict",
            Location(at, 5, 11),
            (
                Element("NbacScheduleProcessor", Location(at, 6, 16)),
                Element("OddsGameLinesProcessor", Location(at, 7, 14)),
            ),
            9,
        ),
        Collection(
            at,
            "Router.handlers",
            "list",
            Location(at, 12, 25),
            (
                Element("NbacScheduleProcessor", Location(at, 12, 26)),
                Element("OddsGameLinesProcessor", Location(at, 12, 49)),
            ),
            12,
        ),
    )
    assert class_collections(at, "X = [NbacScheduleProcessor,\n", classes) is None  # does not parse: says nothing
