"""At the counter: a coupon found by its picture, used once, or cancelled with its points back.

Using a coupon is one conditional UPDATE, so of many cashiers scanning the same code at
once exactly one succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage import clock, ledger, members
from storage.models import Coupon, CouponStatus, EntryKind, Member, Reward


class Use(StrEnum):
    USED_NOW = "used_now"
    ALREADY_USED = "already_used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class UseResult:
    outcome: Use
    coupon: Coupon | None = None
    reward: Reward | None = None
    member: Member | None = None


def find_by_image_token(session: Session, token: str) -> tuple[Coupon, Reward] | None:
    """The coupon whose image URL carries `token`, with its reward."""
    row = session.exec(
        select(Coupon, Reward)
        .join(Reward, col(Reward.id) == col(Coupon.reward_id))
        .where(Coupon.image_token == token)
    ).first()
    return (row[0], row[1]) if row else None


def use_coupon(session: Session, *, code: str, staff_user_id: str) -> UseResult:
    """Mark the coupon used if it is live; otherwise say why not. Changes nothing on refusal."""
    now = clock.now()
    used = session.exec(  # type: ignore[call-overload]
        update(Coupon)
        .where(
            col(Coupon.code) == code,
            col(Coupon.status) == CouponStatus.ACTIVE,
            col(Coupon.used_at).is_(None),
            col(Coupon.expires_at) > now,
        )
        .values(status=CouponStatus.USED, used_at=now, used_by=staff_user_id)
    )
    coupon = session.exec(
        select(Coupon).where(Coupon.code == code).execution_options(populate_existing=True)
    ).first()
    if coupon is None:
        return UseResult(Use.UNKNOWN)
    reward = session.get(Reward, coupon.reward_id)
    member = session.get(Member, coupon.member_id)
    return UseResult(_outcome(coupon, used.rowcount == 1), coupon, reward, member)


def _outcome(coupon: Coupon, used_now: bool) -> Use:
    if used_now:
        return Use.USED_NOW
    if coupon.used_at is not None:
        return Use.ALREADY_USED
    if coupon.status == CouponStatus.CANCELLED:
        return Use.CANCELLED
    return Use.EXPIRED


def cancel_coupon(session: Session, *, code: str, actor: str, tz: tzinfo) -> UseResult:
    """Cancel an unused coupon: points back (a new ADJUST entry) and the unit back in stock."""
    now = clock.now()
    with session.begin_nested():
        cancelled = session.exec(  # type: ignore[call-overload]
            update(Coupon)
            .where(
                col(Coupon.code) == code,
                col(Coupon.status).in_([CouponStatus.ACTIVE, CouponStatus.EXPIRED]),
                col(Coupon.used_at).is_(None),
            )
            .values(status=CouponStatus.CANCELLED, cancelled_at=now, cancelled_by=actor)
        )
        coupon = session.exec(
            select(Coupon).where(Coupon.code == code).execution_options(populate_existing=True)
        ).first()
        if coupon is None:
            return UseResult(Use.UNKNOWN)
        reward = session.get(Reward, coupon.reward_id)
        if cancelled.rowcount != 1:
            outcome = Use.ALREADY_USED if coupon.used_at is not None else Use.CANCELLED
            return UseResult(outcome, coupon, reward)
        member = members.lock_existing_member(session, coupon.member_id)
        _give_back(session, coupon, member, actor, tz)
    return UseResult(Use.CANCELLED, coupon, reward, member)


def _give_back(session: Session, coupon: Coupon, member: Member, actor: str, tz: tzinfo) -> None:
    """The points back (a paid coupon only: a gift cost none) and the reward to the stock."""
    if coupon.gift_key is None:
        _points_back(session, coupon, member, actor, tz)
    session.exec(  # type: ignore[call-overload]
        update(Reward)
        .where(col(Reward.id) == coupon.reward_id)
        .values(stock=col(Reward.stock) + 1, issued=col(Reward.issued) - 1)
    )


def _points_back(session: Session, coupon: Coupon, member: Member, actor: str, tz: tzinfo) -> None:
    ledger.post_entry(
        session,
        member=member,
        kind=EntryKind.ADJUST,
        points=coupon.points,
        actor=actor,
        idempotency_key=f"coupon_cancel:{coupon.id}",
        note=f"coupon {coupon.code} cancelled",
        restores_entry_id=coupon.ledger_entry_id,
        tz=tz,
    )
