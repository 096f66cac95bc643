"""Coupons: points spent on a reward, used once at the counter before they expire.

Redeeming runs in the caller's transaction inside a savepoint: the member's row is
locked first, then the points (ledger), the stock (one conditional UPDATE) and the coupon
are written together, or nothing is. Using and listing coupons live in `coupon_use` and
`coupon_lists`; their names are importable from here too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import clock, codes, ledger, members
from storage.coupon_lists import count_live_coupons as count_live_coupons
from storage.coupon_lists import latest_paid_coupons as latest_paid_coupons
from storage.coupon_lists import live_coupons as live_coupons
from storage.coupon_lists import mark_expired as mark_expired
from storage.coupon_lists import past_coupons as past_coupons
from storage.coupon_use import Use as Use
from storage.coupon_use import UseResult as UseResult
from storage.coupon_use import cancel_coupon as cancel_coupon
from storage.coupon_use import find_by_image_token as find_by_image_token
from storage.coupon_use import use_coupon as use_coupon
from storage.models import Coupon, CouponStatus, EntryKind, LedgerEntry, Member, Reward

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
        member = members.lock_existing_member(session, member_id)
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
    paid: LedgerEntry | str,
    tz: tzinfo,
    valid_days: int | None = None,
) -> Coupon:
    """Insert the coupon under a fresh random code (drawn again on the rare collision).

    `paid` is the REDEEM entry that paid for it, or a gift's once-only key.
    """
    now = clock.now()
    entry = paid if isinstance(paid, LedgerEntry) else None
    for _ in range(5):
        coupon = Coupon(
            code=CODE_PREFIX + codes.short_code(CODE_LENGTH),
            image_token=codes.token(),
            reward_id=reward.id,  # type: ignore[arg-type]
            member_id=member.id,  # type: ignore[arg-type]
            points=-entry.points if entry else 0,
            ledger_entry_id=entry.id if entry else None,
            gift_key=None if entry else paid,  # type: ignore[arg-type]
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
    """Give a coupon without charging points (welcome, birthday, win-back, broadcast).

    None if sold out. A gift writes no ledger entry (no points move); the coupon keeps
    `idempotency_key` as its `gift_key`, so the same key twice returns the first coupon.
    A paused reward can still be given: owners keep gifts out of the catalogue that way.
    The member's redemption limit does not apply to gifts. `actor` is who gave it.
    """
    del actor  # the key already names the automation or campaign that gave it
    with session.begin_nested():
        member = members.lock_existing_member(session, member_id)
        earlier = session.exec(select(Coupon).where(Coupon.gift_key == idempotency_key)).first()
        if earlier is not None:
            return earlier
        reward = session.get(Reward, reward_id, populate_existing=True)
        if reward is None or not _take_gift_from_stock(session, reward_id):
            return None
        coupon = _issue(session, member, reward, idempotency_key, tz, valid_days)
    session.refresh(reward)
    return coupon
