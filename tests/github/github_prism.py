"""GitHub's REST description (npm `@octokit/openapi`) served by `@stoplight/prism-cli` as a validating mock.

Prism answers every request with the spec's example and rejects a request that breaks the spec
with 422 (the reason is in its `sl-violations` header). It reads only the local spec file: nothing
is downloaded at test time. Run it without `--errors`: GitHub's own examples violate its schemas.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
SPEC = NODE_MODULES / "@octokit" / "openapi" / "generated" / "api.github.com.json"
PRISM = NODE_MODULES / ".bin" / "prism"
EXAMPLES = NODE_MODULES / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"
STARTUP_TIMEOUT = 90.0


def missing_tools() -> str | None:
    """Why the mock cannot run (the npm packages are not installed), or None."""
    for needed in (SPEC, PRISM, EXAMPLES):
        if not needed.exists():
            return f"{needed} missing: run `make install` (npm install)"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def prepare_spec(base_url: str) -> str:
    """The spec as prism should serve it to PyGithub.

    - example URLs point at `base_url` (PyGithub asserts that URLs it follows share its host);
    - example `Link` headers are dropped (they would make every list call page on to a 404);
    - `application/json` is listed first where another media type came first (prism picks the first).
    """
    spec: dict[str, Any] = json.loads(SPEC.read_text(encoding="utf-8"))
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                response.get("headers", {}).pop("Link", None)
                content = response.get("content")
                if content and "application/json" in content and next(iter(content)) != "application/json":
                    response["content"] = {"application/json": content.pop("application/json"), **content}
    spec["servers"] = [{"url": base_url}]
    return json.dumps(spec).replace("https://api.github.com", base_url)


@dataclass
class Prism:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_prism(workdir: Path, public_url: str) -> Prism:
    """Start prism on a free port serving the spec rewritten for `public_url` (where clients reach it)."""
    spec_path = workdir / "github-openapi.json"
    spec_path.write_text(prepare_spec(public_url), encoding="utf-8")
    port = free_port()
    log = workdir / "prism.log"
    env = {**os.environ, "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(PRISM), "mock", "--host", "127.0.0.1", "--port", str(port), str(spec_path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"prism exited with {process.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        if b"Prism is listening" in log.read_bytes():
            return Prism(process, f"http://127.0.0.1:{port}", log)
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"prism did not start within {STARTUP_TIMEOUT:.0f}s; see {log}")
