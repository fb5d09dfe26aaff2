"""`.driftbot.yml`: the optional repository configuration, validated by pydantic with positioned errors."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from driftbot import repofs, yamlpos
from driftbot.errors import DriftbotError
from driftbot.yamlpos import YamlProblems

CONFIG_NAME = ".driftbot.yml"
IGNORE_NAME = ".driftbot-ignore.yml"


def _inside_repo(value: str) -> str:
    problem = repofs.relative_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


RepoPath = Annotated[str, AfterValidator(_inside_repo)]  # a path (or glob) that must stay inside the repository


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class BindingSpec(Section):
    """Bind `symbol` in files matching `files` (a glob) to the SSOT list `ssot` (e.g. `phase2`)."""

    files: str
    symbol: str
    ssot: str
    # None: whichever matches better; `class`: the collection is the list's processor registry (a router
    # of its classes, rule unregistered-processor), not a copy of its names
    field: Literal["name", "target_table", "class"] | None = None
    generated: bool = False  # `driftbot generate` owns this collection

    @model_validator(mode="after")
    def _registry_not_generated(self) -> BindingSpec:
        if self.generated and self.field == "class":
            raise ValueError("a registry (field: class) cannot be generated: driftbot does not write class objects")
        return self


class MirrorSpec(Section):
    """`copies` (a glob of directories) must hold byte-identical copies of `source`'s files."""

    source: RepoPath
    copies: RepoPath
    include: list[str] = Field(default_factory=lambda: ["**/*"])


class SqlSpec(Section):
    monitoring: list[str] = Field(default_factory=lambda: ["**/*.sql"])  # globs of monitoring queries
    generate_into: RepoPath | None = None  # SQL file whose marked region `sync-queries` owns
    freshness_hours: int = Field(default=36, ge=1)
    repo_ddl: bool = True  # the repository's own CREATE TABLE/VIEW statements count as existing tables
    # `{name}` in SQL written in Python, YAML or shell -> its value (`raw_dataset: nba_raw`); a key is the
    # field as written (`self.raw_dataset`) or its last name (`raw_dataset`). Unresolved ones are skipped.
    placeholders: dict[str, str] = Field(default_factory=dict)


class IgnoreEntry(Section):
    model_config = ConfigDict(defer_build=True)  # built when an ignore file is read: most runs have none

    rule: str
    path: str = "**"  # glob
    symbol: str | None = None
    value: str | None = None  # the offending name, e.g. 'br_roster'
    reason: str = Field(min_length=1)
    owner: str | None = None
    expires: dt.date | None = None


class IgnoreFile(Section):
    model_config = ConfigDict(defer_build=True)

    version: int = 1
    ignore: list[IgnoreEntry] = Field(default_factory=list)


class Config(Section):
    version: int = 1
    ssot: RepoPath = "ssot"
    exclude: list[str] = Field(default_factory=list)  # globs, on top of .git, .venv, node_modules
    bindings: list[BindingSpec] = Field(default_factory=list)
    mirrors: list[MirrorSpec] = Field(default_factory=list)
    sql: SqlSpec = Field(default_factory=SqlSpec)
    inventory: list[str] = Field(default_factory=list)  # inventory URLs, e.g. snapshot:infra/bq.json
    ignore_file: RepoPath = IGNORE_NAME
    auto_bind: bool = True


def load(repo: Path, path: Path | None = None) -> Config:
    """Load `.driftbot.yml` (or `path`); missing default file means the default config."""
    explicit = path is not None
    target = path if path is not None else repo / CONFIG_NAME
    if not os.path.lexists(target):  # a dangling symlink is refused below, not taken for "no config"
        if explicit:
            raise DriftbotError(f"{target}: config file not found")
        return Config()
    shown = repofs.display_name(target, repo) if explicit else CONFIG_NAME
    try:  # a file outside the repository is the user's choice; one inside obeys the path policy
        root = repo if not explicit or repofs.lexically_inside(target, repo) else None
        return yamlpos.validate(Config, yamlpos.load(target, shown, root=root))
    except YamlProblems as exc:
        raise DriftbotError(f"invalid config: {exc.problems[0]}") from None


def load_ignores(repo: Path, config: Config) -> tuple[list[IgnoreEntry], yamlpos.Positioned | None]:
    target = repo / config.ignore_file
    if not os.path.lexists(target):
        return [], None
    shown = repofs.display_name(target, repo)
    try:
        doc = yamlpos.load(target, shown, root=repo)
        parsed = yamlpos.validate(IgnoreFile, doc)
    except YamlProblems as exc:
        raise DriftbotError(f"invalid ignore file: {exc.problems[0]}") from None
    return parsed.ignore, doc
