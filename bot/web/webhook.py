"""POST /callback: verify LINE's signature, parse, and hand each event to the conversation."""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import Blueprint, Response, abort, request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhooks import (
    FollowEvent,
    ImageMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.line.client import LineError
from bot.services import Services
from bot.web import shell
from bot.web.event_input import clean_id, clean_text, is_standby
from bot.web.photos import with_photo
from handlers.dispatch import handle_event, language_of
from handlers.i18n import t
from handlers.router import Event, router
from handlers.views.messages import text
from storage.db import lost_a_race

log = logging.getLogger(__name__)
bp = Blueprint("webhook", __name__)

MAX_BODY = 1024 * 1024


def to_event(raw: object, services: Services) -> Event:
    """The conversation's view of one SDK event (profile looked up on follow)."""
    source = getattr(raw, "source", None)
    user_id = clean_id(source.user_id) if isinstance(source, UserSource) else None
    base = Event(
        kind="other",
        event_id=clean_id(getattr(raw, "webhook_event_id", None)) or "",
        user_id=user_id,
        reply_token=clean_id(getattr(raw, "reply_token", None)),
    )
    if user_id is None:
        return base
    if isinstance(raw, MessageEvent) and isinstance(raw.message, TextMessageContent):
        return replace(base, kind="text", text=clean_text(raw.message.text))
    if isinstance(raw, MessageEvent) and isinstance(raw.message, ImageMessageContent):
        return replace(base, kind="image", message_id=clean_id(raw.message.id))
    if isinstance(raw, PostbackEvent):
        return replace(base, kind="postback", postback=clean_text(raw.postback.data, 300))
    if isinstance(raw, FollowEvent):
        profile = services.line.profile(user_id)
        return replace(
            base,
            kind="follow",
            profile_language=profile.language if profile else None,
            display_name=clean_text(profile.display_name, 200) if profile else None,
        )
    if isinstance(raw, UnfollowEvent):
        return replace(base, kind="unfollow")
    return base


@bp.post("/callback")
def callback() -> Response:
    services = shell.services()
    if (request.content_length or 0) > MAX_BODY:
        abort(413)
    signature = request.headers.get("X-Line-Signature")
    if not signature:
        abort(400, "missing X-Line-Signature")
    body = request.get_data(as_text=True)
    parser = WebhookParser(services.settings.channel_secret)
    try:
        events = parser.parse(body, signature)
    except InvalidSignatureError:
        abort(400, "invalid signature")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        abort(400, "malformed webhook body")
    for raw in events:
        process(services, raw)
    return Response("OK", mimetype="text/plain")


def process(services: Services, raw: object) -> None:
    """Handle one event; a database outage, or a race lost even after retries, answers 503
    so that LINE delivers the batch again."""
    if is_standby(raw):
        return  # another bot has the chat: no reply, no change (LINE's rule for standby)
    event = to_event(raw, services)
    if not event.event_id:
        return
    if event.kind == "text" and event.user_id and router.is_slow(event.text):
        services.line.show_loading(event.user_id)
    try:
        event = with_photo(services, event)
        outcome = handle_event(services.engine, services.shop, event)
    except OperationalError:
        log.exception("database unavailable while handling %s", event.event_id)
        abort(503)
    except Exception as error:
        if isinstance(error, IntegrityError) and lost_a_race(error):
            log.warning("event %s kept losing races; LINE will deliver it again", event.event_id)
            abort(503)
        log.exception("event %s failed; nothing was changed", event.event_id)
        _apologise(services, event)
        return
    if outcome.duplicate:
        log.info("event %s already processed", event.event_id)
        return
    if outcome.messages and event.reply_token:
        try:
            services.line.reply(event.reply_token, outcome.messages[:5])
        except LineError as error:
            log.warning("reply to %s failed: %s", event.event_id, error)
    shell.jobs().after_commit(outcome.jobs)


def _apologise(services: Services, event: Event) -> None:
    """Say sorry in the person's own language; nothing was changed."""
    if not event.reply_token:
        return
    language = language_of(services.engine, event.user_id)
    try:
        services.line.reply(event.reply_token, [text(t(language, "error_sorry"))])
    except LineError:
        log.warning("could not apologise for %s", event.event_id)
