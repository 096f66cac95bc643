"""Tiers: Member, Silver and Gold by spend in the last 12 months (voided sales excluded).

A member moves up as soon as their spend reaches the next threshold and keeps the tier
until a yearly review, a year after reaching it; only then can they move down. The owner
sets the thresholds (baht) and the points each tier earns (percent of the usual).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import automation_settings, clock, lifecycle
from storage.models import MemberLifecycle, Purchase

TIERS = ("member", "silver", "gold")
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Ladder:
    """The owner's thresholds (satang) and earn percents, from the lowest tier up."""

    thresholds: dict[str, int]
    percents: dict[str, int]

    def tier_for(self, spend_satang: int) -> str:
        reached = [t for t in TIERS if spend_satang >= self.thresholds[t]]
        return reached[-1]

    def above(self, tier: str) -> str | None:
        index = TIERS.index(tier) + 1
        return TIERS[index] if index < len(TIERS) else None


def ladder(session: Session) -> Ladder | None:
    """The tiers as the owner set them; None while tiers are switched off."""
    config = automation_settings.config(session, "tiers")
    if not config.enabled:
        return None
    return Ladder(
        thresholds={"member": 0, "silver": config["silver"] * 100, "gold": config["gold"] * 100},
        percents={"member": 100, "silver": config["silver_x"], "gold": config["gold_x"]},
    )


def rank(tier: str) -> int:
    return TIERS.index(tier) if tier in TIERS else 0


def spend_last_year(session: Session, member_id: int, now: datetime | None = None) -> int:
    """Satang spent in the 365 days up to `now`, voided sales not counted."""
    since = (now or clock.now()) - YEAR
    return int(
        session.exec(
            select(func.coalesce(func.sum(Purchase.amount_satang), 0)).where(
                Purchase.member_id == member_id,
                col(Purchase.voided_at).is_(None),
                col(Purchase.occurred_at) > since,
            )
        ).one()
    )


def tier_of(session: Session, member_id: int) -> str:
    row = session.get(MemberLifecycle, member_id)
    return row.tier if row is not None and row.tier in TIERS else "member"


def earn_percent(session: Session, member_id: int) -> int:
    """Percent of the usual points this member earns now (100 while tiers are off).

    The tier is read again from the database, not from the session: with the member locked
    (as every award is), that is the tier the awards before this one left.
    """
    found = ladder(session)
    if found is None:
        return 100
    row = session.exec(
        select(MemberLifecycle)
        .where(MemberLifecycle.member_id == member_id)
        .execution_options(populate_existing=True)
    ).first()
    return found.percents[row.tier if row is not None and row.tier in TIERS else "member"]


def a_year_after(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def move_up(session: Session, member_id: int, today: date) -> str | None:
    """Raise the member's tier if their spend now reaches a higher one; returns the new tier."""
    found = ladder(session)
    if found is None:
        return None
    earned = found.tier_for(spend_last_year(session, member_id))
    row = lifecycle.profile(session, member_id)
    if rank(earned) <= rank(row.tier):
        return None
    row.tier, row.tier_since, row.tier_review_on = earned, clock.now(), a_year_after(today)
    session.add(row)
    session.flush()
    return earned


def review(session: Session, member_id: int, today: date) -> tuple[str, str] | None:
    """The yearly review: the tier the last 12 months earned, up or down. (old, new) if due."""
    found = ladder(session)
    row = session.get(MemberLifecycle, member_id, with_for_update=True)
    if found is None or row is None or row.tier_review_on is None or row.tier_review_on > today:
        return None
    old, new = row.tier, found.tier_for(spend_last_year(session, member_id))
    row.tier = new
    row.tier_since = row.tier_since if new == old else clock.now()
    row.tier_review_on = a_year_after(today) if new != "member" else None
    session.add(row)
    session.flush()
    return old, new


def reviews_due(session: Session, today: date) -> list[int]:
    return list(
        session.exec(
            select(MemberLifecycle.member_id).where(
                col(MemberLifecycle.tier_review_on).is_not(None),
                col(MemberLifecycle.tier_review_on) <= today,
            )
        ).all()
    )


def may_move_up(session: Session, now: datetime) -> list[int]:
    """Members whose last 12 months earn a higher tier than the one they hold."""
    found = ladder(session)
    if found is None:
        return []
    spend = func.sum(Purchase.amount_satang)
    rows = session.exec(
        select(Purchase.member_id, spend, MemberLifecycle.tier)
        .outerjoin(MemberLifecycle, col(MemberLifecycle.member_id) == col(Purchase.member_id))
        .where(col(Purchase.voided_at).is_(None), col(Purchase.occurred_at) > now - YEAR)
        .group_by(col(Purchase.member_id), col(MemberLifecycle.tier))
        .having(spend >= found.thresholds[TIERS[1]])
    ).all()
    return [m for m, total, held in rows if rank(found.tier_for(total)) > rank(held or "member")]


@dataclass(frozen=True)
class Standing:
    """Where a member stands, for the card: tier, what the next needs, until when it holds."""

    tier: str
    spend_satang: int
    next_tier: str | None
    needed_satang: int
    review_on: date | None


def standing(session: Session, member_id: int) -> Standing | None:
    found = ladder(session)
    if found is None:
        return None
    tier = tier_of(session, member_id)
    spend = spend_last_year(session, member_id)
    upper = found.above(tier)
    needed = max(found.thresholds[upper] - spend, 0) if upper else 0
    row = session.get(MemberLifecycle, member_id)
    return Standing(tier, spend, upper, needed, row.tier_review_on if row else None)
