"""The SQL in Python literals, found in CPython's tree, is exactly what the tokenizer finds.

`embedded_sql.python_snippets` walks the file's one CPython parse to the literals that may open a
statement and lexes only those; `embedded_sql.tokenized_snippets` tokenizes the whole file (what it
always did, and still does for a file CPython cannot parse). Differential: every .py file of
networkx (pinned in the test extra), of a generated realistic bench corpus and of the stored one, and
hand-written edge cases give identical snippets (text, pieces: offsets in the file and placeholders).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from driftbot.extract import embedded_sql, python_tree

networkx = pytest.importorskip("networkx")
pytestmark = pytest.mark.skipif(  # the reference: 3.12's tokenizer splits an f-string into FSTRING_* tokens
    sys.version_info >= (3, 12), reason="tokenize reads f-strings as one STRING token only before 3.12"
)
ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDERS = {"project": "p", "self.raw_dataset": "nba_raw", "DATASET": "nba_analytics"}
CHUNKS = 4


def _python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("realistic")
    sys.path.insert(0, str(ROOT / "bench"))  # as when a bench script runs: it imports its neighbours
    try:
        from generate import generate

        generate(root, files=600, seed=3, profile="realistic")
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return _python_files(root)


def _same(text: str) -> tuple[int, bool]:
    """Assert both paths agree on `text`; (snippets found, whether the tree path read it)."""
    new = embedded_sql.python_snippets(text, PLACEHOLDERS)
    assert new == embedded_sql.tokenized_snippets(text, PLACEHOLDERS)
    tree = None if embedded_sql._LONE_CR.search(text) else python_tree.tree_or_none(text)
    read = tree is not None and embedded_sql._literal_runs(tree, text, embedded_sql._statement_quotes(text)) is not None
    return len(new), read


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_networkx_and_the_stored_corpus(chunk: int) -> None:
    files = _python_files(Path(networkx.__file__).resolve().parent) + _python_files(ROOT / "bench" / "corpus")
    found = unread = 0
    for path in files[chunk::CHUNKS]:
        text = path.read_text(encoding="utf-8")
        count, read = _same(text)
        found += count
        unread += not read and python_tree.tree_or_none(text) is not None
    # docstrings opening with "Create", "Update"... read as statements: a real workout (a chunk's share moves
    # with the corpus's files: 10 to 25 snippets each)
    assert found >= 5
    assert unread == 0  # every file CPython parses was read from its tree, none fell back to the tokenizer


def test_a_generated_realistic_corpus(generated: list[Path]) -> None:
    found = 0
    for path in generated:
        count, read = _same(path.read_text(encoding="utf-8"))
        found += count
        assert read, path
    assert found > 500


EDGES = {
    "crlf": 'Q = (\r\n    "SELECT a "  # one\r\n    "FROM nba_raw.t"\r\n)\r\n',
    "lone cr": 'Q = "SELECT a FROM nba_raw.t"\rR = 1\r',
    "non-ascii": 'É = "é"; Q = f"SELECT é FROM {project}.nba_raw.t"  # ü\nR = """ß\nSELECT 1 FROM x"""\n',
    "decorator": '@query("SELECT a FROM nba_raw.t")\ndef f():\n    pass\n@dec\nclass C:\n    "Select rows FROM x"\n',
    "match and except": (
        'match q:\n    case "SELECT a FROM t":\n        pass\n'
        'try:\n    pass\nexcept E("SELECT b FROM u"):\n    run("""WITH c AS (SELECT 1) SELECT * FROM c""")\n'
    ),
    "continuation": 'Q = "SELECT a " \\\n    "FROM nba_raw.t"\nR = b"SELECT 1 FROM t"\n',
    "escapes": "Q = \"SELECT \\\"a\\\" FROM t\"\nR = r\"SELECT \\d FROM t\"\nS = '''SELECT '' FROM \\''''\n",
    "nested in an f-string": "Q = f\"x {'SELECT a FROM t'} y\"\nR = f'''SELECT {\", \".join(c)} FROM {DATASET}.t'''\n",
    "joined f-strings": (
        'def q(self):\n    return ("SELECT * "\n        f"FROM {self.raw_dataset}.t "  # c\n'
        "        \"WHERE x = '{y}'\")\n"
    ),
    "comment quotes": "# \"SELECT a FROM t\"\nQ = 1  # 'select b from u'\n",
    "in a comprehension": 'Q = [run("SELECT a FROM t") for x in ["Update x FROM y"]]\nL = lambda: "Delete FROM t"\n',
    "a syntax error": 'Q = "SELECT a FROM t"\ndef (:\nR = "SELECT b FROM u"\n',
    "bounded": "".join(f'Q{i} = "SELECT * FROM nba_raw.t{i}"\n' for i in range(embedded_sql.MAX_SNIPPETS + 5)),
}


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_cases(name: str) -> None:
    count, read = _same(EDGES[name])
    assert count > 0 or name == "comment quotes"
    assert read == (name not in ("lone cr", "a syntax error"))
