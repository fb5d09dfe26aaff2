"""Helpers for the GitHub Action tests: constants, real git remotes, the Actions environment."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from github_payloads import Payload
from github_recorder import RecordingProxy

from driftbot.cli import main

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLE = ROOT / "examples" / "nba-props-platform"
CONFIG = "config/orchestration_config.py"
TOKEN = "ghs_TESTtokenDoNotLeak0123456789abcdef"
PERSON = ("-c", "user.name=Octo Cat", "-c", "user.email=octo@example.com")


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *PERSON, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@dataclass
class Remote:
    """A bare repository standing in for GitHub's, and the job's checkout of it."""

    bare: Path
    workspace: Path
    scratch: Path  # a person's clone, for pushing branches

    def head(self, ref: str) -> str:
        return git(self.bare, "rev-parse", ref)

    def refs(self) -> dict[str, str]:
        out = git(self.bare, "for-each-ref", "--format=%(refname) %(objectname)")
        return dict(reversed(line.split()) for line in out.splitlines())  # type: ignore[misc]

    def branches(self) -> list[str]:
        return sorted(r.removeprefix("refs/heads/") for r in self.refs().values() if r.startswith("refs/heads/"))

    def push_commit(self, ref: str, edit: dict[str, str], *, base: str = "master", message: str = "edit") -> str:
        """A person commits `edit` (path -> text) on top of `base` and pushes it to `ref`."""
        git(self.scratch, "fetch", "--quiet", "origin")
        git(self.scratch, "checkout", "--quiet", "--detach", base if len(base) == 40 else f"origin/{base}")
        for rel, text in edit.items():
            (self.scratch / rel).parent.mkdir(parents=True, exist_ok=True)
            (self.scratch / rel).write_text(text)
        git(self.scratch, "add", "--all")
        git(self.scratch, "commit", "--quiet", "-m", message)
        git(self.scratch, "push", "--quiet", "--force", "origin", f"HEAD:{ref}")
        return git(self.scratch, "rev-parse", "HEAD")

    def pull_files(self, base: str, head: str) -> list[dict[str, str | None]]:
        """What GitHub's pull request files API says for `base...head`: each file's status and patch (hunks only)."""
        files: list[dict[str, str | None]] = []
        statuses = {"A": "added", "D": "removed", "M": "modified"}
        for line in git(self.bare, "diff", "--no-renames", "--name-status", f"{base}...{head}").splitlines():
            status, path = line.split("\t", 1)
            diff = git(self.bare, "diff", "--no-renames", f"{base}...{head}", "--", path)
            patch = diff[diff.index("@@") :] if "@@" in diff else None
            files.append({"filename": path, "status": statuses[status[0]], "patch": patch})
        return files

    def check_out(self, sha: str) -> None:
        """The job's checkout moves to `sha` (what actions/checkout does for a PR head)."""
        git(self.workspace, "fetch", "--quiet", "origin", sha)
        git(self.workspace, "checkout", "--quiet", "--detach", sha)

    def file(self, ref: str, rel: str) -> str:
        show = ["git", "show", f"{ref}:{rel}"]
        return subprocess.run(show, cwd=self.bare, capture_output=True, text=True, check=True).stdout


def drifted_config() -> str:
    return (EXAMPLE / "shared" / "config" / "orchestration_config.py").read_text()


def clean_config() -> str:
    return drifted_config().replace("'br_roster'," + " " * 9, "'br_rosters_current',")


def parse_outputs(text: str) -> dict[str, str]:
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            else:
                raise AssertionError(f"output {name}: delimiter {delimiter} never closes")
            outputs[name] = "\n".join(value)
        elif line:
            name, value_ = line.split("=", 1)
            outputs[name] = value_
    return outputs


@dataclass
class ActionRun:
    """The Actions environment for one `driftbot action` run, and what the run wrote."""

    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    remote: Remote
    api: RecordingProxy

    def run(
        self,
        event: str,
        payload: Payload,
        *,
        repository: str | None = None,
        server_url: str = "https://github.com",
        filter: str | None = "all",
        **inputs: str,
    ) -> int:
        """One run; `inputs` by their names with `_` for `-`.

        `filter` is `all` unless given: most tests are about what the bot writes, not about a PR's
        scope, so their checkout counts in full. None leaves the input unset (the event's default).
        """
        event_path = self.tmp / "event.json"
        event_path.write_text(json.dumps(payload))
        for name in ("output", "summary"):
            (self.tmp / name).write_text("")
        repo = repository or payload.get("repository", {}).get("full_name", "Codertocat/Hello-World")
        env = {
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": repo,
            "GITHUB_API_URL": self.api.url,
            "GITHUB_SERVER_URL": server_url,
            "GITHUB_WORKSPACE": str(self.remote.workspace),
            "GITHUB_OUTPUT": str(self.tmp / "output"),
            "GITHUB_STEP_SUMMARY": str(self.tmp / "summary"),
            "GITHUB_RUN_ID": "4242",
            "INPUT_GITHUB-TOKEN": TOKEN,
            # PyGithub's politeness waits and retry backoff, off for tests:
            "DRIFTBOT_API_SECONDS_BETWEEN_REQUESTS": "0",
            "DRIFTBOT_API_SECONDS_BETWEEN_WRITES": "0",
            "DRIFTBOT_API_BACKOFF_FACTOR": "0",
            "DRIFTBOT_API_SECONDARY_RATE_WAIT": "0",
        }
        env |= {f"INPUT_{name.upper().replace('_', '-')}": value for name, value in inputs.items()}
        if filter is not None:
            env["INPUT_FILTER"] = filter
        else:
            self.monkeypatch.delenv("INPUT_FILTER", raising=False)
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)
        return main(["action"])

    def outputs(self) -> dict[str, str]:
        """GITHUB_OUTPUT read as the runner reads it: `name=value` lines and `name<<DELIMITER` heredocs."""
        return parse_outputs((self.tmp / "output").read_text())

    def summary(self) -> str:
        return (self.tmp / "summary").read_text()
