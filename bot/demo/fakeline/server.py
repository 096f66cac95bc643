"""A fake LINE platform on loopback: the Messaging API the bot calls, and the webhooks it gets.

It is a real HTTP server (werkzeug, threaded) that the app reaches through
`LINE_API_ENDPOINT` / `LINE_API_DATA_ENDPOINT`. It records every request, enforces
LINE's limits (`rules.py`), tracks reply tokens and retry keys as LINE does, can be told
to fail the next calls (429/500), and signs the webhooks it sends with the channel secret.
The tests and the demo simulator both drive it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from bot.demo.fakeline import messaging_api, richmenu_api
from bot.demo.fakeline.platform import Platform


class FakeLine(Platform):
    """The fake platform. `start()` serves it; `url` is what LINE_API_ENDPOINT points at."""

    def __init__(
        self,
        *,
        channel_secret: str = "test-channel-secret",
        access_token: str = "test-access-token",
        quota: int | None = 15000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(channel_secret=channel_secret, access_token=access_token, quota=quota)
        self.host, self.port = host, port
        self.app = self._build_app()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def _build_app(self) -> Flask:
        app = Flask("fakeline")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        messaging_api.register(app, self)
        richmenu_api.register(app, self)
        return app

    def start(self) -> FakeLine:
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
