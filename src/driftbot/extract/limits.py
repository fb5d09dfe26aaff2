"""How much work one file may cost, checked before it is parsed. The README's "Limits" lists these.

A pull request controls what driftbot reads, so every parser gets a bounded input: a file over a
limit is not parsed and becomes an `unparsable-file` finding (info) that names the limit, never
silence. The values keep the slowest legitimate file to about a second of work.
"""

from __future__ import annotations

MAX_PYTHON_BYTES = 1_000_000  # libcst parses ~0.8 MB/s and needs ~400 MB per MB of source
MAX_PYTHON_DEPTH = 200  # syntax tree levels (CPython's own parser stops at 200 nested brackets)
MAX_PYTHON_NODES = 250_000  # syntax tree nodes of the statements libcst parses
MAX_SQL_BYTES = 500_000
MAX_DDL_BYTES = 20_000_000  # a .sql file read for its CREATE statements (only their heads are tokenized)
MAX_SQL_TOKENS = 100_000  # per file (sqlglot parses ~10k tokens a second)
MAX_SQL_STATEMENT_TOKENS = 20_000  # per statement: a larger one is reported, the others are still read
MAX_SQL_DEPTH = 40  # nested parentheses in one statement (sqlglot recurses ~20 frames per level)
MAX_SCRIPT_BYTES = 2_000_000  # a deploy script (`*.sh`, `*.bash`), a `cloudbuild*.yaml`, its expanded steps
MAX_SCRIPT_SECONDS = 10.0  # parsing and reading one script; what is left is reported (unparsable-file)
MAX_SCRIPT_DEPTH = 100  # nested statements, words and substitutions of a script read; deeper ones are skipped
MAX_SCRIPT_COMMAND_WORDS = 2_000  # words of one shell command that are expanded; the rest are ignored
MAX_VALUE_CHARS = 4_096  # one expanded shell value; a longer one becomes unknown (a hole)
MAX_VALUE_PARTS = 256  # literal pieces and holes of one expanded shell value
WORKER_MEMORY_BYTES = 2_000_000_000  # address space a parse worker may add on top of what it starts with
FILE_SECONDS = 60.0  # one Python file's parse; a worker past it is stopped and the file reported
DEFAULT_TIME_BUDGET = 300.0  # seconds for one audit run; what is left unchecked is reported (exit 3)


def too_big(size: int, limit: int, what: str) -> str:
    """The message of a file skipped for its size."""
    return f"{size:,} bytes is over the {limit:,}-byte limit for {what}"
