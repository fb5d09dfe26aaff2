"""Arguments several commands share, declared once."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_repo(parser: argparse.ArgumentParser, *, ssot_and_config: bool = True) -> None:
    """PATH (the repository root) and, unless told otherwise, --ssot and --config."""
    parser.add_argument("path", nargs="?", type=Path, default=Path("."), help="repository root (default: .)")
    if ssot_and_config:
        parser.add_argument("--ssot", type=Path, help="SSOT directory (default: PATH/ssot or `ssot:` in config)")
        parser.add_argument("--config", type=Path, help="config file (default: PATH/.driftbot.yml)")
