"""A member's coupons: the live ones, the past ones, and the nightly expiry mark."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, not_, update
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Coupon, CouponStatus, Member, Reward


def _live(member_id: int) -> tuple[Any, ...]:
    return (
        Coupon.member_id == member_id,
        col(Coupon.status) == CouponStatus.ACTIVE,
        col(Coupon.expires_at) > clock.now(),
    )


def _newest_first(where: Any) -> Any:
    return (
        select(Coupon, Reward)
        .join(Reward, col(Reward.id) == col(Coupon.reward_id))
        .where(where)
        .order_by(col(Coupon.issued_at).desc(), col(Coupon.id).desc())
    )


def live_coupons(
    session: Session, member_id: int, *, offset: int = 0, limit: int = 12
) -> list[tuple[Coupon, Reward]]:
    """The member's unused, unexpired coupons, newest first."""
    query = _newest_first(and_(*_live(member_id))).offset(offset).limit(limit)
    return [(c, r) for c, r in session.exec(query).all()]


def latest_paid_coupons(session: Session, limit: int = 12) -> list[tuple[Coupon, Reward, Member]]:
    """The shop's newest unused, unexpired coupons paid with points (the ones a cancel gives
    points back for), with their reward and member."""
    query = (
        select(Coupon, Reward, Member)
        .join(Reward, col(Reward.id) == col(Coupon.reward_id))
        .join(Member, col(Member.id) == col(Coupon.member_id))
        .where(
            col(Coupon.status) == CouponStatus.ACTIVE,
            col(Coupon.expires_at) > clock.now(),
            col(Coupon.points) > 0,
        )
        .order_by(col(Coupon.issued_at).desc(), col(Coupon.id).desc())
        .limit(limit)
    )
    return [(c, r, m) for c, r, m in session.exec(query).all()]


def count_live_coupons(session: Session, member_id: int) -> int:
    query = select(func.count()).select_from(Coupon).where(*_live(member_id))
    return int(session.exec(query).one())


def past_coupons(
    session: Session, member_id: int, *, limit: int = 20
) -> list[tuple[Coupon, Reward]]:
    """The member's used, expired and cancelled coupons, newest first."""
    query = _newest_first(and_(col(Coupon.member_id) == member_id, not_(and_(*_live(member_id)))))
    return [(c, r) for c, r in session.exec(query.limit(limit)).all()]


def mark_expired(session: Session) -> int:
    """Mark live coupons past their end as expired (bookkeeping only); returns how many."""
    marked = session.exec(  # type: ignore[call-overload]
        update(Coupon)
        .where(col(Coupon.status) == CouponStatus.ACTIVE, col(Coupon.expires_at) <= clock.now())
        .values(status=CouponStatus.EXPIRED)
    )
    return int(marked.rowcount)
