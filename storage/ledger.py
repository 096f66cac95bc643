"""Points: an append-only ledger whose sum is each member's balance.

Every change goes through `post_entry`, which adds the entry and moves the member's
balance with one conditional UPDATE, so two staff acting at once can neither lose a
change nor push a balance below zero.

`post_entry` and its errors live in `ledger_entries` and are importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage import clock, figure_snapshots, members, purchase_summary, tiers
from storage.ledger_entries import KeyConflict as KeyConflict
from storage.ledger_entries import MemberErased as MemberErased
from storage.ledger_entries import NotEnoughPoints as NotEnoughPoints
from storage.ledger_entries import append_entry
from storage.ledger_entries import entry_with_key as entry_with_key
from storage.ledger_entries import post_entry as post_entry
from storage.models import EntryKind, LedgerEntry, Member, PointsDebt, Purchase, id_of

VOID_WINDOW = timedelta(minutes=15)


class VoidRefused(Exception):
    """The entry cannot be voided; `reason` says why (for the reply)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Award:
    purchase: Purchase
    entry: LedgerEntry
    balance: int
    debt_paid: int = 0
    again: bool = False  # the same key came before: this is the earlier award


def points_for(amount_satang: int, baht_per_point: int, percent: int = 100) -> int:
    """Whole points for a purchase: floor(baht / baht_per_point × percent / 100)."""
    return amount_satang * percent // (baht_per_point * 100 * 100)


def award_purchase(
    session: Session,
    *,
    member: Member,
    amount_satang: int,
    baht_per_point: int,
    staff_user_id: str | None,
    idempotency_key: str,
    tz: tzinfo,
    channel: str = "counter",
    occurred_at: datetime | None = None,
) -> Award:
    """Record a purchase and the points it earns, with the member's tier bonus.

    Everything that decides the points (erased or not, the tier, an earlier award with the
    same key) is read after the member is locked: an award that waited for another one sees
    the tier that one reached. The same key again returns the earlier award; the same key
    for another member or amount raises KeyConflict. Raises MemberErased.
    """
    if amount_satang <= 0:
        raise ValueError("amount must be positive")
    members.lock_member(session, id_of(member))
    if member.erased_at is not None:
        raise MemberErased(f"member {member.id} was erased")
    earlier = entry_with_key(session, idempotency_key)
    if earlier is not None:
        return _earlier_award(session, earlier, member, amount_satang)
    purchase = Purchase(
        member_id=member.id,  # type: ignore[arg-type]
        amount_satang=amount_satang,
        occurred_at=occurred_at or clock.now(),
        channel=channel,
        staff_user_id=staff_user_id,
    )
    session.add(purchase)
    session.flush()
    if figure_snapshots.dated_back(occurred_at):
        figure_snapshots.history_changed(session)
    percent = tiers.earn_percent(session, id_of(member))
    earned = LedgerEntry(
        member_id=id_of(member),
        kind=EntryKind.EARN,
        points=points_for(amount_satang, baht_per_point, percent),
        actor=staff_user_id or channel,
        idempotency_key=idempotency_key,
        purchase_id=purchase.id,
    )
    entry = append_entry(session, member, earned, [], None, tz, purchase=purchase)
    paid = _pay_debt(session, member=member, earned=entry)
    return Award(purchase=purchase, entry=entry, balance=member.points, debt_paid=paid)


def _earlier_award(session: Session, entry: LedgerEntry, member: Member, amount: int) -> Award:
    purchase = session.get(Purchase, entry.purchase_id) if entry.purchase_id else None
    same = entry.kind == EntryKind.EARN and entry.member_id == member.id
    if purchase is None or not same or purchase.amount_satang != amount:
        raise KeyConflict(entry.idempotency_key)
    return Award(purchase, entry, member.points, debt_paid_for(session, entry), again=True)


def debt_paid_for(session: Session, earned: LedgerEntry) -> int:
    """Points of this earning that went to refund debts (see `_pay_debt`)."""
    paid = entry_with_key(session, f"debt:{earned.id}")
    return -paid.points if paid is not None else 0


def _pay_debt(session: Session, *, member: Member, earned: LedgerEntry) -> int:
    """Points of a new earning (written in this transaction) that pay the member's refund
    debts, oldest first: one REFUND entry keyed on the earning (`debt_paid_for` reads it).
    """
    key = f"debt:{earned.id}"
    debts = session.exec(
        select(PointsDebt)
        .where(PointsDebt.member_id == member.id, col(PointsDebt.settled_at).is_(None))
        .order_by(col(PointsDebt.id))
        .with_for_update()
    ).all()
    payment = min(earned.points, sum(d.points - d.paid for d in debts))
    if payment <= 0:
        return 0
    post_entry(
        session,
        member=member,
        kind=EntryKind.REFUND,
        points=-payment,
        actor=earned.actor,
        idempotency_key=key,
        note="refund debt paid",
    )
    left = payment
    for debt in debts:
        part = min(left, debt.points - debt.paid)
        debt.paid += part
        left -= part
        if debt.paid == debt.points:
            debt.settled_at = clock.now()
        session.add(debt)
    session.flush()
    return payment


def void_entry(
    session: Session, *, entry_id: int, actor: str, may_void_any: bool
) -> tuple[LedgerEntry, Member]:
    """Cancel an award with a new, opposite entry. Raises VoidRefused with the reason.

    The award's row is locked first, so two voids of it at once queue up and the second
    is told it is already void.
    """
    entry = session.get(LedgerEntry, entry_id, with_for_update=True)
    if entry is None or entry.kind != EntryKind.EARN:
        raise VoidRefused("not_found")
    if not may_void_any:
        if entry.actor != actor:
            raise VoidRefused("not_yours")
        if clock.now() - entry.created_at > VOID_WINDOW:
            raise VoidRefused("too_late")
    already = session.exec(
        select(LedgerEntry).where(LedgerEntry.voids_entry_id == entry.id)
    ).first()
    if already is not None:
        raise VoidRefused("already_void")
    member = session.get(Member, entry.member_id)
    assert member is not None
    try:
        void = post_entry(
            session,
            member=member,
            kind=EntryKind.VOID,
            points=-entry.points,
            actor=actor,
            idempotency_key=f"void:{entry.id}",
            voids_entry_id=entry.id,
        )
    except NotEnoughPoints:
        raise VoidRefused("points_spent") from None
    if entry.purchase_id is not None:
        purchase = session.get(Purchase, entry.purchase_id)
        if purchase is not None:
            purchase.voided_at = clock.now()
            session.add(purchase)
            purchase_summary.recount(session, [id_of(member)])
            figure_snapshots.history_changed(session)
    session.flush()
    return void, member


def _earned(member_id: Any, since: Any) -> Any:
    """Points earned (not redeemed, not voided) since `since`, as a query."""
    earning, voiding = aliased(LedgerEntry), aliased(LedgerEntry)
    return select(func.coalesce(func.sum(earning.points), 0)).where(
        earning.member_id == member_id,
        col(earning.points) > 0,
        col(earning.kind) != EntryKind.VOID,
        earning.created_at >= since,
        ~select(voiding.id).where(voiding.voids_entry_id == earning.id).exists(),
    )


def _history() -> Any:
    """Built once, with the member and the moment as parameters: building it per event cost
    more CPU than running it."""
    earned = _earned(bindparam("member_id"), bindparam("since")).scalar_subquery()
    return (
        sa_select(
            col(LedgerEntry.id),
            col(LedgerEntry.kind),
            col(LedgerEntry.points),
            col(LedgerEntry.created_at),
            earned,
        )
        .where(
            col(LedgerEntry.member_id) == bindparam("member_id"),
            col(LedgerEntry.kind) != EntryKind.GIFT,
        )
        .order_by(col(LedgerEntry.id).desc())
        .limit(bindparam("limit"))
    )


HISTORY = _history()


@dataclass(frozen=True)
class HistoryLine:
    """One change of points as `points` lists it."""

    id: int
    kind: str
    points: int
    created_at: datetime


def points_history(
    session: Session, member: Member, since: datetime, limit: int = 5
) -> tuple[int, list[HistoryLine]]:
    """What `points` shows, in one query: the points earned since `since` and the latest
    entries, newest first (0-point GIFT entries of old databases left out). No entries at
    all means nothing earned either. Plain rows, not ledger entries: the webhook runs it
    for every `points`, and loading entries as objects cost more than the query."""
    session.flush()
    values = {"member_id": member.id, "since": since, "limit": limit}
    rows = session.connection().execute(HISTORY, values).all()
    return (int(rows[0][4]) if rows else 0), [HistoryLine(*row[:4]) for row in rows]


def ledger_sum(session: Session, member_id: int) -> int:
    """The balance recomputed from the entries (what `Member.points` must equal)."""
    return int(
        session.exec(
            select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
                LedgerEntry.member_id == member_id
            )
        ).one()
    )
