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
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.jobs import owner_alert
from bot.jobs.queue import Jobs
from handlers import lifecycle_messages as say
from handlers.jobs import DeliverPush
from handlers.router import Shop
from storage import automation_due as due
from storage import automation_runs, automation_settings, clock, lots, referrals, tiers
from storage.automation_runs import Plan
from storage.automation_settings import Config
from storage.db import transaction

log = logging.getLogger(__name__)

Finder = Callable[[Session, Config, datetime, tzinfo], list[Plan]]


def carry(jobs: Jobs, plans: list[Plan]) -> int:
    """Carry out each plan in its own transaction, then deliver its push; returns how many acted."""
    engine, shop = jobs.services.engine, jobs.services.shop
    acted = 0
    for plan in plans:
        with transaction(engine) as session:
            given = automation_runs.carry_out(session, plan, tz=shop.tz)
            outbox_id = say.queue(session, shop, given) if given else None
        acted += given is not None
        if outbox_id is not None:
            jobs.send(DeliverPush(outbox_id))
    return acted


def expire_points(engine: Engine, groups: dict[tuple[int, object], list[int]]) -> int:
    """Each member's lots past the same end give up their points in one EXPIRE entry."""
    expired = 0
    for (member_id, _), lot_ids in groups.items():
        with transaction(engine) as session:
            expired += automation_runs.expire_lots(session, member_id, lot_ids)
    return expired


def _expiring(session: Session) -> dict[tuple[int, object], list[int]]:
    groups: dict[tuple[int, object], list[int]] = {}
    if due.enabled(session, "expiry") is not None:
        for lot in lots.due_to_expire(session):
            groups.setdefault((lot.member_id, lot.expires_at), []).append(lot.id)  # type: ignore[arg-type]
    return groups


def review_tiers(engine: Engine, member_ids: list[int], today: date) -> int:
    """The yearly reviews that are due (up or down); returns how many members were reviewed."""
    for member_id in member_ids:
        with transaction(engine) as session:
            tiers.review(session, member_id, today)
    return len(member_ids)


def move_tiers_up(jobs: Jobs, member_ids: list[int]) -> int:
    """Members whose spend reached a higher tier without a counter award (imports, API)."""
    engine, shop = jobs.services.engine, jobs.services.shop
    moved = 0
    for member_id in member_ids:
        with transaction(engine) as session:
            outbox_id = say.move_up(session, shop, member_id)
        if outbox_id is not None:
            moved += 1
            jobs.send(DeliverPush(outbox_id))
    return moved


def pay_referrals(jobs: Jobs, pending: list[tuple[int, list[Plan]]]) -> int:
    """Both sides of every invite whose friend has bought get their bonus, once."""
    for referral_id, pair in pending:
        carry(jobs, pair)
        with transaction(jobs.services.engine) as session:
            referrals.mark_rewarded(session, referral_id)
    return len(pending)


HOURLY: tuple[tuple[str, Finder], ...] = (
    ("expiry", due.expiry_reminders),
    ("birthday", due.birthday),  # before win-back: a birthday has one month, a win-back waits
    ("winback", due.winback),
)


@dataclass
class Found:
    """What one run has to do, read in one short transaction."""

    quiet: bool
    plans: dict[str, list[Plan]] = field(default_factory=dict)
    expiring: dict[tuple[int, object], list[int]] = field(default_factory=dict)
    reviews: list[int] = field(default_factory=list)
    referrals: list[tuple[int, list[Plan]]] = field(default_factory=list)
    tier_moves: list[int] = field(default_factory=list)
    alert_week: str | None = None


def _plans(
    session: Session, shop: Shop, finders: tuple[tuple[str, Finder], ...]
) -> dict[str, list[Plan]]:
    found = {}
    for name, find in finders:
        config = due.enabled(session, name)
        found[name] = find(session, config, clock.now(), shop.tz) if config else []
    return found


def find_hourly(session: Session, shop: Shop) -> Found:
    now = clock.now()
    quiet = automation_settings.in_quiet_hours(session, now, shop.tz)
    found = Found(quiet=quiet, expiring=_expiring(session))
    found.reviews = tiers.reviews_due(session, now.astimezone(shop.tz).date())
    if not found.quiet:
        found.plans = _plans(session, shop, HOURLY)
        found.alert_week = owner_alert.alert_week(session, now, shop)
    return found


def find_frequent(session: Session, shop: Shop) -> Found:
    found = Found(quiet=automation_settings.in_quiet_hours(session, clock.now(), shop.tz))
    if found.quiet:
        return found
    found.plans = _plans(session, shop, (("thankyou", due.thankyou),))
    referral = due.enabled(session, "referral")
    found.referrals = due.referral_bonuses(session, referral) if referral else []
    found.tier_moves = tiers.may_move_up(session, clock.now())
    return found


def run_frequent(jobs: Jobs) -> dict[str, int]:
    """Every 15 minutes: thank-yous, referral bonuses, tiers reached by imported sales."""
    services = jobs.services
    engine, shop = services.engine, services.shop
    with transaction(engine) as session:
        found = find_frequent(session, shop)
    if found.quiet:
        return {}
    return {
        "thankyou": carry(jobs, found.plans["thankyou"]),
        "referral": pay_referrals(jobs, found.referrals),
        "tiers": move_tiers_up(jobs, found.tier_moves),
    }


def run_hourly(jobs: Jobs) -> dict[str, int]:
    """Every hour: expiry and tier reviews; outside quiet hours reminders, birthdays,
    win-backs, the owner's weekly alert and the win-back offers the owner asked for."""
    services = jobs.services
    engine, shop = services.engine, services.shop
    with transaction(engine) as session:
        found = find_hourly(session, shop)
    today = clock.now().astimezone(shop.tz).date()
    done = {
        "expired": expire_points(engine, found.expiring),
        "reviewed": review_tiers(engine, found.reviews, today),
    }
    for name, plans in found.plans.items():
        done[name] = carry(jobs, plans)
    if found.alert_week is not None:
        done["alert"] = owner_alert.send_alert(jobs, found.alert_week)
    if not found.quiet:
        done["offers"] = owner_alert.send_offers(jobs)
    return done

