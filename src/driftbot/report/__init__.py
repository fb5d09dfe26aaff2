"""Renderers: one function per output format, chosen by name from `RENDERERS`.

Each turns a `Report` into text and does no I/O; the caller decides where the text goes. A renderer's
module is imported when the renderer is first looked up, so `--format json` never imports markdown or
SARIF (gzip, importlib.metadata).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from driftbot.lazy import OnUse

if TYPE_CHECKING:
    from driftbot.ftypes import Report


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


RENDERERS: Mapping[str, Renderer] = OnUse(
    {
        "text": ("driftbot.report.text", "render_text"),
        "concise": ("driftbot.report.text", "render_concise"),
        "json": ("driftbot.report.json_report", "render_json"),
        "markdown": ("driftbot.report.markdown", "render_markdown_full"),
        "sarif": ("driftbot.report.sarif", "render_sarif"),
    }
)

__all__ = ["RENDERERS", "Renderer"]
