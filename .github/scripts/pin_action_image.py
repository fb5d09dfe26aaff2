"""Release step: point action.yml's `runs.image` at the published image digest instead of the Dockerfile.

    python .github/scripts/pin_action_image.py action.yml ghcr.io/OWNER/driftbot sha256:<64 hex>

Only the `image:` line changes (comments and layout stay); a file whose image is not `Dockerfile`,
or a malformed reference, is an error (exit 2), so a release never ships a half-written action.yml.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

IMAGE_LINE = re.compile(r"^(?P<indent>[ \t]+)image:[ \t]*['\"]?Dockerfile['\"]?[ \t]*$", re.MULTILINE)
REPOSITORY = re.compile(r"^[a-z0-9.-]+(?::[0-9]+)?(?:/[a-z0-9._-]+)+$")
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")


def pin(text: str, repository: str, digest: str) -> str:
    if not REPOSITORY.fullmatch(repository):
        raise ValueError(f"not an image repository (lower case, REGISTRY/PATH): {repository!r}")
    if not DIGEST.fullmatch(digest):
        raise ValueError(f"not a sha256 digest: {digest!r}")
    found = IMAGE_LINE.findall(text)
    if len(found) != 1:
        raise ValueError(f"expected exactly one `image: Dockerfile` line, found {len(found)}")
    return IMAGE_LINE.sub(lambda m: f"{m['indent']}image: docker://{repository}@{digest}", text)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, repository, digest = Path(argv[0]), argv[1], argv[2]
    try:
        path.write_text(pin(path.read_text(encoding="utf-8"), repository, digest), encoding="utf-8")
    except (OSError, ValueError) as exc:
        print(f"pin_action_image: {path}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
