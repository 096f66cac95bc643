"""The shop's figures for a period: members, buyers, retention, value, points, coupons.

Every formula is written out in `FORMULAS` (shown in the chat and the README) and pinned
by tests/storage/test_insights.py on a small data set computed by hand. Periods are
half-open, [start, end), in UTC, made from dates in the shop's time zone. A purchase
counts when it happened (`occurred_at`) unless it was voided; ledger entries, coupons and
refunds count when they were written.

The queries behind the figures are in `buyer_figures`, `point_figures` and `figure_sql`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import reward_costs
from storage.buyer_figures import (
    advance_buyers,
    advance_staff,
    buyers_in,
    members_at,
    not_erased_by,
    sales_by_staff,
    tally_buyers,
    tally_staff,
)
from storage.figure_sql import count_of, in_period, total
from storage.models import Coupon, CouponStatus, FigureSnapshot, LineUser, Member, Refund, Reward
from storage.periods import Period
from storage.point_figures import advance_points, points_by_kind, tally_points
from storage.point_figures import moved_points as moved_points
from storage.point_figures import outstanding as outstanding

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
    "coupon_rate": (
        "coupons redeemed with points in the period and used / coupons redeemed (not "
        "cancelled); gift coupons (welcome, birthday, win-back, broadcast) are counted apart"
    ),
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
    coupons_issued: int = 0  # redeemed with points, not cancelled
    coupons_used: int = 0
    gifts_given: int = 0  # gift coupons, counted apart: no points were spent on them
    gifts_used: int = 0
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
    result.refunds_satang = total(session, Refund.amount_satang, Refund.created_at, period)
    return result


def tallies(session: Session, period: Period, cut: datetime) -> list[FigureSnapshot]:
    """What `figures` reads most of, counted before `cut`, to keep
    (storage/figure_snapshots.py): the buyers' tally, the points by kind, the sales by staff."""
    return [
        tally_buyers(session, period, cut),
        tally_points(session, period, cut),
        tally_staff(session, period, cut),
    ]


def advance_figures(session: Session, period: Period, to: datetime) -> bool:
    """Move what was kept from `tallies` on to the cut `to`, with what happened between."""
    moved = [
        advance_buyers(session, period, to),
        advance_points(session, period, to),
        advance_staff(session, period, to),
    ]
    return all(moved)


def _members(session: Session, period: Period, result: Figures) -> None:
    result.members_total, result.members_new = members_at(session, period)
    result.members_line = count_of(
        session,
        select(func.count())
        .select_from(Member)
        .join(LineUser, col(LineUser.member_id) == col(Member.id))
        .where(
            col(Member.created_at) < period.end,
            col(LineUser.registered_at) < period.end,
            not_erased_by(period.end),
        ),
    )


def _buyers(session: Session, period: Period, result: Figures) -> None:
    got = buyers_in(session, period)
    result.buyers, result.purchases = got.buyers, got.purchases
    result.sales_satang, result.repeat_buyers = got.sales_satang, got.repeat_buyers
    result.previous_buyers, result.first_time_buyers = got.previous_buyers, got.first_time_buyers
    result.lifespan_periods = got.lifespan_periods


def _coupons(session: Session, period: Period, result: Figures) -> None:
    """Redeemed coupons (and the top rewards) apart from gifts, which cost no points."""
    issued = session.exec(
        select(Coupon.reward_id, Coupon.points, Coupon.used_at, Coupon.gift_key).where(
            in_period(Coupon.issued_at, period), col(Coupon.status) != CouponStatus.CANCELLED
        )
    ).all()
    redeemed = [(reward, cost, used) for reward, cost, used, gift in issued if gift is None]
    gifts = [used for _, _, used, gift in issued if gift is not None]
    result.coupons_issued = len(redeemed)
    result.coupons_used = sum(1 for _, _, used in redeemed if used is not None)
    result.gifts_given = len(gifts)
    result.gifts_used = sum(1 for used in gifts if used is not None)
    counts = Counter(reward_id for reward_id, _, _ in redeemed)
    points: Counter[int] = Counter()
    for reward_id, cost, _ in redeemed:
        points[reward_id] += cost
    for reward_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        result.top_rewards.append((reward.name_th, reward.name_en, count, points[reward_id]))
