"""Purchases and refunds from tills and web shops, on the same members as the chat.

A member is found by phone (E.164) or by the shop's own customer reference, and made if
new (a counter member until they join in LINE). Order refs are per API key name, so two
tills may both number their orders from 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import codes, coupons, ledger, members, tiers
from storage.models import (
    Coupon,
    EntryKind,
    LedgerEntry,
    Member,
    PointsDebt,
    Purchase,
    Refund,
    Reward,
    id_of,
)


class Invalid(ValueError):
    """The request cannot be done as asked; `field` names what to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(Invalid):
    """What the request points to does not exist."""


@dataclass(frozen=True)
class Recorded:
    purchase: Purchase
    member: Member
    points_earned: int
    debt_paid: int
    already_recorded: bool = False


@dataclass(frozen=True)
class Refunded:
    refund: Refund
    purchase: Purchase
    member: Member
    already_recorded: bool = False


def order_key(key_name: str, order_ref: str) -> str:
    return f"{key_name}:{order_ref}"


def ledger_key(key_name: str, *, order_ref: str | None, retry_key: str | None) -> str:
    """The earn entry's idempotency key: one namespace per till and per kind of key.

    An order ref and an Idempotency-Key are different things even when their text is the
    same (`api:till-1:order:…` and `api:till-1:retry:…`); a sale with neither gets a key
    of its own.
    """
    if order_ref is not None:
        return f"api:{key_name}:order:{codes.digest(order_ref)}"
    if retry_key is not None:
        return f"api:{key_name}:retry:{codes.digest(retry_key)}"
    return f"api:{key_name}:once:{codes.token()}"


def member_for(session: Session, *, phone: str | None, customer_ref: str | None) -> Member:
    """The member with this phone and/or customer ref, made if there is none yet."""
    by_phone = members.find_member_by_phone(session, phone) if phone else None
    by_ref = (
        session.exec(select(Member).where(Member.customer_ref == customer_ref)).first()
        if customer_ref
        else None
    )
    if by_phone is not None and by_ref is not None and by_phone.id != by_ref.id:
        raise Invalid("customer_ref", "belongs to a member with another phone number")
    member = by_phone or by_ref
    if member is None:
        member = members.create_member(session, phone=phone)
    elif phone and member.phone and member.phone != phone:
        raise Invalid("customer_ref", "belongs to a member with another phone number")
    if phone and member.phone is None:
        member.phone = phone
    if customer_ref and member.customer_ref is None:
        member.customer_ref = customer_ref
    elif customer_ref and member.customer_ref != customer_ref:
        raise Invalid("customer_ref", "this phone's member has another customer_ref")
    session.add(member)
    session.flush()
    return member


def _earned(session: Session, purchase: Purchase) -> LedgerEntry | None:
    return session.exec(
        select(LedgerEntry).where(
            LedgerEntry.purchase_id == purchase.id, LedgerEntry.kind == EntryKind.EARN
        )
    ).first()


def find_order(session: Session, key_name: str, order_ref: str) -> Purchase | None:
    return session.exec(
        select(Purchase).where(Purchase.ref == order_key(key_name, order_ref)).with_for_update()
    ).first()


def record_purchase(
    session: Session,
    *,
    key_name: str,
    phone: str | None,
    customer_ref: str | None,
    amount_satang: int,
    occurred_at: datetime,
    order_ref: str | None,
    retry_key: str | None,
    baht_per_point: int,
    tz: tzinfo,
) -> Recorded:
    """A sale from a till: the purchase and its points, once per order ref or retry key.

    Raises ledger.KeyConflict when the retry key was used before for another sale, and
    ledger.MemberErased when the member was erased while this call waited for them.
    """
    if order_ref is not None:
        earlier = find_order(session, key_name, order_ref)
        if earlier is not None:
            return _same_order(session, earlier, amount_satang, phone, customer_ref)
    member = member_for(session, phone=phone, customer_ref=customer_ref)
    award = ledger.award_purchase(
        session,
        member=member,
        amount_satang=amount_satang,
        baht_per_point=baht_per_point,
        staff_user_id=f"api:{key_name}",
        idempotency_key=ledger_key(key_name, order_ref=order_ref, retry_key=retry_key),
        channel="api",
        occurred_at=occurred_at,
        tz=tz,
    )
    if not award.again:
        award.purchase.ref = order_key(key_name, order_ref) if order_ref else None
        session.add(award.purchase)
        session.flush()
    return Recorded(award.purchase, member, award.entry.points, award.debt_paid, award.again)


def _same_order(
    session: Session, purchase: Purchase, amount: int, phone: str | None, ref: str | None
) -> Recorded:
    member = session.get(Member, purchase.member_id)
    assert member is not None
    same_member = (phone is None or member.phone == phone) and (
        ref is None or member.customer_ref == ref
    )
    if purchase.amount_satang != amount or not same_member:
        raise Invalid("order_ref", "this order was recorded before with another amount or member")
    entry = _earned(session, purchase)
    paid = ledger.debt_paid_for(session, entry) if entry else 0
    points = entry.points if entry else 0
    return Recorded(purchase, member, points, paid, already_recorded=True)


def debt_of(session: Session, member_id: int) -> int:
    """Points the member still owes from refunds."""
    owed = session.exec(
        select(func.coalesce(func.sum(PointsDebt.points - PointsDebt.paid), 0)).where(
            PointsDebt.member_id == member_id, col(PointsDebt.settled_at).is_(None)
        )
    ).one()
    return int(owed)


def refund_order(
    session: Session,
    *,
    key_name: str,
    order_ref: str,
    amount_satang: int | None,
    refund_ref: str | None,
) -> Refunded:
    """Give back money on an order and take back its points (all, or in proportion).

    Points the member has already spent become a debt that their next earnings pay.
    """
    purchase = find_order(session, key_name, order_ref)
    if purchase is None:
        raise NotFound("order_ref", "no order with this ref was recorded with this key")
    ref = order_key(key_name, refund_ref) if refund_ref else None
    if ref is not None:
        earlier = session.exec(select(Refund).where(Refund.ref == ref)).first()
        if earlier is not None:
            return _same_refund(session, earlier, purchase, amount_satang)
    refunds = session.exec(select(Refund).where(Refund.purchase_id == purchase.id)).all()
    left = purchase.amount_satang - sum(r.amount_satang for r in refunds)
    if left <= 0:
        raise Invalid("order_ref", "this order has already been refunded in full")
    amount = left if amount_satang is None else amount_satang
    if amount > left:
        raise Invalid("amount", f"at most {left / 100:.2f} baht of this order is left to refund")
    member = _locked(session, purchase.member_id)
    taken_before = sum(r.points_reversed + r.points_owed for r in refunds)
    due = _points_due(session, purchase, left - amount, taken_before)
    refund = _take_back(session, purchase, member, amount, due, ref, key_name)
    return Refunded(refund, purchase, member)


def _locked(session: Session, member_id: int) -> Member:
    return session.exec(
        select(Member)
        .where(Member.id == member_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _points_due(session: Session, purchase: Purchase, remaining: int, taken_before: int) -> int:
    """Points to take back so that the order keeps floor(earned x remaining / amount)."""
    entry = _earned(session, purchase)
    earned = entry.points if entry is not None and purchase.voided_at is None else 0
    keep = earned * remaining // purchase.amount_satang
    return max(0, earned - taken_before - keep)


def _take_back(
    session: Session,
    purchase: Purchase,
    member: Member,
    amount: int,
    due: int,
    ref: str | None,
    key_name: str,
) -> Refund:
    """Take `due` points from the balance as far as it goes; the rest becomes a debt."""
    take = min(due, member.points)
    refund = Refund(
        purchase_id=purchase.id,  # type: ignore[arg-type]
        amount_satang=amount,
        ref=ref,
        points_reversed=take,
        points_owed=due - take,
        actor=f"api:{key_name}",
    )
    session.add(refund)
    session.flush()
    if take:
        ledger.post_entry(
            session,
            member=member,
            kind=EntryKind.REFUND,
            points=-take,
            actor=refund.actor,
            idempotency_key=f"refund:{refund.id}",
            purchase_id=purchase.id,
        )
    if due > take:
        session.add(PointsDebt(member_id=member.id, refund_id=refund.id, points=due - take))  # type: ignore[arg-type]
        session.flush()
    return refund


def _same_refund(
    session: Session, refund: Refund, purchase: Purchase, amount: int | None
) -> Refunded:
    if refund.purchase_id != purchase.id or (amount is not None and amount != refund.amount_satang):
        raise Invalid("refund_ref", "this refund was recorded before for another order or amount")
    member = session.get(Member, purchase.member_id)
    assert member is not None
    return Refunded(refund, purchase, member, already_recorded=True)


@dataclass(frozen=True)
class Summary:
    member: Member
    debt: int
    coupons: list[tuple[Coupon, Reward]]
    tier: str


def member_summary(session: Session, phone: str) -> Summary | None:
    """What a till screen shows: balance, points owed, unused coupons (at most 50)."""
    member = members.find_member_by_phone(session, phone)
    if member is None:
        return None
    live = coupons.live_coupons(session, member.id, limit=50)  # type: ignore[arg-type]
    debt = debt_of(session, id_of(member))
    return Summary(member, debt, live, tiers.tier_of(session, id_of(member)))
