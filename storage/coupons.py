"""Coupons: points spent on a reward, used once at the counter before they expire.

Redeeming runs in the caller's transaction inside a savepoint: the member's row is
locked first, then the points (ledger), the stock (one conditional UPDATE) and the coupon
are written together, or nothing is. Using a coupon is one conditional UPDATE, so of
many cashiers scanning the same code at once exactly one succeeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, not_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import clock, codes, ledger, members
from storage.models import (
    Coupon,
    CouponStatus,
    EntryKind,
    LedgerEntry,
    Member,
    Reward,
)

CODE_PREFIX = "C-"
CODE_LENGTH = 9  # 31**9 ≈ 2**44.6 codes
_CODE = re.compile(rf"^(?:C-?)?([{codes.ALPHABET}]{{{CODE_LENGTH}}})$")


class Refusal(StrEnum):
    NOT_FOUND = "not_found"
    PAUSED = "paused"
    NO_POINTS = "no_points"
    OUT_OF_STOCK = "out_of_stock"
    LIMIT = "limit"


class RedeemRefused(Exception):
    """The reward cannot be redeemed now; nothing was written. `reason` says why."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


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


def normalise_code(typed: str) -> str | None:
    """`c-7k3qx9abc`, `C 7K3 QX9 ABC`, `7K3QX9ABC` -> `C-7K3QX9ABC`; None if not a code."""
    cleaned = re.sub(r"[\s\-]", "", typed.upper())
    if len(cleaned) == CODE_LENGTH + 1 and cleaned.startswith("C"):
        cleaned = cleaned[1:]
    found = _CODE.match(cleaned)
    return CODE_PREFIX + found.group(1) if found else None


def expiry_for(issued_at: datetime, valid_days: int, tz: tzinfo) -> datetime:
    """The end (23:59:59, shop time) of the `valid_days`-th day after `issued_at`."""
    last_day: date = issued_at.astimezone(tz).date() + timedelta(days=valid_days)
    return datetime.combine(last_day, time(23, 59, 59), tzinfo=tz)


def _lock_member(session: Session, member_id: int) -> Member:
    """The member's row, locked until commit (see `members.lock_member`)."""
    member = members.lock_member(session, member_id)
    if member is None:
        raise LookupError(f"no member {member_id}")
    return member


def issued_counts(session: Session, member_id: int, reward_ids: list[int]) -> dict[int, int]:
    """How many coupons (not cancelled) the member holds of each reward, used or not."""
    rows = session.exec(
        select(Coupon.reward_id, func.count())
        .where(
            Coupon.member_id == member_id,
            col(Coupon.reward_id).in_(reward_ids),
            col(Coupon.status) != CouponStatus.CANCELLED,
        )
        .group_by(col(Coupon.reward_id))
    ).all()
    return {reward_id: int(count) for reward_id, count in rows}


def _take_one_from_stock(session: Session, reward_id: int) -> bool:
    """One conditional UPDATE: False when the reward is paused or its stock is gone."""
    taken = session.exec(  # type: ignore[call-overload]
        update(Reward)
        .where(
            col(Reward.id) == reward_id,
            col(Reward.active).is_(True),
            (col(Reward.stock).is_(None)) | (col(Reward.stock) > 0),
        )
        .values(stock=col(Reward.stock) - 1, issued=col(Reward.issued) + 1)
    )
    return bool(taken.rowcount == 1)


def _coupon_for_entry(session: Session, idempotency_key: str) -> Coupon | None:
    """The coupon an earlier redemption with this key produced, if any."""
    return session.exec(
        select(Coupon)
        .join(LedgerEntry, col(LedgerEntry.id) == col(Coupon.ledger_entry_id))
        .where(LedgerEntry.idempotency_key == idempotency_key)
    ).first()


def redeem(
    session: Session,
    *,
    member_id: int,
    reward_id: int,
    actor: str,
    idempotency_key: str,
    tz: tzinfo,
) -> Coupon:
    """Spend points on a reward: ledger entry, stock and coupon together, or RedeemRefused.

    The same `idempotency_key` twice returns the first coupon (a double-tapped confirm).
    """
    with session.begin_nested():
        member = _lock_member(session, member_id)
        earlier = _coupon_for_entry(session, idempotency_key)
        if earlier is not None:
            return earlier
        reward = session.get(Reward, reward_id, populate_existing=True)
        _check_can_redeem(session, member, reward)
        assert reward is not None
        if not _take_one_from_stock(session, reward_id):
            raise RedeemRefused(Refusal.OUT_OF_STOCK)
        entry = ledger.post_entry(
            session,
            member=member,
            kind=EntryKind.REDEEM,
            points=-reward.points_cost,
            actor=actor,
            idempotency_key=idempotency_key,
            note=reward.name_th[:200],
        )
        coupon = _issue(session, member, reward, entry, tz)
    session.refresh(reward)
    return coupon


def _check_can_redeem(session: Session, member: Member, reward: Reward | None) -> None:
    if reward is None:
        raise RedeemRefused(Refusal.NOT_FOUND)
    if not reward.active:
        raise RedeemRefused(Refusal.PAUSED)
    if reward.stock is not None and reward.stock <= 0:
        raise RedeemRefused(Refusal.OUT_OF_STOCK)
    if member.points < reward.points_cost:
        raise RedeemRefused(Refusal.NO_POINTS)
    if reward.limit_per_member is None:
        return
    taken = issued_counts(session, member.id, [reward.id])  # type: ignore[arg-type, list-item]
    if taken.get(reward.id, 0) >= reward.limit_per_member:  # type: ignore[arg-type]
        raise RedeemRefused(Refusal.LIMIT)


def _issue(
    session: Session,
    member: Member,
    reward: Reward,
    entry: LedgerEntry,
    tz: tzinfo,
    valid_days: int | None = None,
) -> Coupon:
    """Insert the coupon under a fresh random code (drawn again on the rare collision)."""
    now = clock.now()
    for _ in range(5):
        coupon = Coupon(
            code=CODE_PREFIX + codes.short_code(CODE_LENGTH),
            image_token=codes.token(),
            reward_id=reward.id,  # type: ignore[arg-type]
            member_id=member.id,  # type: ignore[arg-type]
            points=-entry.points,
            ledger_entry_id=entry.id,  # type: ignore[arg-type]
            issued_at=now,
            expires_at=expiry_for(now, valid_days or reward.valid_days, tz),
        )
        try:
            with session.begin_nested():
                session.add(coupon)
                session.flush()
            return coupon
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free coupon code")


def _take_gift_from_stock(session: Session, reward_id: int) -> bool:
    """Like `_take_one_from_stock`, but a paused reward may be given (kept for automations)."""
    taken = session.exec(  # type: ignore[call-overload]
        update(Reward)
        .where(
            col(Reward.id) == reward_id,
            (col(Reward.stock).is_(None)) | (col(Reward.stock) > 0),
        )
        .values(stock=col(Reward.stock) - 1, issued=col(Reward.issued) + 1)
    )
    return bool(taken.rowcount == 1)


def grant_coupon(
    session: Session,
    *,
    member_id: int,
    reward_id: int,
    actor: str,
    idempotency_key: str,
    tz: tzinfo,
    valid_days: int | None = None,
) -> Coupon | None:
    """Give a coupon without charging points (welcome, birthday, win-back); None if sold out.

    A 0-point GIFT entry stands for it in the ledger, so the same key twice returns the
    first coupon. A paused reward can still be given: owners keep gifts out of the catalogue
    that way. The member's redemption limit does not apply to gifts.
    """
    with session.begin_nested():
        member = _lock_member(session, member_id)
        earlier = _coupon_for_entry(session, idempotency_key)
        if earlier is not None:
            return earlier
        reward = session.get(Reward, reward_id, populate_existing=True)
        if reward is None or not _take_gift_from_stock(session, reward_id):
            return None
        entry = ledger.post_entry(
            session,
            member=member,
            kind=EntryKind.GIFT,
            points=0,
            actor=actor,
            idempotency_key=idempotency_key,
            note=reward.name_th[:200],
        )
        coupon = _issue(session, member, reward, entry, tz, valid_days)
    session.refresh(reward)
    return coupon


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
        member = _lock_member(session, coupon.member_id)
        _give_back(session, coupon, member, actor, tz)
    return UseResult(Use.CANCELLED, coupon, reward, member)


def _give_back(
    session: Session, coupon: Coupon, member: Member, actor: str, tz: tzinfo
) -> None:
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
    session.exec(  # type: ignore[call-overload]
        update(Reward)
        .where(col(Reward.id) == coupon.reward_id)
        .values(stock=col(Reward.stock) + 1, issued=col(Reward.issued) - 1)
    )


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
