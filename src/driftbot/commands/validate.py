"""`driftbot validate`: check the SSOT files themselves."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from driftbot import config
from driftbot.commands import options
from driftbot.errors import EXIT_DRIFT, EXIT_OK
from driftbot.paths import display
from driftbot.ssot import loader


@dataclass(frozen=True)
class Validate:
    help: str = (
        "Check the SSOT: schema, versions, duplicate names, expected counts, infrastructure references and "
        "SLA deadlines. Exit 1 when invalid."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        options.add_repo(parser)

    def run(self, args: argparse.Namespace) -> int:
        if args.ssot is not None:  # paths shown relative to the SSOT's parent: ssot/processors/...
            ssot_dir: Path = args.ssot
            repo = ssot_dir.resolve().parent
        else:
            repo = args.path
            ssot_dir = repo / config.load(repo, args.config).ssot
        ssot, problems = loader.check(ssot_dir, repo)
        for p in problems:
            print(p)
        if problems:
            print(f"{len(problems)} problem(s) in {display(ssot_dir, Path.cwd())}", file=sys.stderr)
            return EXIT_DRIFT
        assert ssot is not None
        total = sum(len(s.processors) for s in ssot.lists)
        infra = ssot.infrastructure
        more = f", {len(infra.jobs)} scheduler job(s), {len(infra.subscriptions)} subscription(s)" if infra else ""
        print(f"SSOT valid: {len(ssot.lists)} phase(s), {total} processor(s){more}")
        return EXIT_OK


COMMAND = Validate()
