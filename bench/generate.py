"""Write a synthetic, deterministic Python monorepo for the speed benchmark.

About 3% of the files hold copies of the SSOT lists (dataclass defaults, `except ImportError`
fallbacks, lists of `(dataset, table, column)` tuples, dict keys), some with a stale name as in the
real incident (`br_roster` for `br_rosters_current`). About 10% mention one SSOT name or a longer
identifier that merely contains one (decoys). The rest is ordinary code that names no SSOT entry.
The SSOT itself is copied to `ssot/`. That is the default `synthetic` profile; `--profile realistic`
(bench/realistic.py) writes large candidate modules, SQL in f-strings, 300+ `.sql` files with many
CREATE statements and vendored copies, as a real platform repository has.

Usage: python bench/generate.py OUT_DIR [--files N] [--seed S] [--profile synthetic|realistic]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

SSOT_DIR = Path(__file__).resolve().parents[1] / "ssot"
COPY_SHARE = 0.03
DECOY_SHARE = 0.10

WORDS = (
    "client", "query", "rows", "batch", "retry", "schema", "record", "payload", "event", "game", "team",
    "season", "odds", "line", "prop", "export", "loader", "validator", "metrics", "alert", "bucket", "blob",
    "topic", "message", "lineup", "injury", "venue", "market", "bookmaker", "window", "quota", "backoff",
    "token", "cursor", "partition", "snapshot", "watermark", "manifest", "report", "digest",
)  # fmt: skip
COLUMNS = (
    "game_id", "game_date", "season_year", "team_abbr", "player_lookup", "minutes", "points", "rebounds",
    "assists", "opponent", "home_away", "spread", "total", "over_price", "under_price", "source_file",
    "processed_at", "is_active", "venue_id", "market_key",
)  # fmt: skip
TOP_DIRS = ("data_processors", "orchestration", "shared", "services", "scrapers", "tests", "tools", "predictions")


@dataclass(frozen=True)
class Phase:
    key: str
    dataset: str
    names: tuple[str, ...]
    tables: tuple[str, ...]


@dataclass(frozen=True)
class Generated:
    files: int
    copies: int
    stale_copies: int
    decoys: int
    sql: int = 0
    lines: int = 0  # of the candidate files (those holding SSOT copies)


def load_phases(ssot_dir: Path) -> list[Phase]:
    phases = []
    for f in sorted((ssot_dir / "processors").glob("*.yaml")):
        doc = yaml.safe_load(f.read_text())
        procs = doc["critical_processors"]
        names = tuple(p["name"] for p in procs)
        tables = tuple(p.get("target_table") or p["name"] for p in procs)
        phases.append(Phase(f"phase{doc['phase']}", doc["dataset"], names, tables))
    return phases


class Writer:
    """Builds one file's text from realistic blocks, seeded per file."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def ident(self, parts: int = 2) -> str:
        return "_".join(self.rng.sample(WORDS, parts))

    def header(self) -> str:
        doc = f'"""{self.ident().replace("_", " ").capitalize()} helpers for the {self.ident()} pipeline."""\n\n'
        imports = self.rng.sample(
            ["import json", "import os", "import time", "from datetime import date, datetime",
             "from typing import Any, Dict, List, Optional", "from dataclasses import dataclass, field",
             "from google.cloud import bigquery"], 4)  # fmt: skip
        return doc + "\n".join(sorted(["import logging", *imports])) + "\n\nlogger = logging.getLogger(__name__)\n"

    def function(self) -> str:
        name, table, column = self.ident(), self.ident(), self.rng.choice(COLUMNS)
        return f'''

def {name}(client: Any, dataset: str, limit: int = {self.rng.randint(10, 5000)}) -> Optional[Dict[str, Any]]:
    """Return the latest {column} of `{table}`; None when the query fails."""
    query = f"SELECT MAX({column}) AS latest FROM `{{dataset}}.{table}` LIMIT {{limit}}"
    try:
        rows = list(client.query(query).result())
    except Exception as exc:  # noqa: BLE001 - callers treat None as unknown
        logger.warning("{name} failed for %s: %s", dataset, exc)
        return None
    result = {{"latest": rows[0].latest if rows else None, "limit": limit}}
    if os.environ.get("{name.upper()}_DEBUG"):
        logger.info("{name} -> %s", result)
    return result
'''

    def klass(self) -> str:
        name = "".join(w.capitalize() for w in self.ident(2).split("_"))
        cols = ", ".join(repr(c) for c in self.rng.sample(COLUMNS, self.rng.randint(3, 7)))
        return f'''

class {name}:
    """Validates {self.ident()} rows before they are written."""

    REQUIRED_COLUMNS = [{cols}]
    MAX_RETRIES = {self.rng.randint(1, 9)}

    def __init__(self, project_id: str, dry_run: bool = False) -> None:
        self.project_id = project_id
        self.dry_run = dry_run
        self.stats = {{"seen": 0, "rejected": 0}}

    def validate(self, row: Dict[str, Any]) -> bool:
        self.stats["seen"] += 1
        missing = [c for c in self.REQUIRED_COLUMNS if row.get(c) is None]
        if missing:
            self.stats["rejected"] += 1
            logger.debug("row rejected, missing %s", ", ".join(missing))
            return False
        return True
'''

    def settings(self) -> str:
        return f"""

RETRY_POLICY = {{
    "max_attempts": {self.rng.randint(2, 8)},
    "backoff_seconds": {self.rng.choice([0.5, 1, 2, 5])},
    "retry_on": ["{self.ident()}", "{self.ident()}", "timeout"],
}}
"""

    def ordinary(self, blocks: int) -> str:
        makers: list[Callable[[], str]] = [self.function, self.function, self.klass, self.settings]
        return self.header() + "".join(self.rng.choice(makers)() for _ in range(blocks))


def copy_file(w: Writer, phases: list[Phase], style: int, stale: bool) -> str:
    """A module holding copies of SSOT lists, in one of the shapes found in real code."""
    p2 = phases[0]
    names = list(p2.names)
    if stale:
        pick = w.rng.randrange(len(names))
        names[pick] = names[pick].rsplit("_", 1)[0] if "_" in names[pick] else names[pick] + "_old"
    body = w.header()
    items = "".join(f"        {n!r},{' ' * (30 - len(n))}# {w.ident().replace('_', ' ')}\n" for n in names)
    if style == 0:
        later = "".join(
            f"    {ph.key}_expected_processors: List[str] = field(default_factory=lambda: [\n"
            + "".join(f"        {n!r},\n" for n in ph.names)
            + "    ])\n"
            for ph in phases[1:]
        )
        body += (
            "\n\n@dataclass\nclass PhaseTransitionConfig:\n"
            '    """Which processors must finish before the next phase starts."""\n\n'
            "    phase2_expected_processors: List[str] = field(default_factory=lambda: [\n"
            + items
            + "    ])\n"
            + later
            + "    timeout_minutes: int = 30\n"
        )
    elif style == 1:
        body += (
            "\n\ntry:\n    from shared.config.orchestration_config import get_orchestration_config\n"
            "    EXPECTED_PROCESSORS = get_orchestration_config().phase_transitions.phase2_expected_processors\n"
            "except ImportError:\n    EXPECTED_PROCESSORS = [\n" + items + "    ]\n"
        )
    elif style == 2:
        rows = "".join(
            f"    ({ph.dataset!r}, {t!r}, {w.rng.choice(['game_date', 'processed_at'])!r}),\n"
            for ph in phases
            for t in ph.tables
        )
        body += f"\n\nFRESHNESS_CHECKS = [\n{rows}]\n"
    else:
        rows = "".join(f"    {n!r}: {t!r},\n" for n, t in zip(names, p2.tables, strict=True))
        body += f"\n\nPROCESSOR_TABLES = {{\n{rows}}}\n"
    return body + "".join(w.function() for _ in range(w.rng.randint(3, 25)))


def decoy_file(w: Writer, phases: list[Phase]) -> str:
    name = w.rng.choice([n for ph in phases for n in ph.names])
    line = w.rng.choice(
        [
            f"\n\nDATA_SOURCE = {name!r}\n",
            f"\n\ndef is_{w.ident()}(lock_id: str) -> bool:\n    return {name!r} in lock_id\n",
            f"\n\nBACKFILL_JOB = '{name}_backfill'\nLEGACY_TABLE = 'legacy_{name}'\n",
        ]
    )
    return w.ordinary(w.rng.randint(2, 8)) + line


PROFILES = ("synthetic", "realistic")


def generate(out: Path, files: int = 20_000, seed: int = 42, profile: str = "synthetic") -> Generated:
    rng = random.Random(seed)
    phases = load_phases(SSOT_DIR)
    all_names = {v for ph in phases for v in (*ph.names, *ph.tables)}
    forbidden = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(sorted(all_names)) + r")(?![A-Za-z0-9_])")
    shutil.copytree(SSOT_DIR, out / "ssot", dirs_exist_ok=True)
    if profile == "realistic":
        return _realistic(out, files, rng, phases, forbidden)
    copies = stale = decoys = 0
    for i in range(files):
        w = Writer(random.Random(rng.getrandbits(64)))
        roll = w.rng.random()
        top = TOP_DIRS[i % len(TOP_DIRS)]
        folder = f"{top}/{WORDS[(i // 200) % len(WORDS)]}_{i // 8000}"  # about 25 files a folder
        if roll < COPY_SHARE:
            is_stale = w.rng.random() < 0.3
            rel = (
                f"orchestration/cloud_functions/fn_{i}/shared/config/orchestration_config.py"
                if i % 4 == 0
                else f"{folder}/{w.ident()}_config_{i}.py"
            )
            text = copy_file(w, phases, i % 4, is_stale)
            copies, stale = copies + 1, stale + is_stale
        elif roll < COPY_SHARE + DECOY_SHARE:
            rel, text = f"{folder}/{w.ident()}_{i}.py", decoy_file(w, phases)
            decoys += 1
        else:
            rel, text = f"{folder}/{w.ident()}_{i}.py", w.ordinary(w.rng.randint(2, 12))
            assert not forbidden.search(text), rel  # ordinary code must not name the SSOT
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return Generated(files, copies, stale, decoys)


def _realistic(out: Path, files: int, rng: random.Random, phases: list[Phase], forbidden: re.Pattern[str]) -> Generated:
    from realistic import plan  # bench/ is on sys.path: it holds the running script

    planned = plan(rng, phases, files)
    for p in planned:
        if p.kind == "ordinary":
            assert not forbidden.search(p.text), p.rel  # ordinary code must not name the SSOT
        path = out / p.rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(p.text, encoding="utf-8")
    kinds = [p.kind for p in planned]
    lines = sum(p.text.count("\n") for p in planned if p.kind in ("copy", "stale"))
    copies = kinds.count("copy") + kinds.count("stale")
    return Generated(len(planned), copies, kinds.count("stale"), kinds.count("decoy"), kinds.count("sql"), lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--files", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", choices=PROFILES, default="synthetic")
    args = parser.parse_args()
    g = generate(args.out, args.files, args.seed, args.profile)
    print(
        f"{g.files} files, {g.sql} of them SQL ({g.copies} with SSOT copies, {g.stale_copies} stale, "
        f"{g.lines} lines; {g.decoys} decoys)"
    )


if __name__ == "__main__":
    main()
