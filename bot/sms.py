"""Sending SMS: the log sender by default, an HTTP provider by configuration."""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Protocol

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, phone: str, body: str) -> None: ...


class LogSender:
    """Writes the SMS to the log (and so to the demo console) instead of sending it."""

    def send(self, phone: str, body: str) -> None:
        log.warning("SMS to %s: %s", phone, body)


class HttpSender:
    """POSTs `{"to": phone, "text": body}` as JSON to the provider's URL."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def send(self, phone: str, body: str) -> None:
        data = json.dumps({"to": phone, "text": body}).encode()
        request = urllib.request.Request(
            self.url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            if response.status >= 300:
                raise RuntimeError(f"SMS provider answered {response.status}")


def make_sender(provider: str, url: str | None) -> SmsSender:
    if provider == "http":
        assert url is not None
        return HttpSender(url)
    return LogSender()
