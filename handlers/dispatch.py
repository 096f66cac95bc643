"""One event, one transaction: claim the event id, find the user, route, collect jobs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from handlers import routes  # noqa: F401  (registers them)
from handlers.i18n import t
from handlers.jobs import Recorded, RefreshProfile, record_jobs
from handlers.router import Context, Event, Shop, router
from handlers.views.messages import Message, text
from storage import dialogs, events, members, people, ratelimit
from storage.db import hold_loaded, transaction, worth_running_again
from storage.models import LineUser

log = logging.getLogger(__name__)
COUNTED = ("text", "postback", "image")  # what a person sends; follow/unfollow are not commands
TRIES = 3  # runs of one event's transaction when concurrent ones keep winning races


@dataclass
class Outcome:
    """What to do once the transaction has committed."""

    messages: list[Message] = field(default_factory=list)
    jobs: list[Recorded] = field(default_factory=list)
    duplicate: bool = False
    language: str = "th"


def handle_event(engine: Engine, shop: Shop, event: Event) -> Outcome:
    """Process `event` exactly once. The reply is sent by the caller, after the commit.

    A transaction that lost a race (six first messages of one new person, four cashiers
    creating one phone's member, a deadlock victim), or found its connection closed, is
    rolled back and run again, from the claim of the event id on; after TRIES runs the
    error is raised, so that the webhook answers 5xx and LINE delivers the event again. It
    is never dropped. Should a connection close during the commit, which may have
    happened, the run again finds the event claimed: it is not counted twice.
    """
    for attempt in range(1, TRIES + 1):
        try:
            return _handle_once(engine, shop, event)
        except DBAPIError as error:
            if attempt == TRIES or not worth_running_again(error):
                raise
            log.info("event %s: %s; run %d again", event.event_id, error, attempt)
    raise AssertionError("unreachable")


def language_of(engine: Engine, line_user_id: str | None) -> str:
    """The person's language for an apology when their event failed ("th" if unknown)."""
    if line_user_id is None:
        return "th"
    try:
        with transaction(engine) as session:
            user = members.get_line_user(session, line_user_id)
            return user.language if user is not None else "th"
    except DBAPIError:
        return "th"


def _handle_once(engine: Engine, shop: Shop, event: Event) -> Outcome:
    with transaction(engine) as session:
        hold_loaded(session)
        if not events.claim_event(session, event.event_id):
            return Outcome(duplicate=True)
        if event.user_id is None or event.kind == "other":
            return Outcome()
        found = people.person(session, event.user_id)  # held: the reads below reuse it
        user = members.upsert_line_user(
            session,
            line_user_id=event.user_id,
            following=True if event.kind != "unfollow" else None,
            display_name=event.display_name,
        )
        limited = _rate_limited(session, shop, event, user)
        if limited is not None:
            return Outcome(messages=limited, language=user.language)
        ctx = Context(session=session, event=event, shop=shop, user=user)
        if found.member is not None and found.member.id is not None:
            ctx.held[found.member.id] = found.member
        ctx.dialog = dialogs.still_open(session, found.dialog)
        if found.user is None and event.kind != "follow":
            ctx.jobs.append(RefreshProfile(line_user_id=user.line_user_id))
        messages = router.dispatch(ctx)
        session.add(user)
        jobs = record_jobs(session, ctx.jobs)
        return Outcome(messages=messages, jobs=jobs, language=user.language)


def _rate_limited(
    session: Session, shop: Shop, event: Event, user: LineUser
) -> list[Message] | None:
    """None when the person may go on; else the answer: a polite word once, then silence.

    The count is in the database, so it holds across web processes.
    """
    if not shop.commands_per_minute or event.kind not in COUNTED:
        return None
    sent = ratelimit.count_command(session, user.line_user_id)
    if sent <= shop.commands_per_minute:
        return None
    if sent == shop.commands_per_minute + 1:
        return [text(t(user.language, "rate_limited", limit=shop.commands_per_minute))]
    return []
