"""Run `driftbot validate` on init's own proposal before anyone sees it.

The proposed SSOT and `.driftbot.yml` are written to a temporary directory and loaded with the real
loader and validator. A proposal that fails is init's bug: an error naming the first problem, and
nothing is printed as a proposal or written.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from driftbot import config
from driftbot.commands.init.files import ProposedFile
from driftbot.errors import DriftbotError
from driftbot.ssot import loader


def validate(files: Sequence[ProposedFile], ssot_dir: str) -> None:
    with tempfile.TemporaryDirectory(prefix="driftbot-init-") as tmp:
        root = Path(tmp)
        for f in files:
            target = root / f.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f.text, encoding="utf-8")
        try:
            _, problems = loader.check(root / ssot_dir, root)
            if (root / config.CONFIG_NAME).exists():
                config.load(root)
        except DriftbotError as exc:
            raise DriftbotError(f"init's proposal does not validate, nothing written: {exc}") from None
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise DriftbotError(f"init's proposal does not validate, nothing written: {problems[0]}{more}")
