"""Renderers: one function per output format, chosen by name from `RENDERERS`.

Each turns a `Report` into text and does no I/O; the caller decides where the text goes.
"""

from __future__ import annotations

from typing import Protocol

from driftbot.ftypes import Report
from driftbot.report.json_report import render_json
from driftbot.report.markdown import render_markdown, render_markdown_full
from driftbot.report.sarif import render_sarif
from driftbot.report.text import render_concise, render_text


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False) -> str: ...


RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "concise": render_concise,
    "json": render_json,
    "markdown": render_markdown_full,
    "sarif": render_sarif,
}

__all__ = ["RENDERERS", "Renderer", "render_json", "render_markdown", "render_sarif", "render_text"]
