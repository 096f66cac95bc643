"""The shop's figures for a period: members, buyers, retention, value, points, coupons.

Every formula is written out in `FORMULAS` (shown in the chat and the README) and pinned
by tests/storage/test_insights.py on a small data set computed by hand. Periods are
half-open, [start, end), in UTC, made from dates in the shop's time zone. A purchase
counts when it happened (`occurred_at`) unless it was voided; ledger entries, coupons and
refunds count when they were written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage import reward_costs
from storage.models import (
    Coupon,
    CouponStatus,
    EntryKind,
    LedgerEntry,
    LineUser,
    Member,
    Purchase,
    Refund,
    Reward,
)
from storage.periods import Period

FORMULAS = {
    "repeat_rate": "buyers with 2 or more purchases in the period / buyers",
    "retention_rate": (
        "(E - N) / S: E = buyers in the period, N = of them, those whose first purchase "
        "ever is in the period, S = buyers in the previous period of the same length"
    ),
    "aov": "sales / purchases",
    "frequency": "purchases / buyers",
    "lifespan": (
        "mean over everyone who bought up to the period's end of "
        "max(1, (last purchase - first purchase) / period length), in periods"
    ),
    "clv": "average order value x purchase frequency x average lifespan",
    "liability": "outstanding points x value of a point (reward cost / points price)",
    "coupon_rate": "coupons issued in the period and used / coupons issued (not cancelled)",
}
TOP = 5


@dataclass
class Figures:
    period: Period
    members_total: int = 0
    members_new: int = 0
    members_line: int = 0
    buyers: int = 0
    purchases: int = 0
    sales_satang: int = 0
    refunds_satang: int = 0
    repeat_buyers: int = 0
    first_time_buyers: int = 0
    previous_buyers: int = 0
    lifespan_periods: float | None = None
    points: dict[str, int] = field(default_factory=dict)
    outstanding: int = 0
    point_value_satang: float | None = None
    coupons_issued: int = 0
    coupons_used: int = 0
    top_rewards: list[tuple[str, str | None, int, int]] = field(default_factory=list)
    by_staff: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def members_counter_only(self) -> int:
        return self.members_total - self.members_line

    @property
    def repeat_rate(self) -> float | None:
        return self.repeat_buyers / self.buyers if self.buyers else None

    @property
    def retention_rate(self) -> float | None:
        if not self.previous_buyers:
            return None
        return (self.buyers - self.first_time_buyers) / self.previous_buyers

    @property
    def aov_satang(self) -> float | None:
        return self.sales_satang / self.purchases if self.purchases else None

    @property
    def frequency(self) -> float | None:
        return self.purchases / self.buyers if self.buyers else None

    @property
    def clv_satang(self) -> float | None:
        if self.aov_satang is None or self.frequency is None or self.lifespan_periods is None:
            return None
        return self.aov_satang * self.frequency * self.lifespan_periods

    @property
    def liability_satang(self) -> float | None:
        if self.point_value_satang is None:
            return None
        return self.outstanding * self.point_value_satang

    @property
    def coupon_rate(self) -> float | None:
        return self.coupons_used / self.coupons_issued if self.coupons_issued else None


def figures(session: Session, period: Period) -> Figures:
    """Every figure of `period` (see FORMULAS)."""
    result = Figures(period=period)
    _members(session, period, result)
    _buyers(session, period, result)
    result.points = points_by_kind(session, period)
    result.outstanding = outstanding(session, period.end)
    result.point_value_satang = reward_costs.point_value(session)
    _coupons(session, period, result)
    result.by_staff = sales_by_staff(session, period)
    result.refunds_satang = _sum(session, Refund.amount_satang, Refund.created_at, period)
    return result


def members_at(session: Session, moment: datetime) -> int:
    """Members who existed at `moment` and had not been erased by then."""
    return _count(
        session,
        select(func.count())
        .select_from(Member)
        .where(col(Member.created_at) < moment, _not_erased_by(moment)),
    )


def new_members(session: Session, period: Period) -> int:
    """Members who joined in the period and had not been erased by its end."""
    return _count(
        session,
        select(func.count())
        .select_from(Member)
        .where(_in(Member.created_at, period), _not_erased_by(period.end)),
    )


def _not_erased_by(moment: datetime) -> Any:
    return col(Member.erased_at).is_(None) | (col(Member.erased_at) >= moment)


def _count(session: Session, query: Any) -> int:
    return int(session.exec(query).one() or 0)


def _members(session: Session, period: Period, result: Figures) -> None:
    result.members_total = members_at(session, period.end)
    result.members_new = new_members(session, period)
    result.members_line = _count(
        session,
        select(func.count())
        .select_from(Member)
        .join(LineUser, col(LineUser.member_id) == col(Member.id))
        .where(
            col(Member.created_at) < period.end,
            col(LineUser.registered_at) < period.end,
            _not_erased_by(period.end),
        ),
    )


def _in(column: Any, period: Period) -> Any:
    return (col(column) >= period.start) & (col(column) < period.end)


def _live_purchase() -> Any:
    return col(Purchase.voided_at).is_(None)


def purchases_per_buyer(session: Session, period: Period) -> dict[int, tuple[int, int]]:
    """member id -> (purchases, sales in satang) in the period."""
    rows = session.exec(
        select(Purchase.member_id, func.count(), func.sum(Purchase.amount_satang))
        .where(_in(Purchase.occurred_at, period), _live_purchase())
        .group_by(col(Purchase.member_id))
    ).all()
    return {int(m): (int(n), int(s or 0)) for m, n, s in rows}


def _buyers(session: Session, period: Period, result: Figures) -> None:
    per_buyer = purchases_per_buyer(session, period)
    result.buyers = len(per_buyer)
    result.purchases = sum(n for n, _ in per_buyer.values())
    result.sales_satang = sum(s for _, s in per_buyer.values())
    result.repeat_buyers = sum(1 for n, _ in per_buyer.values() if n >= 2)
    result.previous_buyers = len(purchases_per_buyer(session, period.previous))
    result.first_time_buyers, result.lifespan_periods = _histories(session, period)


def first_purchases(end: datetime) -> Any:
    """Subquery: each member's first and last purchase before `end` (voided ones aside)."""
    return (
        select(
            col(Purchase.member_id).label("member_id"),
            func.min(Purchase.occurred_at).label("first"),
            func.max(Purchase.occurred_at).label("last"),
        )
        .where(col(Purchase.occurred_at) < end, _live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )


def _epoch(session: Session, moment: Any) -> Any:
    """Seconds since 1970 of a stored time, in SQL (SQLite keeps times as text)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(moment) - 2440587.5) * 86400.0
    return func.extract("epoch", moment)


def _at_least_one(session: Session, value: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.max(1.0, value)
    return func.greatest(1.0, value)


def _histories(session: Session, period: Period) -> tuple[int, float | None]:
    """First-time buyers of the period, and the average lifespan in periods (FORMULAS)."""
    spans = first_purchases(period.end)
    length = period.length.total_seconds()
    seconds = _epoch(session, spans.c.last) - _epoch(session, spans.c.first)
    everyone, newcomers, lifespan = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((spans.c.first >= period.start, 1), else_=0)), 0),
            func.avg(_at_least_one(session, seconds / length)),
        ).select_from(spans)
    ).one()
    return int(newcomers), (float(lifespan) if everyone else None)


def lifespan(session: Session, period: Period) -> float | None:
    """Average lifespan in periods (see FORMULAS); None when nobody has bought yet."""
    return _histories(session, period)[1]


def points_by_kind(session: Session, period: Period) -> dict[str, int]:
    """Points moved in the period as issued, redeemed, expired, refunded and adjusted.

    Issued is every earning kind (purchases, birthdays, referrals, ...) less voided awards;
    redeemed, expired and refunded are shown as positive numbers; adjusted keeps its sign.
    Outstanding at the end = at the start + issued - redeemed - expired - refunded + adjusted.
    """
    rows = session.exec(
        select(LedgerEntry.kind, func.sum(LedgerEntry.points))
        .where(_in(LedgerEntry.created_at, period))
        .group_by(col(LedgerEntry.kind))
    ).all()
    return moved_points([(kind, int(total or 0)) for kind, total in rows])


def moved_points(rows: list[tuple[str, int]]) -> dict[str, int]:
    """Sums by ledger kind as issued, redeemed, expired, refunded and adjusted."""
    moved = {"issued": 0, "redeemed": 0, "expired": 0, "refunded": 0, "adjusted": 0}
    taken = {
        EntryKind.REDEEM: "redeemed",
        EntryKind.EXPIRE: "expired",
        EntryKind.REFUND: "refunded",
    }
    for kind, points in rows:
        if kind in taken:
            moved[taken[EntryKind(kind)]] -= points
        elif kind == EntryKind.ADJUST:
            moved["adjusted"] += points
        else:
            moved["issued"] += points
    return moved


def outstanding(session: Session, moment: datetime) -> int:
    """Points held by members at `moment` (the sum of every entry before it)."""
    return _count(
        session,
        select(func.coalesce(func.sum(LedgerEntry.points), 0)).where(
            col(LedgerEntry.created_at) < moment
        ),
    )


def _coupons(session: Session, period: Period, result: Figures) -> None:
    issued = session.exec(
        select(Coupon.reward_id, Coupon.points, Coupon.used_at).where(
            _in(Coupon.issued_at, period), col(Coupon.status) != CouponStatus.CANCELLED
        )
    ).all()
    result.coupons_issued = len(issued)
    result.coupons_used = sum(1 for _, _, used in issued if used is not None)
    counts = Counter(reward_id for reward_id, _, _ in issued)
    points: Counter[int] = Counter()
    for reward_id, cost, _ in issued:
        points[reward_id] += cost
    for reward_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        result.top_rewards.append((reward.name_th, reward.name_en, count, points[reward_id]))


def sales_by_staff(session: Session, period: Period) -> list[tuple[str, int, int]]:
    """(who, purchases, sales in satang), biggest sales first. `who` is the staff member's
    LINE id, `api:<key name>` for the POS API, or the channel (e.g. `import`)."""
    who = func.coalesce(Purchase.staff_user_id, Purchase.channel)
    rows = session.exec(
        select(who, func.count(), func.sum(Purchase.amount_satang))
        .where(_in(Purchase.occurred_at, period), _live_purchase())
        .group_by(who)
    ).all()
    return sorted(((str(w), int(n), int(s or 0)) for w, n, s in rows), key=lambda r: (-r[2], r[0]))


def _sum(session: Session, column: Any, when: Any, period: Period) -> int:
    return _count(session, select(func.coalesce(func.sum(column), 0)).where(_in(when, period)))
