"""What rewards cost the shop, and so what one point is worth in baht (the liability)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Coupon, CouponStatus, Reward, RewardCost


def set_reward_cost(session: Session, reward: Reward, cost_satang: int) -> None:
    """What one unit of `reward` costs the shop (to value points in baht)."""
    cost = session.get(RewardCost, reward.id)
    if cost is None:
        cost = RewardCost(reward_id=reward.id, cost_satang=cost_satang)  # type: ignore[arg-type]
    cost.cost_satang, cost.updated_at = cost_satang, clock.now()
    session.add(cost)
    session.flush()


def point_value(session: Session) -> float | None:
    """What one point costs the shop, in satang: the cost of the rewards redeemed so far
    over the points paid for them (gifts left out: nobody paid points for them); before any
    such redemption, the average cost per point of the active rewards with a cost. None
    when no reward has a cost."""
    cost, points = session.exec(
        select(func.sum(RewardCost.cost_satang), func.sum(Coupon.points))
        .select_from(Coupon)
        .join(RewardCost, col(RewardCost.reward_id) == col(Coupon.reward_id))
        .where(col(Coupon.status) != CouponStatus.CANCELLED, col(Coupon.gift_key).is_(None))
    ).one()
    if points:
        return int(cost or 0) / int(points)
    priced = session.exec(
        select(RewardCost.cost_satang, Reward.points_cost)
        .join(Reward, col(Reward.id) == col(RewardCost.reward_id))
        .where(col(Reward.active).is_(True))
    ).all()
    if not priced:
        return None
    return sum(c / p for c, p in priced) / len(priced)
