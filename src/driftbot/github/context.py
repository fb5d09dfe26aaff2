"""What every handler gets besides the event and the API client, and what it hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from driftbot.ftypes import Report, Severity
from driftbot.github.env import ActionsEnv, Instance
from driftbot.github.gitrepo import Git
from driftbot.github.pipeline import AuditOptions

PullOperation = Literal["created", "updated", "closed", "none"]


@dataclass(frozen=True)
class RunContext:
    env: ActionsEnv
    options: AuditOptions
    git: Git

    @property
    def workspace(self) -> Path:
        return self.env.workspace

    @property
    def fail_on(self) -> Severity:
        return self.env.inputs.fail_on

    @property
    def dry_run(self) -> bool:
        return self.env.inputs.dry_run

    @property
    def instance(self) -> Instance:
        return self.env.inputs.instance


@dataclass
class Result:
    """A handler's outcome; the runner turns it into outputs, the job summary and the exit code."""

    report: Report | None = None  # the whole audit (it decides "incomplete", and goes to SARIF)
    scoped: Report | None = None  # what the run judges (a PR's filter and baseline); None: all of `report`
    sections: list[str] = field(default_factory=list)  # markdown for the job summary, in order
    pull_request_number: int | None = None
    pull_request_operation: PullOperation = "none"
    exit_code: int = 0
    sha: str | None = None  # the audited commit, when it is not GITHUB_SHA (a PR head)
    known: frozenset[str] | None = None  # fingerprints in the dashboard's first-seen state; None: no dashboard read

    @property
    def judged(self) -> Report | None:
        return self.scoped if self.scoped is not None else self.report
