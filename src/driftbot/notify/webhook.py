"""POST one JSON message to a webhook URL (Slack's incoming webhooks, or any HTTP receiver).

The URL is a secret: a Slack webhook URL carries its token in the path. It lives in a `SecretStr`,
is never printed, and any error shows only `scheme://host/…`. Only http and https are accepted.
Redirects are not followed (a POST must not turn into a GET elsewhere). Each attempt waits at
most `TIMEOUT` seconds; a timeout, a refused connection, a 5xx or a 429 is retried once after
`RETRY_PAUSE` seconds; any other answer outside 2xx fails at once.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from driftbot.errors import EXIT_ERROR, EXIT_NOTIFY, DriftbotError
from driftbot.report.escape import one_line

TIMEOUT = 10.0  # seconds per attempt
ATTEMPTS = 2  # the first, and one retry
RETRY_PAUSE = 1.0  # seconds between the two
SCHEMES = ("http", "https")
USER_AGENT = "driftbot-notify"
BAD_URL = "--notify: expected an http:// or https:// URL with a host (the URL is not shown: it is a secret)"
FAILED = "--notify: posting to {shown} failed: {why} (exit 4; the report itself was written)"


@dataclass(frozen=True)
class Webhook:
    url: SecretStr = field(repr=False)
    shown: str  # scheme://host/…: what messages may show

    @classmethod
    def parse(cls, text: str) -> Webhook:
        try:
            parts = urlsplit(text.strip())
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a port that is no number
        except ValueError:
            raise DriftbotError(BAD_URL, EXIT_ERROR) from None
        if parts.scheme.lower() not in SCHEMES or not host:
            raise DriftbotError(BAD_URL, EXIT_ERROR)
        return cls(SecretStr(text.strip()), f"{parts.scheme.lower()}://{host}/…")

    def redact(self, text: str) -> str:
        """`text` with the URL and its path (where Slack keeps the token) replaced by `shown`."""
        url = self.url.get_secret_value()
        text = text.replace(url, self.shown)
        path = urlsplit(url).path
        return text.replace(path, "/…") if len(path) > 1 else text


class NotifyError(DriftbotError):
    def __init__(self, webhook: Webhook, why: str) -> None:
        super().__init__(webhook.redact(FAILED.format(shown=webhook.shown, why=one_line(why))), EXIT_NOTIFY)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError for the 3xx


def post(webhook: Webhook, message: dict[str, Any]) -> None:
    """Send `message` as JSON; NotifyError (exit 4) when no attempt got a 2xx."""
    data = json.dumps(message, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    why = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(RETRY_PAUSE)
        request = urllib.request.Request(
            webhook.url.get_secret_value(),
            data=data,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT},
        )
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                response.read()
            return
        except urllib.error.HTTPError as exc:
            answer = one_line(exc.read(200).decode("utf-8", "replace")).strip()
            why = f"HTTP {exc.code}" + (f" {answer!r}" if answer else "")
            if exc.code != 429 and exc.code < 500:
                break
        except urllib.error.URLError as exc:
            why = f"cannot connect ({_reason(exc.reason)})"
        except TimeoutError:
            why = f"no answer within {TIMEOUT:g} s"
        except OSError as exc:
            why = f"cannot connect ({exc.strerror or type(exc).__name__})"
    else:
        why += f" (after {ATTEMPTS} attempts)"
    raise NotifyError(webhook, why)


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return f"no answer within {TIMEOUT:g} s"
    if isinstance(reason, OSError):
        return reason.strerror or type(reason).__name__
    return str(reason)
