"""Lifecycle automations in the background: thank-you, win-back, birthday, expiry, tiers,
referral bonuses and the owner's weekly segment alert.

Two periodic jobs run them: `run_frequent` every 15 minutes, `run_hourly` every hour. Each
member is handled in a transaction of their own that claims a once-only record first, so a
run repeated, or run by two workers at once, sends nothing twice and awards nothing twice.
In quiet hours nothing is pushed; what was due waits for the first run after them. Points
still expire and yearly tier reviews still happen at night: they send nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from huey import crontab
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.queue import huey
from bot.services import current
from bot.tasks import deliver_push
from handlers import lifecycle_messages as say
from handlers.router import Shop
from storage import automation_due as due
from storage import automation_runs, automation_settings, clock, lots, referrals, tiers
from storage.automation_runs import Plan
from storage.db import transaction

log = logging.getLogger(__name__)


def in_quiet_hours(session: Session, now: datetime, shop: Shop) -> bool:
    """Between the owner's quiet-from and quiet-until hours (shop time); equal hours: never."""
    limits = automation_settings.config(session, "limits")
    start, end, hour = limits["quiet_from"], limits["quiet_until"], now.astimezone(shop.tz).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def carry(engine: Engine, shop: Shop, plans: list[Plan]) -> int:
    """Carry out each plan in its own transaction, then deliver its push; returns how many acted."""
    acted = 0
    for plan in plans:
        with transaction(engine) as session:
            given = automation_runs.carry_out(session, plan, tz=shop.tz)
            outbox_id = say.queue(session, shop, given) if given else None
        acted += given is not None
        if outbox_id is not None:
            deliver_push(outbox_id)
    return acted


def _planned(engine: Engine, name: str, find: Callable[..., list[Plan]], shop: Shop) -> list[Plan]:
    with transaction(engine) as session:
        config = due.enabled(session, name)
        return find(session, config, clock.now(), shop.tz) if config else []


def expire_points(engine: Engine) -> int:
    """Every lot past its end gives up its points (an EXPIRE entry each); returns points."""
    with transaction(engine) as session:
        if due.enabled(session, "expiry") is None:
            return 0
        lot_ids = [lot.id for lot in lots.due_to_expire(session) if lot.id is not None]
    expired = 0
    for lot_id in lot_ids:
        with transaction(engine) as session:
            expired += automation_runs.expire_lot(session, lot_id)
    return expired


def review_tiers(engine: Engine, shop: Shop) -> int:
    """The yearly reviews that are due (up or down); returns how many members were reviewed."""
    today = clock.now().astimezone(shop.tz).date()
    with transaction(engine) as session:
        due_ids = tiers.reviews_due(session, today)
    for member_id in due_ids:
        with transaction(engine) as session:
            tiers.review(session, member_id, today)
    return len(due_ids)


def move_tiers_up(engine: Engine, shop: Shop) -> int:
    """Members whose spend reached a higher tier without a counter award (imports, API)."""
    with transaction(engine) as session:
        candidates = tiers.may_move_up(session, clock.now())
    moved = 0
    for member_id in candidates:
        with transaction(engine) as session:
            outbox_id = say.move_up(session, shop, member_id)
        if outbox_id is not None:
            moved += 1
            deliver_push(outbox_id)
    return moved


def pay_referrals(engine: Engine, shop: Shop) -> int:
    """Both sides of every invite whose friend has bought get their bonus, once."""
    with transaction(engine) as session:
        config = due.enabled(session, "referral")
        pending = due.referral_bonuses(session, config) if config else []
    for referral_id, pair in pending:
        carry(engine, shop, pair)
        with transaction(engine) as session:
            referrals.mark_rewarded(session, referral_id)
    return len(pending)


def _quiet(engine: Engine, shop: Shop) -> bool:
    with transaction(engine) as session:
        return in_quiet_hours(session, clock.now(), shop)


def run_frequent() -> dict[str, int]:
    """Every 15 minutes: thank-yous, referral bonuses, tiers reached by imported sales."""
    services = current()
    engine, shop = services.engine, services.shop
    if _quiet(engine, shop):
        return {}
    return {
        "thankyou": carry(engine, shop, _planned(engine, "thankyou", due.thankyou, shop)),
        "referral": pay_referrals(engine, shop),
        "tiers": move_tiers_up(engine, shop),
    }


def run_hourly() -> dict[str, int]:
    """Every hour: expiry and tier reviews; outside quiet hours reminders, birthdays, win-backs."""
    services = current()
    engine, shop = services.engine, services.shop
    done = {"expired": expire_points(engine), "reviewed": review_tiers(engine, shop)}
    if _quiet(engine, shop):
        return done
    for name, find in (
        ("expiry", due.expiry_reminders),
        ("birthday", due.birthday),
        ("winback", due.winback),
    ):
        done[name] = carry(engine, shop, _planned(engine, name, find, shop))
    return done


@huey.periodic_task(crontab(minute="*/15"))
def automations_frequent() -> dict[str, int]:
    return run_frequent()


@huey.periodic_task(crontab(minute="7"))
def automations_hourly() -> dict[str, int]:
    return run_hourly()
