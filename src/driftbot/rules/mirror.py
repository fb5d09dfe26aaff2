"""mirror-divergence: every copy of a mirrored directory (`.driftbot.yml` `mirrors:`) holds the
source's files byte for byte. Files only the copy has are its own business and not reported."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from driftbot import repofs
from driftbot.config import MirrorSpec
from driftbot.context import AuditContext
from driftbot.ftypes import Finding, Location
from driftbot.paths import ALWAYS_SKIPPED, matches
from driftbot.rules.catalog import finding

GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class MirrorPair:
    source: str  # repo-relative file
    copy: str  # repo-relative file that must equal `source`


def check(ctx: AuditContext) -> Iterator[Finding]:
    found_pairs, refused = confined_pairs(ctx.repo, ctx.config.mirrors, ctx.config.exclude)
    for r in refused:
        yield finding("unparsable-file", Location(r.shown, 1, 1), f"mirror not checked: {r.reason}")
    for pair in found_pairs:
        found = compare(ctx.repo, pair)
        if found is not None:
            yield found


def pairs(repo: Path, mirrors: Sequence[MirrorSpec], exclude: Sequence[str]) -> list[MirrorPair]:
    return confined_pairs(repo, mirrors, exclude)[0]


def confined_pairs(
    repo: Path, mirrors: Sequence[MirrorSpec], exclude: Sequence[str]
) -> tuple[list[MirrorPair], list[repofs.Refused]]:
    """The (source file, copy file) pairs, and the directories refused by the path policy (a source or
    copy directory that is a symlink out of the repository is never read or written)."""
    out: list[MirrorPair] = []
    refused: list[repofs.Refused] = []
    for spec in mirrors:
        source = spec.source.strip("/")
        try:
            if repofs.directory(repo, source, source) is None:
                continue
        except repofs.Refused as exc:
            refused.append(exc)
            continue
        files = [f for f in _files_under(repo, source, exclude) if any(matches(f, g) for g in spec.include)]
        for copy_dir in copy_dirs(repo, spec.copies, exclude):
            if copy_dir == source:
                continue
            try:
                repofs.locate(repo, copy_dir, copy_dir)
            except repofs.Refused as exc:
                refused.append(exc)
                continue
            out.extend(MirrorPair(f"{source}/{f}", f"{copy_dir}/{f}") for f in files)
    return sorted(set(out), key=lambda p: (p.copy, p.source)), refused


def compare(repo: Path, pair: MirrorPair) -> Finding | None:
    extra = (("source", pair.source),)
    # A declared mirror: the copy must hold the source's bytes, whatever they are.
    sure = {"confidence": "certain", "evidence": (f"mirrors: in .driftbot.yml declares a copy of {pair.source}",)}
    try:
        want = repofs.read_bytes(repo, pair.source, shown=pair.source)
    except OSError as exc:
        return finding("unparsable-file", Location(pair.source, 1, 1), f"mirror source not read: {exc.strerror}")
    try:
        have = repofs.read_bytes(repo, pair.copy, shown=pair.copy)
    except FileNotFoundError:
        return finding(
            "mirror-divergence", Location(pair.copy, 1, 1), f"missing: copy of {pair.source}", extra=extra, **sure
        )
    except OSError as exc:
        return finding(
            "mirror-divergence", Location(pair.copy, 1, 1), f"unreadable: {exc.strerror}", extra=extra, **sure
        )
    if have == want:
        return None
    line, column = first_difference(want, have)
    return finding(
        "mirror-divergence",
        Location(pair.copy, line, column),
        f"differs from {pair.source} (mirror source) from line {line} on",
        extra=extra,
        **sure,
    )


def first_difference(a: bytes, b: bytes) -> tuple[int, int]:
    """1-based line and column (in characters) where `b` starts to differ from `a`."""
    i = 0
    limit = min(len(a), len(b))
    while i < limit and a[i] == b[i]:
        i += 1
    line_start = a.rfind(b"\n", 0, i) + 1
    column = len(a[line_start:i].decode("utf-8", "replace")) + 1
    return a.count(b"\n", 0, i) + 1, column


def copy_dirs(repo: Path, pattern: str, exclude: Sequence[str]) -> list[str]:
    """Repo-relative directories matching `pattern`, walking only below its fixed prefix."""
    pattern = pattern.strip("/")
    segments = pattern.split("/")
    fixed: list[str] = []
    for seg in segments:
        if GLOB_CHARS & set(seg):
            break
        fixed.append(seg)
    if len(fixed) == len(segments):
        return [pattern] if (repo / pattern).is_dir() else []
    max_depth = None if "**" in pattern else len(segments)
    found: list[str] = []
    start = repo.joinpath(*fixed)
    if not repofs.inside(start, repo):  # os.walk would follow a symlinked start directory
        return []
    for dirpath, dirnames, _ in os.walk(start):
        rel = Path(dirpath).relative_to(repo).as_posix()
        depth = 0 if rel == "." else rel.count("/") + 1
        dirnames[:] = sorted(d for d in dirnames if d not in ALWAYS_SKIPPED)
        if max_depth is not None and depth >= max_depth:
            dirnames[:] = []
        if rel != "." and matches(rel, pattern) and not any(matches(rel, ex) for ex in exclude):
            found.append(rel)
    return sorted(found)


def _files_under(repo: Path, source: str, exclude: Sequence[str]) -> list[str]:
    root = repo / source
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ALWAYS_SKIPPED)
        rel_dir = Path(dirpath).relative_to(root).as_posix()
        for name in filenames:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            if not any(matches(f"{source}/{rel}", ex) for ex in exclude):
                out.append(rel)
    return sorted(out)
