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
    if ssot_dir is None:  # named by the repository: it must stay inside it (`--ssot` is the user's choice)
        ssot_dir = repo / cfg.ssot
        try:
            repofs.locate(repo, cfg.ssot, cfg.ssot)
        except repofs.Refused as exc:
            raise DriftbotError(f"invalid config: ssot: {exc}") from None
    ssot = loader.load(ssot_dir, repo)
    for spec in cfg.bindings:
        if ssot.by_key(spec.ssot) is None:
            known = ", ".join(s.key for s in ssot.lists)
            raise DriftbotError(
                f"invalid config: binding {spec.symbol!r} names unknown SSOT list {spec.ssot!r} ({known})"
            )
    return cfg, ssot
