"""Arguments several commands share, declared once."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TextIO


def absolute(text: str) -> Path:
    """A path argument made absolute (not resolved): the path policy joins repository-relative names
    onto the repository root, so a relative root (`driftbot audit examples/x`) would be joined twice."""
    return Path(os.path.abspath(text))


def add_repo(parser: argparse.ArgumentParser, *, ssot_and_config: bool = True) -> None:
    """PATH (the repository root) and, unless told otherwise, --ssot and --config."""
    parser.add_argument("path", nargs="?", type=absolute, default=".", help="repository root (default: .)")
    if ssot_and_config:
        parser.add_argument("--ssot", type=absolute, help="SSOT directory (default: PATH/ssot or `ssot:` in config)")
        parser.add_argument("--config", type=absolute, help="config file (default: PATH/.driftbot.yml)")


def add_inventory(parser: argparse.ArgumentParser) -> None:
    """--inventory URL (repeatable); None when not given, meaning the config's `inventory:`."""
    parser.add_argument(
        "--inventory",
        action="append",
        metavar="URL",
        help="bigquery://PROJECT[?datasets=a,b], ddl:GLOB or snapshot:FILE (gcloud listings too); "
        "repeatable (default: `inventory:` in config)",
    )


def add_probe(parser: argparse.ArgumentParser) -> None:
    """--probe-http and the --service-url NAME=URL overrides it uses."""
    parser.add_argument(
        "--probe-http",
        action="store_true",
        help="also GET each SSOT service's health endpoint; failures are service-unreachable findings",
    )
    parser.add_argument(
        "--service-url",
        action="append",
        type=_service_url,
        default=[],
        metavar="NAME=URL",
        help="base URL of a service for --probe-http (default: from a Cloud Run inventory)",
    )


def _service_url(text: str) -> tuple[str, str]:
    from driftbot import probe  # on use: probe imports every rule, which `validate --help` does not need

    return probe.service_url(text)


def color_wanted(stream: TextIO) -> bool:
    """Colour on `stream`? `NO_COLOR` (any value) says no, `FORCE_COLOR` (not `0`/`false`) says yes, else a TTY.

    See no-color.org and force-color.org; NO_COLOR wins when both are set.
    """
    if os.environ.get("NO_COLOR"):
        return False
    force = os.environ.get("FORCE_COLOR", "")
    if force and force.lower() not in ("0", "false"):
        return True
    return stream.isatty()
