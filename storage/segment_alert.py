"""The owner's weekly alert: good customers (champions, loyal) who fell to at_risk or cant_lose.

Once a week the members' current RFM segments are compared with the segments seen at the
last alert (`MemberLifecycle.segment_seen`); each fall becomes a `SegmentDrop` of that week,
and the segments seen are brought up to date. The owner can then ask for a win-back offer
to the week's fallen members with one tap.

Where the current segments come from is `segment_source`: by default the RFM scores table
(`storage.models.MemberScore`, from the segments feature) when it exists. Until it does,
the alert finds nothing and stays silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from storage import clock, lifecycle, models
from storage.automation_settings import WEEKDAYS, Config
from storage.models import AutomationSend, Member, MemberLifecycle, SegmentDrop

GOOD = ("champions", "loyal")
FALLEN = ("at_risk", "cant_lose")
SHOP = "shop"


def scored_segments(session: Session) -> Iterable[tuple[int, str]] | None:
    """(member id, segment) from the RFM scores table; None while there is no such table."""
    score: Any = getattr(models, "MemberScore", None)
    if score is None:
        return None
    return session.exec(select(score.member_id, score.segment)).all()


segment_source: Callable[[Session], Iterable[tuple[int, str]] | None] = scored_segments


def week_of(now: datetime, tz: tzinfo) -> str:
    year, week, _ = now.astimezone(tz).isocalendar()
    return f"{year}-W{week:02d}"


def due_week(config: Config, now: datetime, tz: tzinfo) -> str | None:
    """The week to alert about if today is the owner's day and the hour has come."""
    local = now.astimezone(tz)
    if WEEKDAYS[local.weekday()] != config["day"] or local.hour < config["hour"]:
        return None
    return week_of(now, tz)


def take_week(session: Session, week: str) -> AutomationSend | None:
    """The week's record for the one run that handles this week's alert; None for others."""
    return lifecycle.claim(session, automation="alert", period=week, subject=SHOP)


def record_drops(session: Session, week: str) -> list[SegmentDrop]:
    """Compare the segments now with those last seen: the falls, and remember the new ones."""
    current = segment_source(session)
    if current is None:
        return []
    now_by_member = dict(current)
    seen = dict(session.exec(select(MemberLifecycle.member_id, MemberLifecycle.segment_seen)).all())
    drops = [
        SegmentDrop(week=week, member_id=member_id, was=str(seen[member_id]), now=segment)
        for member_id, segment in now_by_member.items()
        if seen.get(member_id) in GOOD and segment in FALLEN
    ]
    session.add_all(drops)
    _remember(session, now_by_member, seen)
    session.flush()
    return drops


def _remember(session: Session, now_by_member: dict[int, str], seen: dict[int, Any]) -> None:
    new = [
        {"member_id": m, "tier": "member", "segment_seen": s}
        for m, s in now_by_member.items()
        if m not in seen
    ]
    changed = [
        {"member_id": m, "segment_seen": s}
        for m, s in now_by_member.items()
        if m in seen and seen[m] != s
    ]
    if new:
        session.execute(insert(MemberLifecycle), new)
    if changed:
        session.execute(update(MemberLifecycle), changed)


@dataclass(frozen=True)
class Fallen:
    drop: SegmentDrop
    member: Member


def drops_of(session: Session, week: str) -> list[Fallen]:
    rows = session.exec(
        select(SegmentDrop, Member)
        .join(Member, col(Member.id) == col(SegmentDrop.member_id))
        .where(SegmentDrop.week == week, col(Member.erased_at).is_(None))
        .order_by(col(SegmentDrop.id))
    ).all()
    return [Fallen(drop, member) for drop, member in rows]


def request_offers(session: Session, week: str, *, by: str) -> int:
    """The owner asked for the win-back offer to this week's fallen members: how many new."""
    asked = session.exec(  # type: ignore[call-overload]
        update(SegmentDrop)
        .where(
            col(SegmentDrop.week) == week,
            col(SegmentDrop.offer_requested_at).is_(None),
        )
        .values(offer_requested_at=clock.now(), offer_requested_by=by)
    )
    return int(asked.rowcount)


def offers_waiting(session: Session, max_age: timedelta = timedelta(days=14)) -> list[int]:
    """Ids of drops whose offer the owner asked for and that are not sent yet (recent asks)."""
    since = clock.now() - max_age
    return [
        drop_id
        for drop_id in session.exec(
            select(SegmentDrop.id).where(
                col(SegmentDrop.offer_requested_at) >= since,
                col(SegmentDrop.offered_at).is_(None),
            )
        ).all()
        if drop_id is not None
    ]


def settle_offer(session: Session, drop_id: int, outcome: str) -> None:
    session.execute(
        update(SegmentDrop)
        .where(col(SegmentDrop.id) == drop_id)
        .values(offered_at=clock.now(), outcome=outcome)
    )
