"""The rules the points ledger keeps, checked over the whole database at once.

`check_ledger` reads every row of the tables that hold points and asserts, for the
state as committed:

- members: balance = sum of the member's ledger entries, and >= 0;
- lots (storage/lots.py): every positive entry is lots holding exactly its points, every
  negative entry took exactly its points from lots (lot uses), a zero entry has neither;
  each lot has 0 <= remaining <= points and points - remaining = what its uses took; so
  each member's lots' `remaining` add up to the balance;
- idempotency keys are distinct; an award is voided at most once, by an entry of the
  opposite points on the same member;
- purchases: each has exactly one EARN entry, on the purchase's member; each member's kept
  summary (storage/purchase_summary.py) is the first and last of their live purchases, how
  many and how much;
- coupons: used at most once (used_at set iff status used, never also cancelled), used
  before their end; a coupon's points are its redemption entry's; a coupon cancelled by
  staff gave its points back once, no other coupon gave anything back;
- reward stock: stock + issued never changes; stock never below zero;
- refund debts: 0 <= paid <= points, settled exactly when paid in full;
- erased members: balance 0, no personal data, no unused coupon (live or expired: staff
  can cancel an expired one for points), no LINE user, and nothing given to them since.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import (
    Coupon,
    CouponStatus,
    EntryKind,
    LedgerEntry,
    LineUser,
    LotUse,
    Member,
    PointLot,
    PointsDebt,
    Purchase,
    Reward,
)


@dataclass
class Erased:
    """What was true at an erasure: the last entry and coupon ids then."""

    last_entry_id: int
    last_coupon_id: int


@dataclass
class Expected:
    """What the test knows beyond the database: stock at the start, who was erased when."""

    stock: dict[int, int] = field(default_factory=dict)  # reward id -> stock + issued
    erased: dict[int, Erased] = field(default_factory=dict)  # member id -> marks


@dataclass
class Rows:
    members: list[Member]
    entries: list[LedgerEntry]
    lots: list[PointLot]
    uses: list[LotUse]
    purchases: list[Purchase]
    coupons: list[Coupon]
    rewards: list[Reward]
    debts: list[PointsDebt]
    users: list[LineUser]


def read_rows(engine: Engine) -> Rows:
    with Session(engine) as session:
        return Rows(
            *(
                list(session.exec(select(model)).all())
                for model in (
                    Member,
                    LedgerEntry,
                    PointLot,
                    LotUse,
                    Purchase,
                    Coupon,
                    Reward,
                    PointsDebt,
                    LineUser,
                )
            )
        )


def check_ledger(engine: Engine, expected: Expected) -> None:
    rows = read_rows(engine)
    _balances(rows)
    _lots(rows)
    _keys_and_voids(rows)
    _purchases(rows)
    _coupons(rows)
    _stock(rows, expected)
    _debts(rows)
    _erased(rows, expected)


def _balances(rows: Rows) -> None:
    summed: Counter[int] = Counter()
    held: Counter[int] = Counter()
    for entry in rows.entries:
        summed[entry.member_id] += entry.points
    for lot in rows.lots:
        held[lot.member_id] += lot.remaining
    for member in rows.members:
        assert member.points >= 0, f"member {member.id} balance {member.points}"
        assert member.points == summed[member.id], (member.id, member.points, summed[member.id])
        assert member.points == held[member.id], (member.id, member.points, held[member.id])


def _lots(rows: Rows) -> None:
    entries = {e.id: e for e in rows.entries}
    lot_points: Counter[int] = Counter()
    taken_from: Counter[int] = Counter()
    taken_by: Counter[int] = Counter()
    for use in rows.uses:
        assert use.points > 0, use
        taken_from[use.lot_id] += use.points
        taken_by[use.entry_id] += use.points
    for lot in rows.lots:
        assert 0 <= lot.remaining <= lot.points, lot
        assert lot.points - lot.remaining == taken_from[lot.id], (lot, taken_from[lot.id])
        assert entries[lot.entry_id].member_id == lot.member_id, lot
        lot_points[lot.entry_id] += lot.points
    for entry in rows.entries:
        made, took = lot_points[entry.id], taken_by[entry.id]
        assert (made, -took) == (max(entry.points, 0), min(entry.points, 0)), (entry, made, took)


def _keys_and_voids(rows: Rows) -> None:
    keys = Counter(e.idempotency_key for e in rows.entries)
    assert not [k for k, n in keys.items() if n > 1], keys
    entries = {e.id: e for e in rows.entries}
    voided = Counter(e.voids_entry_id for e in rows.entries if e.voids_entry_id is not None)
    assert all(n == 1 for n in voided.values()), voided
    for entry in rows.entries:
        if entry.voids_entry_id is None:
            continue
        award = entries[entry.voids_entry_id]
        assert entry.kind == EntryKind.VOID and award.kind == EntryKind.EARN, (entry, award)
        assert (entry.member_id, entry.points) == (award.member_id, -award.points), entry


def _purchases(rows: Rows) -> None:
    earned: defaultdict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in rows.entries:
        if entry.kind == EntryKind.EARN:
            assert entry.purchase_id is not None, entry
            earned[entry.purchase_id].append(entry)
    for purchase in rows.purchases:
        found = earned[purchase.id]  # type: ignore[index]
        assert len(found) == 1, f"purchase {purchase.id} has earn entries {found}"
        assert found[0].member_id == purchase.member_id, (purchase, found)
    live: defaultdict[int, list[Purchase]] = defaultdict(list)
    for purchase in rows.purchases:
        if purchase.voided_at is None:
            live[purchase.member_id].append(purchase)
    for member in rows.members:
        times = [p.occurred_at for p in live[member.id]]  # type: ignore[index]
        counted = (
            min(times, default=None),
            max(times, default=None),
            len(times),
            sum(p.amount_satang for p in live[member.id]),  # type: ignore[index]
        )
        kept = (member.first_purchase_at, member.last_purchase_at, member.purchases)
        assert (*kept, member.spent_satang) == counted, (member.id, kept, counted)


def _coupons(rows: Rows) -> None:
    entries = {e.id: e for e in rows.entries}
    by_key = {e.idempotency_key: e for e in rows.entries}
    for coupon in rows.coupons:
        used = coupon.status == CouponStatus.USED
        assert (coupon.used_at is not None) == used, coupon
        assert (coupon.used_by is not None) == used, coupon
        if used:
            assert coupon.used_at < coupon.expires_at, coupon  # type: ignore[operator]
            assert coupon.cancelled_at is None, coupon
        back = by_key.get(f"coupon_cancel:{coupon.id}")
        if coupon.gift_key is not None:  # a gift: no ledger entry, 0 points, none back
            assert coupon.ledger_entry_id is None and coupon.points == 0, coupon
            assert back is None, (coupon, back)
            continue
        paid = entries[coupon.ledger_entry_id]
        assert paid.member_id == coupon.member_id, (coupon, paid)
        assert paid.kind == EntryKind.REDEEM, paid
        assert coupon.points == -paid.points, (coupon, paid)
        by_staff = coupon.status == CouponStatus.CANCELLED and coupon.cancelled_by != "erased"
        if by_staff:
            assert back is not None and back.points == coupon.points, (coupon, back)
            assert back.member_id == coupon.member_id, (coupon, back)
        else:
            assert back is None, (coupon, back)


def _stock(rows: Rows, expected: Expected) -> None:
    for reward in rows.rewards:
        if reward.stock is None:
            continue
        assert reward.stock >= 0, reward
        assert reward.stock + reward.issued == expected.stock[reward.id], reward  # type: ignore[index]


def _debts(rows: Rows) -> None:
    for debt in rows.debts:
        assert 0 <= debt.paid <= debt.points, debt
        assert (debt.settled_at is not None) == (debt.paid == debt.points), debt


def _erased(rows: Rows, expected: Expected) -> None:
    members = {m.id: m for m in rows.members}
    linked = {u.member_id for u in rows.users}
    for member_id, marks in expected.erased.items():
        member = members[member_id]
        assert member.erased_at is not None, member
        assert member.points == 0, member
        assert (member.phone, member.customer_ref) == (None, None), member
        assert member_id not in linked, member
        given = [
            e
            for e in rows.entries
            if e.member_id == member_id and e.id > marks.last_entry_id and e.points > 0  # type: ignore[operator]
        ]
        assert not given, f"erased member {member_id} was given {given}"
        new_coupons = [
            c
            for c in rows.coupons
            if c.member_id == member_id and c.id > marks.last_coupon_id  # type: ignore[operator]
        ]
        assert not new_coupons, new_coupons
        unused = (CouponStatus.ACTIVE, CouponStatus.EXPIRED)  # an expired one can be cancelled
        left = [c for c in rows.coupons if c.member_id == member_id and c.status in unused]
        assert not left, f"erased member {member_id} keeps unused coupons {left}"
