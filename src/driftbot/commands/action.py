"""`driftbot action`: the GitHub Action's entry point (the container's ENTRYPOINT).

It reads everything from the Actions environment (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH,
GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY,
INPUT_*), so the same command runs in the container, in a `run:` step and in tests.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from driftbot.errors import DriftbotError


@dataclass(frozen=True)
class Action:
    help: str = "Run as the GitHub Action: act on the triggering event (PR check and comment, commands, auto-fix PR)."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        pass  # everything comes from the Actions environment

    def run(self, args: argparse.Namespace) -> int:
        try:
            from driftbot.github import runner  # PyGithub loads only for this command
            from driftbot.github.env import emit, workflow_command
        except ImportError as exc:  # the light install: no PyGithub
            raise DriftbotError(f"action needs the github extra ({exc}): pip install 'driftbot[github]'") from exc

        try:
            return runner.run(os.environ)
        except DriftbotError as exc:
            # Also as an annotation, so the failure shows on the run page, not only in the log.
            emit(workflow_command("error", exc.message, title="driftbot"))
            raise


COMMAND = Action()
