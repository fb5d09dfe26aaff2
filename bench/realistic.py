"""The `realistic` profile of bench/generate.py: a platform repository as it looks after a few years.

What the synthetic profile understates (issue 13): a real platform's candidate files are large
modules, not small ones. Here about 3% of the Python files are candidates: classes of 500-2,000
lines whose SSOT copy sits deep inside (a dataclass field, a fallback list, a dict of tables) among
methods running SQL in f-strings against the SSOT's tables; one orchestration config is vendored
byte-identically into every Cloud Function (some copies stale); about 10% of the files are decoys;
ordinary modules are longer (and some hold SQL f-strings on other tables). At least 300 `.sql` files
(5% of the files): `schemas/bigquery/<dataset>/<table>.sql` with CREATE TABLE / VIEW statements for
every SSOT table and many others, and monitoring queries under `bin/operations/`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from generate import COLUMNS, WORDS, Phase, Writer

SQL_SHARE = 0.05
MIN_SQL = 300
VENDORED_SHARE = 0.01  # vendored copies of the orchestration config, in cloud function folders


@dataclass(frozen=True)
class Planned:
    rel: str
    text: str
    kind: str  # "copy", "stale", "decoy", "ordinary", "sql"


class BigWriter(Writer):
    """Methods and SQL blocks for long modules."""

    def method(self) -> str:
        name, col = self.ident(), self.rng.choice(COLUMNS)
        steps = range(self.rng.randint(2, 14))
        lines = "".join(f"        {self.ident()} = self.stats.get({self.ident()!r}, 0) + {i}\n" for i in steps)
        return (
            f"\n    def {name}(self, rows: List[Dict[str, Any]], limit: int = {self.rng.randint(1, 500)}) -> int:\n"
            f'        """Count rows whose {col} is set, at most `limit`."""\n'
            f"        seen = 0\n{lines}"
            f"        for row in rows[:limit]:\n"
            f"            if row.get({col!r}) is not None:\n"
            f"                seen += 1\n"
            f"        return seen\n"
        )

    def sql_method(self, dataset: str, table: str) -> str:
        col = self.rng.choice(COLUMNS)
        return (
            f"\n    def count_{self.ident()}(self, game_date: str) -> int:\n"
            f'        query = f"""\n'
            f"            SELECT COUNT(*) AS n, MAX({col}) AS latest\n"
            f"            FROM `{{self.project_id}}.{dataset}.{table}`\n"
            f"            WHERE game_date = '{{game_date}}' AND {col} IS NOT NULL\n"
            f'        """\n'
            f"        return self._scalar(query)\n"
        )

    def big_class(self, name: str, lines: int, inside: str, sql: list[tuple[str, str]]) -> str:
        """A class of about `lines` lines with `inside` (class-level code) in its middle third."""
        head = (
            f"\n\nclass {name}:\n"
            f'    """{self.ident().replace("_", " ").capitalize()}: one of the platform\'s long-lived modules."""\n\n'
            f"    def __init__(self, project_id: str) -> None:\n"
            f"        self.project_id = project_id\n"
            f"        self.stats: Dict[str, int] = {{}}\n"
        )
        body: list[str] = []
        size = head.count("\n")
        while size < lines:
            block = self.sql_method(*self.rng.choice(sql)) if sql and self.rng.random() < 0.15 else self.method()
            body.append(block)
            size += block.count("\n")
        at = self.rng.randint(len(body) // 3, max(len(body) // 3, 2 * len(body) // 3))
        body.insert(at, "\n" + inside)
        return head + "".join(body)

    def ordinary_long(self) -> str:
        makers: list[Callable[[], str]] = [self.function, self.function, self.klass, self.settings]
        text = self.header() + "".join(self.rng.choice(makers)() for _ in range(self.rng.randint(4, 20)))
        if self.rng.random() < 0.3:
            name = "".join(w.capitalize() for w in self.ident(3).split("_"))
            text += self.big_class(name, 150, "    pass\n", [("analytics_scratch", self.ident())])
        return text


def candidate(w: BigWriter, phases: list[Phase], style: int, stale: bool) -> str:
    p2 = phases[0]
    names = list(p2.names)
    if stale:
        pick = w.rng.randrange(len(names))
        names[pick] = names[pick].rsplit("_", 1)[0] if "_" in names[pick] else names[pick] + "_old"
    items = "".join(f"        {n!r},\n" for n in names)
    if style == 0:
        inside = "    phase2_expected_processors: List[str] = field(default_factory=lambda: [\n" + items + "    ])\n"
    elif style == 1:
        inside = "    EXPECTED_PROCESSORS = [\n" + items + "    ]\n"
    else:
        rows = "".join(f"        {n!r}: {t!r},\n" for n, t in zip(names, p2.tables, strict=True))
        inside = "    PROCESSOR_TABLES = {\n" + rows + "    }\n"
    sql = [(ph.dataset, t) for ph in phases for t in ph.tables]
    name = "".join(w.ident(2).title().split("_")) + "Orchestrator"
    return w.header() + "from dataclasses import field\n" + w.big_class(name, w.rng.randint(500, 2000), inside, sql)


def create_sql(w: Writer, dataset: str, table: str, view: bool) -> str:
    cols = w.rng.sample(COLUMNS, w.rng.randint(4, 12))
    if view:
        return (
            f"CREATE OR REPLACE VIEW `nba-props-platform.{dataset}.{table}` AS\n"
            f"SELECT {', '.join(cols)}\nFROM `nba-props-platform.{dataset}.{table}_base`\n"
            f"WHERE {cols[0]} IS NOT NULL;\n"
        )
    body = ",\n".join(f"  {c} {w.rng.choice(['STRING', 'INT64', 'DATE', 'TIMESTAMP', 'FLOAT64'])}" for c in cols)
    return (
        f"-- {w.ident().replace('_', ' ')}\n"
        f"CREATE TABLE IF NOT EXISTS `nba-props-platform.{dataset}.{table}` (\n{body}\n)\n"
        f"PARTITION BY DATE(processed_at)\nOPTIONS (description = 'Written by the {w.ident()} job');\n"
    )


def plan(rng: random.Random, phases: list[Phase], files: int) -> list[Planned]:
    """Every file of the profile, in a deterministic order; the caller writes them."""
    out: list[Planned] = []
    datasets = sorted({ph.dataset for ph in phases})
    sql_files = max(MIN_SQL, int(files * SQL_SHARE))
    ssot_tables = [(ph.dataset, t) for ph in phases for t in ph.tables]
    for i in range(sql_files):
        w = Writer(random.Random(rng.getrandbits(64)))
        if i < len(ssot_tables):
            dataset, table = ssot_tables[i]
            text = create_sql(w, dataset, table, view=False)
            out.append(Planned(f"schemas/bigquery/{dataset}/{table}.sql", text, "sql"))
        elif i % 5 == 0:
            dataset, table = w.rng.choice(ssot_tables)
            where = "WHERE game_date = CURRENT_DATE();\n"
            text = f"SELECT COUNT(*) AS n\nFROM `nba-props-platform.{dataset}.{table}`\n{where}"
            out.append(Planned(f"bin/operations/check_{i}.sql", text, "sql"))
        else:
            dataset, table = w.rng.choice(datasets), f"{w.ident()}_{i}"
            count = w.rng.randint(1, 3)
            statements = "\n".join(create_sql(w, dataset, f"{table}_{k}", view=k == 2) for k in range(count))
            out.append(Planned(f"schemas/bigquery/{dataset}/{table}.sql", statements, "sql"))
    vendored = BigWriter(random.Random(rng.getrandbits(64)))
    config = candidate(vendored, phases, 0, stale=False)
    stale_config = config.replace(f"'{phases[0].names[-1]}'", f"'{phases[0].names[-1].rsplit('_', 1)[0]}'")
    for k in range(max(5, int(files * VENDORED_SHARE))):
        text = stale_config if k % 7 == 3 else config
        kind = "stale" if k % 7 == 3 else "copy"
        out.append(Planned(f"orchestration/cloud_functions/fn_{k}/shared/config/orchestration_config.py", text, kind))
    for i in range(files - len(out)):
        w = BigWriter(random.Random(rng.getrandbits(64)))
        roll = w.rng.random()
        folder = f"{('data_processors', 'orchestration', 'shared', 'services', 'predictions')[i % 5]}/{WORDS[i % 40]}"
        rel = f"{folder}/{w.ident()}_{i}.py"
        if roll < 0.03:
            stale = w.rng.random() < 0.3
            out.append(Planned(rel, candidate(w, phases, i % 3, stale), "stale" if stale else "copy"))
        elif roll < 0.13:
            name = w.rng.choice([n for ph in phases for n in ph.names])
            out.append(Planned(rel, w.ordinary_long() + f"\n\nDATA_SOURCE = {name!r}\n", "decoy"))
        else:
            out.append(Planned(rel, w.ordinary_long(), "ordinary"))
    return out
