"""Real servers on 127.0.0.1 for the inventory tests: the bqemulator process, and a scripted HTTP server.

bqemulator (PyPI, 1.4.0) is a BigQuery REST emulator backed by DuckDB. It runs `INSTALL spatial` at start,
which downloads the extension unless it is already installed; we install it offline from the PyPI wheel
`duckdb-extension-spatial` into `$HOME/.duckdb/extensions` of a private HOME, so the process never needs
the network (its best-effort `INSTALL avro` fails fast and is ignored by the emulator).

The scripted server is for what the emulator cannot do: answer 403/429/503, hang, or paginate.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import duckdb_extension_spatial
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokenizer_core import TokenType

STARTUP_TIMEOUT = 60.0
EMULATOR_COMMAND = (sys.executable, "-m", "bqemulator", "start", "--ephemeral")
_LISTEN = re.compile(r'"port": (\d+), "event": "rest\.listen"')


def install_spatial(home: Path) -> None:
    """Install DuckDB's spatial extension from the PyPI wheel into `home`'s DuckDB extension directory."""
    wheel_dir = Path(duckdb_extension_spatial.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    con = duckdb.connect()
    try:
        con.execute(f"SET extension_directory = '{home / '.duckdb' / 'extensions'}'")
        con.execute(f"INSTALL '{wheel_dir / 'spatial.duckdb_extension'}'")
    finally:
        con.close()


@dataclass
class Emulator:
    """A running `python -m bqemulator start` on a free port, with a private HOME."""

    endpoint: str
    process: subprocess.Popen[bytes]
    log: Path

    def client(self, project: str) -> bigquery.Client:
        return bigquery.Client(
            project=project, credentials=AnonymousCredentials(), client_options={"api_endpoint": self.endpoint}
        )

    def run_ddl(self, project: str, sql_files: Iterable[Path], *, skip: Iterable[str] = ()) -> list[str]:
        """Create the datasets and run every statement of `sql_files` (project rewritten to `project`).

        Statements naming a table in `skip` (`dataset.table`) are left out. Returns `dataset.table` of each
        statement run. Statements are cut at sqlglot's `;` tokens, so a `;` inside a string is safe.
        """
        client = self.client(project)
        skipped = set(skip)
        created: list[str] = []
        for path in sorted(sql_files):
            text = path.read_text(encoding="utf-8").replace("`nba-props-platform.", f"`{project}.")
            for statement in split_statements(text):
                ref = re.search(rf"`{re.escape(project)}\.(\w+)\.(\w+)`", statement)
                if ref is None:
                    continue
                dataset, table = ref.groups()
                if f"{dataset}.{table}" in skipped:
                    continue
                client.create_dataset(dataset, exists_ok=True)
                client.query(statement).result()
                created.append(f"{dataset}.{table}")
        return created

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def split_statements(text: str) -> Iterator[str]:
    start = 0
    for token in Dialect.get_or_raise("bigquery").tokenize(text):
        if token.token_type == TokenType.SEMICOLON:
            statement = text[start : token.start].strip()
            start = token.end + 1
            if statement:
                yield statement


def start_emulator(home: Path) -> Emulator:
    install_spatial(home)
    log = home / "bqemulator.log"
    env = {**os.environ, "HOME": str(home)}
    env.pop("BIGQUERY_EMULATOR_HOST", None)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *EMULATOR_COMMAND,
                "--rest-host",
                "127.0.0.1",
                "--rest-port",
                "0",
                "--grpc-host",
                "127.0.0.1",
                "--grpc-port",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=home,
            preexec_fn=_die_with_parent,
        )
    emulator = Emulator("", process, log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"bqemulator exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            found = _LISTEN.search(log.read_text(errors="replace"))
            if found and _ready(f"http://127.0.0.1:{found.group(1)}"):
                emulator.endpoint = f"http://127.0.0.1:{found.group(1)}"
                return emulator
            time.sleep(0.05)
        raise RuntimeError(f"bqemulator not ready after {STARTUP_TIMEOUT}s:\n{log.read_text()[-3000:]}")
    except BaseException:
        emulator.stop()
        raise


def _die_with_parent() -> None:
    """Linux: the emulator gets SIGTERM when the test process dies, even by SIGKILL (no orphan servers)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _ready(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/readyz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


# --- scripted server -------------------------------------------------------------------------------

Answer = tuple[int, dict[str, Any]] | None  # None: never answer (the connection stays open)
Script = Callable[[str, str, dict[str, list[str]]], Answer]  # (method, path, query) -> answer


def bigquery_error(code: int, status: str, reason: str, message: str) -> tuple[int, dict[str, Any]]:
    """An error body shaped like BigQuery's (google.rpc.Status with the legacy `errors` list)."""
    return code, {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": status,
        }
    }


@dataclass
class ScriptedServer:
    endpoint: str
    requests: list[tuple[str, str, dict[str, list[str]]]] = field(default_factory=list)


@contextmanager
def scripted_server(script: Script) -> Iterator[ScriptedServer]:
    """An HTTP server on 127.0.0.1 that answers each request as `script` says, and records the requests."""
    release = threading.Event()
    state = ScriptedServer("")

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            state.requests.append((self.command, parts.path, query))
            answer = script(self.command, parts.path, query)
            if answer is None:
                release.wait(30)  # hold the connection open until the test ends
                return
            status, body = answer
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        release.set()
        server.shutdown()
        server.server_close()


def closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
