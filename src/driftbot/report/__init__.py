"""Renderers: one function per output format, chosen by name from `RENDERERS`.

Each turns a `Report` into text and does no I/O; the caller decides where the text goes. A renderer's
module is imported when the renderer is first looked up, so `--format json` never imports markdown or
SARIF (gzip, importlib.metadata).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from driftbot.ftypes import Report


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


class _Renderers(Mapping[str, Renderer]):
    """Format name -> renderer, each given as (module, function) and imported on first lookup."""

    def __init__(self, where: dict[str, tuple[str, str]]) -> None:
        self._where = where

    def __getitem__(self, name: str) -> Renderer:
        module, function = self._where[name]
        renderer: Renderer = getattr(importlib.import_module(module), function)
        return renderer

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


RENDERERS: Mapping[str, Renderer] = _Renderers(
    {
        "text": ("driftbot.report.text", "render_text"),
        "concise": ("driftbot.report.text", "render_concise"),
        "json": ("driftbot.report.json_report", "render_json"),
        "markdown": ("driftbot.report.markdown", "render_markdown_full"),
        "sarif": ("driftbot.report.sarif", "render_sarif"),
    }
)

__all__ = ["RENDERERS", "Renderer"]
