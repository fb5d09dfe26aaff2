"""`driftbot sync-queries`: table-verification queries from the SSOT, in a marked region of a SQL file.

The region runs from a line starting with `-- driftbot:begin` to the next line starting with
`-- driftbot:end`; everything outside it stays byte for byte. A file without the markers gets the
region appended; a missing file is created. One query per SSOT phase: for each target table, does
it exist (`INFORMATION_SCHEMA.TABLES`) and did it receive rows in the last `freshness_hours`
(newest `last_modified_time` of a partition holding rows, `INFORMATION_SCHEMA.PARTITIONS`; a table
without partitioning has one partition row). Dataset-qualified, so it runs in the default project.
"""

from __future__ import annotations

from pathlib import Path

import sqlglot
from sqlglot.errors import ParseError

from driftbot import project, repofs
from driftbot.errors import DriftbotError
from driftbot.fix.regions import RenderResult, settle
from driftbot.fix.writer import Change, recover
from driftbot.ssot.models import Ssot, SsotList

BEGIN = "-- driftbot:begin"
END = "-- driftbot:end"
HEADER = f"{BEGIN} generated from {{root}} — edit the SSOT, then run driftbot sync-queries"

QUERY = """\
-- Phase {phase} ({phase_name}): {count} target tables in {dataset}, from {path}.
-- Does each exist, and did it receive rows in the last {hours} hours?
WITH expected AS (
{tables}
),
latest AS (
  SELECT table_name, MAX(last_modified_time) AS last_modified_time
  FROM `{dataset}.INFORMATION_SCHEMA.PARTITIONS`
  WHERE total_rows > 0
  GROUP BY table_name
)
SELECT
  expected.table_name,
  existing.table_name IS NOT NULL AS table_exists,
  latest.last_modified_time AS last_change_with_rows,
  COALESCE(latest.last_modified_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {hours} HOUR), FALSE)
    AS received_rows_recently
FROM expected
LEFT JOIN `{dataset}.INFORMATION_SCHEMA.TABLES` AS existing ON existing.table_name = expected.table_name
LEFT JOIN latest ON latest.table_name = expected.table_name
ORDER BY expected.ordinal;
"""


def sync_queries(
    repo: Path, *, ssot_dir: Path | None = None, config_path: Path | None = None, check: bool = False
) -> RenderResult:
    recover(repo)  # a run killed while writing is rolled back first
    cfg, ssot = project.load(repo, ssot_dir=ssot_dir, config_path=config_path)
    if cfg.sql.generate_into is None:
        raise DriftbotError("sync-queries: set `sql.generate_into` in .driftbot.yml to the SQL file it should own")
    shown = cfg.sql.generate_into
    target = repo / shown
    try:
        repofs.write_target(repo, shown, shown)  # the path policy: inside the repository, no link out
        before = repofs.read_bytes(repo, shown, shown=shown)
    except FileNotFoundError:
        before = None
    except repofs.Refused as exc:
        raise DriftbotError(f"sql.generate_into: {exc}") from None
    except OSError as exc:
        raise DriftbotError(f"{shown}: cannot read: {exc.strerror}") from None
    text = _decode(shown, before)
    newline = "\r\n" if "\r\n" in text else "\n"
    region = render(ssot, cfg.sql.freshness_hours, newline)
    after = replace_region(shown, text, region, newline).encode("utf-8")

    def verify(c: Change) -> str | None:
        written = c.path.read_text(encoding="utf-8")
        return None if extract_region(shown, written) == region else "the region differs after writing"

    return settle([Change(target, shown, before, after)], root=repo, check=check, verify=verify)


def render(ssot: Ssot, freshness_hours: int, newline: str = "\n") -> str:
    """The whole region, markers included; every query parses with sqlglot's BigQuery dialect."""
    parts = [HEADER.format(root=ssot.root), ""]
    for s in ssot.lists:
        parts.append(_query(s, freshness_hours))
    parts.append(END)
    text = "\n".join(parts) + "\n"
    try:
        sqlglot.parse(text, read="bigquery")
    except ParseError as exc:  # a bug in the template or an SSOT value; never write such SQL
        raise DriftbotError(f"generated SQL does not parse: {str(exc).splitlines()[0]}") from None
    return text.replace("\n", newline)


def _query(s: SsotList, hours: int) -> str:
    tables = sorted(set(s.tables), key=s.tables.index)
    first = f"  SELECT 1 AS ordinal, {_literal(tables[0])} AS table_name"
    listed = "\n".join([first, *(f"  UNION ALL SELECT {i}, {_literal(t)}" for i, t in enumerate(tables[1:], 2))])
    return QUERY.format(
        phase=s.phase,
        phase_name=s.phase_name,
        count=len(tables),
        dataset=s.dataset,
        path=s.path,
        hours=hours,
        tables=listed,
    )


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _decode(shown: str, data: bytes | None) -> str:
    if data is None:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise DriftbotError(f"{shown}: not valid UTF-8; cannot update its generated region") from None


def _bounds(shown: str, text: str) -> tuple[int, int] | None:
    """Character offsets [start, end) of the region's lines, or None when the file has none."""
    lines = text.splitlines(keepends=True)
    offset, start = 0, None
    for number, line in enumerate(lines, 1):
        if line.startswith(BEGIN):
            if start is not None:
                raise DriftbotError(f"{shown}:{number}:1: a second `{BEGIN}` before `{END}`")
            start = offset
        elif line.startswith(END) and start is not None:
            return start, offset + len(line)
        offset += len(line)
    if start is not None:
        line_no = text.count("\n", 0, start) + 1
        raise DriftbotError(f"{shown}:{line_no}:1: `{BEGIN}` without a matching `{END}`")
    return None


def extract_region(shown: str, text: str) -> str | None:
    bounds = _bounds(shown, text)
    return None if bounds is None else text[bounds[0] : bounds[1]]


def replace_region(shown: str, text: str, region: str, newline: str) -> str:
    bounds = _bounds(shown, text)
    if bounds is not None:
        start, end = bounds
        return text[:start] + region + text[end:]
    if not text:
        return region
    glue = "" if text.endswith("\n") else newline
    return text + glue + newline + region
