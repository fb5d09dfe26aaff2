"""`--probe-http`: GET each SSOT service's health endpoint and report `service-unreachable`.

Opt-in, because it talks to the network. Service URLs come from a Cloud Run inventory (`status.url`)
or from `--service-url NAME=URL`, which wins. Probes run concurrently, each with a short timeout, so
one service that never answers costs one timeout, not one per service.
"""

from __future__ import annotations

import argparse
import urllib.error
import urllib.request
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from driftbot.context import AuditContext
from driftbot.ftypes import Finding
from driftbot.rules.catalog import finding
from driftbot.rules.infra import deployed_in
from driftbot.ssot.infra import Infrastructure

DEFAULT_TIMEOUT = 3.0


@dataclass(frozen=True)
class ProbeResult:
    service: str
    url: str | None  # the health URL probed; None when no service URL is known
    ok: bool
    detail: str  # "HTTP 200", "HTTP 500", "no answer within 3s", ...


def service_url(text: str) -> tuple[str, str]:
    """argparse type of `--service-url NAME=URL`."""
    name, eq, url = text.partition("=")
    if not eq or not name or not url.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"expected NAME=http(s)://HOST..., got {text!r}")
    return name, url


def get(url: str, timeout: float) -> tuple[bool, str]:
    """GET `url`; (True, "HTTP 2xx") when healthy, else (False, why)."""
    if not url.startswith(("http://", "https://")):
        return False, "not an http(s) URL"
    request = urllib.request.Request(url, headers={"User-Agent": "driftbot-probe"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # scheme checked above
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            return False, f"no answer within {timeout:g}s"
        return False, f"cannot connect: {exc.reason}"
    except TimeoutError:
        return False, f"no answer within {timeout:g}s"
    except OSError as exc:
        return False, f"cannot connect: {exc}"
    return 200 <= status < 300, f"HTTP {status}"


def probe(infra: Infrastructure, urls: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> list[ProbeResult]:
    """Probe every SSOT service, in SSOT order."""
    targets = {s.name: (urls[s.name].rstrip("/") + s.health_path if s.name in urls else None) for s in infra.services}

    def one(name: str) -> ProbeResult:
        url = targets[name]
        if url is None:
            return ProbeResult(name, None, False, "no URL known (give --service-url NAME=URL or a Cloud Run inventory)")
        ok, detail = get(url, timeout)
        return ProbeResult(name, url, ok, detail)

    if not targets:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(targets))) as pool:
        return list(pool.map(one, targets))


def findings(infra: Infrastructure, results: list[ProbeResult]) -> list[Finding]:
    out = []
    for r in results:
        if r.ok:
            continue
        what = f"GET {r.url} -> {r.detail}" if r.url else f"not probed: {r.detail}"
        loc = infra.loc("service", r.service, "health_path")
        out.append(
            finding("service-unreachable", loc, f"service {r.service!r}: {what}", ssot=loc.path, symbol=r.service)
        )
    return out


def check(ctx: AuditContext, service_urls: Mapping[str, str], timeout: float = DEFAULT_TIMEOUT) -> list[Finding]:
    """`audit --probe-http`: probe the SSOT's services; `service_urls` win over the Cloud Run inventory's."""
    infra = ctx.ssot.infrastructure
    if infra is None:
        return []
    return findings(infra, probe(infra, {**deployed_in(ctx).urls, **service_urls}, timeout))
