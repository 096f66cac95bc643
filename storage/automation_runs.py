"""Carrying out one automation for one member, once; and what automations did lately.

A `Plan` says what a member is due (points, a coupon, a message with some facts);
`carry_out` claims the once-only record, checks consent and the marketing gap, and
writes the points and the coupon, all in the caller's transaction (inside a savepoint,
so a member whose turn is not yet due leaves nothing behind). The caller then writes the
push into the outbox in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import automation_settings, clock, coupons, ledger, lifecycle, lots, members
from storage.models import (
    AutomationSend,
    Coupon,
    CouponStatus,
    EntryKind,
    LedgerEntry,
    LineUser,
    Member,
    OutboxMessage,
    Reward,
)

AUTO_PURPOSE = "auto:"


@dataclass(frozen=True)
class Plan:
    """What one automation means to do for one member in one period."""

    automation: str
    member_id: int
    period: str
    marketing: bool
    points: int = 0
    kind: EntryKind = EntryKind.ADJUST
    reward_id: int | None = None
    coupon_days: int | None = None
    needs_reader: bool = True  # nothing at all unless the member follows the shop
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Given:
    plan: Plan
    record: AutomationSend
    member: Member
    reader: LineUser | None
    coupon: Coupon | None = None
    reward: Reward | None = None


class _NotNow(Exception):
    """The member's marketing turn is not due: undo the claim, try on a later run."""


def carry_out(session: Session, plan: Plan, *, tz: tzinfo) -> Given | None:
    """Do `plan` once: None if done before, not allowed (consent) or not yet (gap).

    The member's row is locked first, the order every change of points takes (member, then
    lots or lifecycle), so a job and a cashier acting on one member at once just queue up.
    """
    member = members.lock_member(session, plan.member_id)
    if member is None or member.erased_at is not None:
        return None
    reader = lifecycle.reader_of(session, member)
    if plan.marketing and not lifecycle.may_market_to(reader):
        return None
    if plan.needs_reader and reader is None:
        return None
    try:
        with session.begin_nested():
            return _give(session, plan, member, reader, tz)
    except _NotNow:
        return None


def _give(
    session: Session, plan: Plan, member: Member, reader: LineUser | None, tz: tzinfo
) -> Given | None:
    record = lifecycle.claim(
        session,
        automation=plan.automation,
        period=plan.period,
        member_id=plan.member_id,
        marketing=plan.marketing,
    )
    if record is None:
        return None
    if plan.marketing:
        gap = automation_settings.config(session, "limits")["gap"]
        if not lifecycle.take_marketing_turn(session, plan.member_id, gap):
            raise _NotNow
    key = f"auto:{plan.automation}:{plan.member_id}:{plan.period}"
    if plan.points > 0:
        ledger.post_entry(
            session,
            member=member,
            kind=plan.kind,
            points=plan.points,
            actor=f"auto:{plan.automation}",
            idempotency_key=key,
            tz=tz,
        )
        record.points = plan.points
    coupon, reward = _gift_coupon(session, plan, key, tz)
    record.coupon_id = coupon.id if coupon else None
    session.add(record)
    session.flush()
    return Given(plan, record, member, reader, coupon, reward)


def _gift_coupon(
    session: Session, plan: Plan, key: str, tz: tzinfo
) -> tuple[Coupon | None, Reward | None]:
    """The plan's coupon (None when there is none, or its reward is sold out)."""
    if plan.reward_id is None:
        return None, None
    coupon = coupons.grant_coupon(
        session,
        member_id=plan.member_id,
        reward_id=plan.reward_id,
        actor=f"auto:{plan.automation}",
        idempotency_key=key + ":coupon",
        tz=tz,
        valid_days=plan.coupon_days,
    )
    return (coupon, session.get(Reward, plan.reward_id)) if coupon else (None, None)


def expire_lots(session: Session, member_id: int, lot_ids: list[int]) -> int:
    """Points of a member's lots past their end leave the balance in one EXPIRE entry.

    The member, then the lots, are locked and read again first (the order every change of
    points takes), so a second run (or worker) finds them empty and writes nothing.
    """
    member = members.lock_member(session, member_id)
    if member is None:
        return 0
    held = [lot for lot in (lots.lock_lot(session, i) for i in sorted(lot_ids)) if lot]
    now = clock.now()
    due = [
        lot
        for lot in held
        if lot.remaining > 0 and lot.expires_at is not None and lot.expires_at <= now
    ]
    points = sum(lot.remaining for lot in due)
    if not due:
        return 0
    ledger.post_entry(
        session,
        member=member,
        kind=EntryKind.EXPIRE,
        points=-points,
        actor="auto:expiry",
        idempotency_key=f"expire:{member_id}:{due[0].id}",
        from_lots=[lot.id for lot in due if lot.id is not None],
    )
    return points


def attach_push(session: Session, given: Given, outbox_row: OutboxMessage) -> None:
    given.record.outbox_id = outbox_row.id
    session.add(given.record)
    session.flush()


@dataclass(frozen=True)
class Activity:
    """What one automation did in a period: pushes sent (or on their way), its coupons used,
    points given, and pushes that failed for good (LINE refused them or was down a day)."""

    sent: int = 0
    coupons_used: int = 0
    points: int = 0
    failed: int = 0


def activity(session: Session, since: datetime) -> dict[str, Activity]:
    """Per automation, since `since`."""
    used = case((col(Coupon.status) == CouponStatus.USED, 1), else_=0)
    failed = case((col(OutboxMessage.status) == "failed", 1), else_=0)
    rows = session.execute(
        sa_select(
            col(AutomationSend.automation),
            func.count(col(AutomationSend.outbox_id)),
            func.coalesce(func.sum(used), 0),
            func.coalesce(func.sum(col(AutomationSend.points)), 0),
            func.coalesce(func.sum(failed), 0),
        )
        .outerjoin(Coupon, col(Coupon.id) == col(AutomationSend.coupon_id))
        .outerjoin(OutboxMessage, col(OutboxMessage.id) == col(AutomationSend.outbox_id))
        .where(col(AutomationSend.created_at) >= since)
        .group_by(col(AutomationSend.automation))
    ).all()
    return {name: Activity(int(s) - int(f), int(c), int(p), int(f)) for name, s, c, p, f in rows}


def points_expired(session: Session, since: datetime) -> int:
    """Points that expired since `since`."""
    return -int(
        session.exec(
            select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
                LedgerEntry.kind == EntryKind.EXPIRE, col(LedgerEntry.created_at) >= since
            )
        ).one()
    )


def messages_since(session: Session, since: datetime) -> int:
    """Pushes automations have had LINE deliver since `since` (they count against the quota)."""
    return int(
        session.exec(
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                col(OutboxMessage.purpose).startswith(AUTO_PURPOSE),
                col(OutboxMessage.status) == "sent",
                col(OutboxMessage.created_at) >= since,
            )
        ).one()
    )


def month_start(now: datetime, tz: tzinfo) -> datetime:
    local = now.astimezone(tz)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def last_30_days() -> datetime:
    return clock.now() - timedelta(days=30)
