"""Broadcast coupons: one coupon of a reward for every recipient of a campaign.

The coupons feature as `storage.campaigns.CouponAttachment`; the composition root
(bot.services) builds one for the shop and hands it to the conversation (`Shop.coupons`)
and to the broadcast job.
"""

from __future__ import annotations

import logging
from datetime import tzinfo
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from handlers.i18n import t
from handlers.views.messages import Choice, text
from storage import coupons, rewards
from storage.models import Campaign, Coupon

log = logging.getLogger(__name__)


def _key(campaign_id: int | None, member_id: int) -> str:
    return f"campaign:{campaign_id}:{member_id}"


class RewardCoupons:
    """Gives each recipient a coupon with `coupons.grant_coupon` (no points charged)."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def rewards(self, session: Session, lang: str) -> list[tuple[int, str]]:
        found = rewards.list_rewards(session, active_only=False)
        return [
            (r.id, r.name_en if lang == "en" and r.name_en else r.name_th) for r in found if r.id
        ]

    def messages(self, session: Session, reward_id: int, lang: str) -> list[dict[str, Any]]:
        reward = rewards.get_reward(session, reward_id)
        name = (
            reward.name_en
            if reward and lang == "en" and reward.name_en
            else getattr(reward, "name_th", "")
        )
        choices = [Choice(t(lang, "qr_coupons"), t(lang, "cmd_coupons"))]
        return [text(t(lang, "bc_coupon_attached", reward=name), choices)]

    def issue(self, session: Session, *, campaign: Campaign, member_ids: list[int]) -> None:
        assert campaign.reward_id is not None
        missing = 0
        for member_id in member_ids:
            coupon = coupons.grant_coupon(
                session,
                member_id=member_id,
                reward_id=campaign.reward_id,
                actor=f"campaign:{campaign.id}",
                idempotency_key=_key(campaign.id, member_id),
                tz=self.tz,
            )
            missing += coupon is None
        if missing:
            log.warning("campaign %s: reward out of stock for %d recipients", campaign.id, missing)

    def used(self, session: Session, campaign: Campaign) -> int:
        prefix = f"campaign:{campaign.id}:"
        return int(
            session.exec(
                select(func.count())
                .select_from(Coupon)
                .where(
                    col(Coupon.gift_key).startswith(prefix),
                    col(Coupon.used_at).is_not(None),
                )
            ).one()
        )
