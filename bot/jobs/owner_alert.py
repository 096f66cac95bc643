"""The weekly segment alert to the owner, and the win-back offers the owner asks for.

`send_alert` runs from the hourly job on the owner's day, after the owner's hour; one run per
week claims the week (a once-only record), records the falls and pushes the list to every
owner. `send_offers` sends the win-back offer to the members of a week the owner tapped;
in quiet hours it waits, and the hourly job picks the waiting offers up afterwards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.jobs.queue import Jobs
from handlers import lifecycle_messages as say
from handlers.jobs import DeliverPush
from handlers.router import Shop
from handlers.segment_alert_owner import alert_messages
from storage import (
    automation_due,
    automation_settings,
    clock,
    lifecycle,
    members,
    outbox,
    segment_alert,
)
from storage.automation_runs import AUTO_PURPOSE, Plan, carry_out
from storage.db import transaction
from storage.models import Role, SegmentDrop


def alert_week(session: Session, now: datetime, shop: Shop) -> str | None:
    """The week to alert about now (owner's day and hour, alert on), else None."""
    config = automation_settings.config(session, "alert")
    return segment_alert.due_week(config, now, shop.tz) if config.enabled else None


def send_alert(jobs: Jobs, week: str) -> int:
    """Record the week's falls and tell the owners (once a week); returns how many fell."""
    shop = jobs.services.shop
    with transaction(jobs.services.engine) as session:
        record = segment_alert.take_week(session, week)
        if record is None:
            return 0
        drops = segment_alert.record_drops(session, week)
        owners = [u for u in members.list_staff(session) if u.role == Role.OWNER and u.following]
        pushes = []
        for owner in owners if drops else []:
            messages = alert_messages(session, shop, owner.language, week)
            row = outbox.queue_push(
                session,
                to=owner.line_user_id,
                messages=messages,
                purpose=AUTO_PURPOSE + "alert",
            )
            pushes.append(row.id)
        record.outbox_id = pushes[0] if pushes else None
        session.add(record)
    for outbox_id in pushes:
        jobs.send(DeliverPush(outbox_id))  # type: ignore[arg-type]
    return len(drops)


def _offer(session: Session, shop: Shop, drop: SegmentDrop) -> tuple[str, int | None]:
    """The win-back for one fallen member: (outcome, outbox id of the push)."""
    config = automation_settings.config(session, "winback")
    since = clock.now() - timedelta(days=config["again"])
    if drop.member_id in lifecycle.acted_since(session, "winback", since):
        return "recent", None
    plan = Plan(
        "winback",
        drop.member_id,
        f"offer:{drop.week}",
        marketing=True,
        reward_id=config["coupon"],
        facts={"days": automation_due.days_away(session, drop.member_id, clock.now())},
    )
    given = carry_out(session, plan, tz=shop.tz)
    if given is None:
        return "skipped", None
    return "sent", say.queue(session, shop, given)


def send_offers(jobs: Jobs) -> int:
    """Send every win-back offer the owner asked for and that is still waiting."""
    engine, shop = jobs.services.engine, jobs.services.shop
    with transaction(engine) as session:
        if automation_settings.in_quiet_hours(session, clock.now(), shop.tz):
            return 0
        waiting = segment_alert.offers_waiting(session)
    sent = 0
    for drop_id in waiting:
        with transaction(engine) as session:
            drop = session.get(SegmentDrop, drop_id, with_for_update=True)
            if drop is None or drop.offered_at is not None:
                continue
            outcome, outbox_id = _offer(session, shop, drop)
            segment_alert.settle_offer(session, drop_id, outcome)
        if outbox_id is not None:
            sent += 1
            jobs.send(DeliverPush(outbox_id))
    return sent



def send_winback_offers(jobs: Jobs) -> int:
    return send_offers(jobs)
