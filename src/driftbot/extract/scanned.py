"""Which files of a repository an audit reads: those ending in SCANNED_SUFFIXES (walked by `paths.walk`).

Besides them an audit reads only the files its configuration names (the SSOT folder, the config,
the ignore file, `snapshot:` inventories, a `--baseline` report) and, for `mirrors:`, every file
below a mirror's source and copies. So without mirrors the content of any other file cannot change
a report: the memo (`extract.memo`) keys such files by path only. A test logs every file an audit
opens and holds this.
"""

from __future__ import annotations

SCANNED_SUFFIXES = (".py", ".sql", ".sh", ".yaml", ".yml", ".json")


def scanned(path: str) -> bool:
    """Whether an audit may read this repository file's content (repo-relative POSIX path)."""
    return path.endswith(SCANNED_SUFFIXES)
