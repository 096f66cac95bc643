"""The floor for `bench/webhook.py`: the least a line-bot-sdk bot does per text event.

Flask, the SDK's signature check and parser (`WebhookHandler`), and one reply through a
reused `MessagingApi` client; no database. Served by gunicorn with the project's settings:

    gunicorn "bench.floor_bot:create_app()"   (FLOOR_SECRET, FLOOR_TOKEN, FLOOR_API)
"""

from __future__ import annotations

import os

from flask import Flask, abort, request
from linebot.v3 import WebhookHandler
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessagingApi,
    ReplyMessageRequest,
    TextMessage,
)
from linebot.v3.webhooks import MessageEvent, TextMessageContent


def create_app() -> Flask:
    app = Flask(__name__)
    handler = WebhookHandler(os.environ["FLOOR_SECRET"])
    config = Configuration(host=os.environ["FLOOR_API"], access_token=os.environ["FLOOR_TOKEN"])
    api = MessagingApi(ApiClient(config))

    @handler.add(MessageEvent, message=TextMessageContent)
    def echo(event: MessageEvent) -> None:
        reply = ReplyMessageRequest(
            replyToken=event.reply_token,  # type: ignore[arg-type]
            messages=[TextMessage(text=f"You have {len(event.message.text)} points")],  # type: ignore[union-attr]
        )
        api.reply_message(reply)

    @app.post("/callback")
    def callback() -> str:
        try:
            handler.handle(request.get_data(as_text=True), request.headers["X-Line-Signature"])
        except (InvalidSignatureError, KeyError):
            abort(400)
        return "OK"

    @app.get("/healthz")
    def healthz() -> str:
        return "ok"

    return app
