"""A repository's configuration and SSOT, loaded together and checked against each other."""

from __future__ import annotations

from pathlib import Path

from driftbot import config, repofs
from driftbot.config import Config
from driftbot.errors import DriftbotError
from driftbot.ssot import loader
from driftbot.ssot.models import Ssot


def load(repo: Path, *, ssot_dir: Path | None = None, config_path: Path | None = None) -> tuple[Config, Ssot]:
    """`.driftbot.yml` (or `config_path`) and the SSOT (`ssot_dir`, else the config's `ssot:`)."""
    if not repo.is_dir():
        raise DriftbotError(f"{repo}: not a directory")
    cfg = config.load(repo, config_path)
    named = ssot_dir is None
    ssot_dir = repo / cfg.ssot if ssot_dir is None else ssot_dir
    if repofs.lexically_inside(ssot_dir, repo):  # in the repository: it must not lead out of it
        try:
            repofs.locate(repo, ssot_dir, cfg.ssot if named else None)
        except repofs.Refused as exc:
            raise DriftbotError(f"invalid config: ssot: {exc}" if named else f"SSOT directory {exc}") from None
    ssot = loader.load(ssot_dir, repo)
    for spec in cfg.bindings:
        if ssot.by_key(spec.ssot) is None:
            known = ", ".join(k for s in ssot.lists for k in (s.key, *(f"{s.key}.{sub}" for sub, _, _ in s.subsets)))
            raise DriftbotError(
                f"invalid config: binding {spec.symbol!r} names unknown SSOT list {spec.ssot!r} ({known})"
            )
    return cfg, ssot
