"""A registry whose entries are imported on first lookup: name -> (module, attribute).

Registries (renderers, checkers) name their backends without importing them, so a run imports only
the backends it uses: `--format json` never imports the SARIF renderer, and importing the rule
catalog never imports a rule.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TypeVar

T = TypeVar("T")


class OnUse(Mapping[str, T]):
    """Name -> an attribute of a module, the module imported when the name is first looked up."""

    def __init__(self, where: dict[str, tuple[str, str]]) -> None:
        self._where = where

    def __getitem__(self, name: str) -> T:
        module, attribute = self._where[name]
        found: T = getattr(importlib.import_module(module), attribute)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)
