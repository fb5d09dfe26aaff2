"""The GitHub Actions environment: inputs, event, and the files a step writes its results to.

Docker actions receive each input as `INPUT_<NAME>` with the name upper-cased and its hyphens
kept (`INPUT_GITHUB-TOKEN`); `INPUT_GITHUB_TOKEN` and `GITHUB_TOKEN` are accepted too so that
`driftbot action` also runs from a plain `run:` step.
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TextIO

from pydantic import SecretStr

from driftbot.errors import DriftbotError
from driftbot.ftypes import Severity
from driftbot.report.escape import terminal
from driftbot.report.scope import FILTERS, Filter

Mode = Literal["auto", "pull-request", "comment", "autofix", "audit"]
MODES: tuple[Mode, ...] = ("auto", "pull-request", "comment", "autofix", "audit")
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_AUTOFIX_BRANCH = "driftbot/autofix"
BRANCH_RE = re.compile(r"^(?!/)(?!.*(?:\.\.|//|@\{|\.lock$|/$))[A-Za-z0-9._/-]+$")
DEFAULT_NAME = "driftbot"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,49}$")
BASELINE_AUTO = "auto"


@dataclass(frozen=True)
class Instance:
    """One driftbot of several in a repository (input `name`): what it calls its check run, comment and dashboard.

    The default name keeps the names driftbot always had, so an existing comment or dashboard is
    still found. Another name gets its own marker, label and files, so two instances never touch
    each other's.
    """

    name: str = DEFAULT_NAME

    @property
    def default(self) -> bool:
        return self.name == DEFAULT_NAME

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9._-]+", "-", self.name.lower()).strip("-")

    def marker(self, kind: str) -> str:
        """The hidden marker of this instance's `kind` of text (report, dashboard)."""
        return f"<!-- driftbot:{kind} -->" if self.default else f"<!-- driftbot:{kind}:{self.slug} -->"

    @property
    def dashboard_title(self) -> str:
        return f"{self.name} dashboard"

    @property
    def dashboard_label(self) -> str:
        return f"{self.slug}-dashboard"

    def file_name(self, stem: str, suffix: str) -> str:
        """`driftbot-report.json` for the default instance, `driftbot-report-<slug>.json` for others."""
        return f"{stem}{suffix}" if self.default else f"{stem}-{self.slug}{suffix}"

    @property
    def autofix_branch(self) -> str:
        return DEFAULT_AUTOFIX_BRANCH if self.default else f"{DEFAULT_AUTOFIX_BRANCH}-{self.slug}"


@dataclass(frozen=True)
class Inputs:
    token: SecretStr = field(repr=False)
    mode: Mode = "auto"
    ssot: str | None = None
    config: str | None = None
    inventories: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    autofix_branch: str = DEFAULT_AUTOFIX_BRANCH
    dry_run: bool = False
    dashboard: bool = False  # autofix mode keeps the dashboard issue current; other modes read it
    filter: Filter | None = None  # None: changed-lines on pull requests, all elsewhere
    baseline: str | None = None  # "auto" (the PR base's audit) or a repo-relative path
    instance: Instance = field(default_factory=Instance)
    working_directory: str = ""  # repo-relative POSIX path of the audited sub-directory; "" is the root
    cache_dir: str | None = None  # workspace-relative folder of the per-file cache; None: none
    suggestions: bool = False  # pull-request mode also reviews the PR with suggestion blocks of certain fixes


@dataclass(frozen=True)
class ApiTuning:
    """PyGithub's throttling and retry knobs; tests set the waits to 0 through DRIFTBOT_API_* variables."""

    seconds_between_requests: float = 0.25
    seconds_between_writes: float = 1.0
    retries: int = 5
    backoff_factor: float = 2.0
    secondary_rate_wait: float = 60.0
    timeout: int = 30


@dataclass(frozen=True)
class ActionsEnv:
    event_name: str
    event_path: Path | None
    repository: str
    api_url: str
    server_url: str
    workspace: Path
    output_file: Path | None
    summary_file: Path | None
    run_id: str | None
    inputs: Inputs
    tuning: ApiTuning
    sha: str | None = None  # GITHUB_SHA: the commit the workflow file was read from

    @property
    def run_url(self) -> str | None:
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}" if self.run_id else None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionsEnv:
        def get(name: str) -> str | None:
            value = environ.get(name, "").strip()
            return value or None

        event_name = get("GITHUB_EVENT_NAME")
        repository = get("GITHUB_REPOSITORY")
        if event_name is None or repository is None:
            raise DriftbotError(
                "`driftbot action` runs inside GitHub Actions: GITHUB_EVENT_NAME and GITHUB_REPOSITORY unset"
            )
        path = get("GITHUB_EVENT_PATH")
        output, summary = get("GITHUB_OUTPUT"), get("GITHUB_STEP_SUMMARY")
        return cls(
            event_name=event_name,
            event_path=Path(path) if path else None,
            repository=repository,
            api_url=(get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            server_url=(get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
            workspace=Path(get("GITHUB_WORKSPACE") or "."),
            output_file=Path(output) if output else None,
            summary_file=Path(summary) if summary else None,
            run_id=get("GITHUB_RUN_ID"),
            sha=get("GITHUB_SHA"),
            inputs=_inputs(environ),
            tuning=_tuning(environ),
        )


def _input(environ: Mapping[str, str], name: str) -> str | None:
    for key in (f"INPUT_{name.upper()}", f"INPUT_{name.upper().replace('-', '_')}"):
        value = environ.get(key, "").strip()
        if value:
            return value
    return None


def _inputs(environ: Mapping[str, str]) -> Inputs:
    token = _input(environ, "github-token") or environ.get("GITHUB_TOKEN", "").strip()
    mode = _input(environ, "mode") or "auto"
    if mode not in MODES:
        raise DriftbotError(f"input mode: unknown mode {mode!r} (choose from {', '.join(MODES)})")
    try:
        fail_on = Severity.parse(_input(environ, "fail-on") or "low")
    except ValueError as exc:
        raise DriftbotError(f"input fail-on: {exc}") from None
    name = _input(environ, "name") or DEFAULT_NAME
    if not NAME_RE.match(name):
        rule = "letters, digits, space, '.', '_', '-'; a letter or digit first; at most 50"
        raise DriftbotError(f"input name: {name!r} is not a name ({rule})")
    instance = Instance(name)
    branch = _input(environ, "autofix-branch") or instance.autofix_branch
    if not BRANCH_RE.match(branch):
        raise DriftbotError(f"input autofix-branch: {branch!r} is not a valid branch name")
    dry_run = (_input(environ, "dry-run") or "false").lower()
    if dry_run not in ("true", "false"):
        raise DriftbotError(f"input dry-run: expected true or false, got {dry_run!r}")
    dashboard = (_input(environ, "dashboard") or "false").lower()
    if dashboard not in ("true", "false"):
        raise DriftbotError(f"input dashboard: expected true or false, got {dashboard!r}")
    suggestions = (_input(environ, "suggestions") or "false").lower()
    if suggestions not in ("true", "false"):
        raise DriftbotError(f"input suggestions: expected true or false, got {suggestions!r}")
    inventories = re.split(r"[\s,]+", _input(environ, "inventory") or "")
    how = _input(environ, "filter")
    if how is not None and how not in FILTERS:
        raise DriftbotError(f"input filter: unknown filter {how!r} (choose from {', '.join(FILTERS)})")
    return Inputs(
        token=SecretStr(token),
        mode=mode,  # checked against MODES above
        ssot=_input(environ, "ssot"),
        config=_input(environ, "config"),
        inventories=tuple(i for i in inventories if i),
        fail_on=fail_on,
        autofix_branch=branch,
        dry_run=dry_run == "true",
        dashboard=dashboard == "true",
        filter=how,  # checked against FILTERS above
        baseline=_relative(_input(environ, "baseline"), "baseline", keep=BASELINE_AUTO),
        instance=instance,
        working_directory=_relative(_input(environ, "working-directory"), "working-directory") or "",
        cache_dir=_relative(_input(environ, "cache-dir"), "cache-dir") or None,
        suggestions=suggestions == "true",
    )


def _relative(value: str | None, name: str, keep: str | None = None) -> str | None:
    """A path inside the repository, as POSIX without `./` ("" for the root); `keep` passes as it is."""
    if value is None or value == keep:
        return value
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
    if value.startswith(("/", "\\")) or ".." in parts:
        raise DriftbotError(f"input {name}: {value!r} must be a path inside the repository")
    return "/".join(parts)


def _tuning(environ: Mapping[str, str]) -> ApiTuning:
    defaults = ApiTuning()
    values: dict[str, float] = {}
    for name in ("seconds_between_requests", "seconds_between_writes", "backoff_factor", "secondary_rate_wait"):
        raw = environ.get(f"DRIFTBOT_API_{name.upper()}")
        if raw:
            try:
                values[name] = float(raw)
            except ValueError:
                raise DriftbotError(f"DRIFTBOT_API_{name.upper()}: not a number: {raw!r}") from None
    return ApiTuning(
        seconds_between_requests=values.get("seconds_between_requests", defaults.seconds_between_requests),
        seconds_between_writes=values.get("seconds_between_writes", defaults.seconds_between_writes),
        backoff_factor=values.get("backoff_factor", defaults.backoff_factor),
        secondary_rate_wait=values.get("secondary_rate_wait", defaults.secondary_rate_wait),
    )


# -- what a step writes back ---------------------------------------------------------------


def write_outputs(path: Path | None, outputs: Mapping[str, str]) -> None:
    """Append the outputs to GITHUB_OUTPUT: `name=value`, or a heredoc for a value with a line break.

    The heredoc's delimiter is random and checked against the value, so no value (a path, a
    branch name) can end it early and set other outputs: GitHub's own toolkit does the same.
    """
    if path is None:
        return
    with path.open("a", encoding="utf-8") as out:
        for name, value in outputs.items():
            out.write(output_line(name, value))


def output_line(name: str, value: str) -> str:
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{uuid.uuid4()}"
    while delimiter in value:  # never with a fresh uuid4, but the guarantee costs nothing
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def append_summary(path: Path | None, markdown: str) -> None:
    if path is None:
        return
    with path.open("a", encoding="utf-8") as out:
        out.write(markdown if markdown.endswith("\n") else markdown + "\n")


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (after dropping ESC and the like)."""
    return terminal(text.replace("\r", "\n")).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


Level = Literal["error", "warning", "notice"]


def workflow_command(
    level: Level,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """`::error file=...,line=...::message`, escaped as the runner expects."""
    props = [
        f"{key}={_escape_property(str(value))}"
        for key, value in (("file", file), ("line", line), ("col", col), ("title", title))
        if value is not None
    ]
    head = f"::{level} {','.join(props)}" if props else f"::{level}"
    return f"{head}::{_escape_data(message)}"


def emit(line: str, stream: TextIO | None = None) -> None:
    print(line, file=stream or sys.stdout, flush=True)
