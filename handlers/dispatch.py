"""One event, one transaction: claim the event id, find the user, route, collect jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

from linebot.v3.messaging import Message
from sqlalchemy.engine import Engine

import handlers  # noqa: F401  (registers routes)
from handlers.router import Context, Event, Job, Shop, router
from storage import dialogs, events, members
from storage.db import transaction


@dataclass
class Outcome:
    """What to do once the transaction has committed."""

    messages: list[Message] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    duplicate: bool = False
    language: str = "th"


def handle_event(engine: Engine, shop: Shop, event: Event) -> Outcome:
    """Process `event` exactly once. The reply is sent by the caller, after the commit."""
    with transaction(engine) as session:
        if not events.claim_event(session, event.event_id):
            return Outcome(duplicate=True)
        if event.user_id is None or event.kind == "other":
            return Outcome()
        known = members.get_line_user(session, event.user_id) is not None
        user = members.upsert_line_user(
            session,
            line_user_id=event.user_id,
            following=True if event.kind != "unfollow" else None,
            display_name=event.display_name,
        )
        ctx = Context(session=session, event=event, shop=shop, user=user)
        ctx.dialog = dialogs.current_dialog(session, user.line_user_id)
        if not known and event.kind != "follow":
            ctx.jobs.append(Job("refresh_profile", {"line_user_id": user.line_user_id}))
        messages = router.dispatch(ctx)
        session.add(user)
        return Outcome(messages=messages, jobs=ctx.jobs, language=user.language)
