"""Fixtures for the GitHub Action tests: the validating mock, real git remotes, the Actions environment.

Prism starts once per test process (about 10 s): with pytest-xdist, once in each worker that runs
a test here. (Grouping them into one worker with `--dist loadgroup` would save that, but with
pytest 9.2 loadgroup silently groups nothing: pytest-xdist issue #1386.)
"""

from __future__ import annotations

from github_fixtures import action, api, github_mock, remote

__all__ = ["action", "api", "github_mock", "remote"]
