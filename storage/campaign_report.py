"""What became of a campaign: sent, failed, skipped and why, and whether it brought people back.

The hold-out (members chosen but deliberately not sent to) is the comparison: the share of
recipients who bought again within 14 days against the share of the hold-out who did.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, exists, func
from sqlmodel import Session, col, select

from storage import campaigns, clock
from storage.models import Campaign, CampaignRecipient, Purchase

WINDOW = timedelta(days=14)


@dataclass
class Outcome:
    sent: int = 0
    held_out: int = 0
    waiting: int = 0
    failed: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


def outcome(session: Session, campaign_id: int) -> Outcome:
    """Recipients counted by what happened to them (failed and skipped by reason)."""
    rows = session.exec(
        select(CampaignRecipient.status, CampaignRecipient.reason, func.count())
        .where(CampaignRecipient.campaign_id == campaign_id)
        .group_by(col(CampaignRecipient.status), col(CampaignRecipient.reason))
    ).all()
    result = Outcome()
    for status, reason, n in rows:
        if status in ("failed", "skipped"):
            bucket = getattr(result, status)
            bucket[reason or "unknown"] = bucket.get(reason or "unknown", 0) + n
        elif status == "sent":
            result.sent += n
        elif status == "held_out":
            result.held_out += n
        else:
            result.waiting += n
    return result


@dataclass(frozen=True)
class Returned:
    members: int
    bought: int

    @property
    def share(self) -> float | None:
        return self.bought / self.members if self.members else None


@dataclass(frozen=True)
class Report:
    campaign: Campaign
    outcome: Outcome
    recipients: Returned
    hold_out: Returned
    window_end: datetime
    window_over: bool
    coupons_used: int | None


def report(session: Session, campaign: Campaign, coupons: campaigns.CouponAttachment) -> Report:
    """The campaign's outcome and the 14-day repurchase of recipients against the hold-out
    (and how many of its coupons were used, if it had one)."""
    start = campaign.started_at or campaign.created_at
    end = start + WINDOW
    bought_again = exists().where(
        col(Purchase.member_id) == col(CampaignRecipient.member_id),
        col(Purchase.voided_at).is_(None),
        col(Purchase.occurred_at) >= start,
        col(Purchase.occurred_at) < end,
    )
    rows = session.exec(
        select(
            CampaignRecipient.held_out,
            func.count(),
            func.coalesce(func.sum(case((bought_again, 1), else_=0)), 0),
        )
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            col(CampaignRecipient.member_id).is_not(None),
            col(CampaignRecipient.status).in_(["sent", "held_out"]),
        )
        .group_by(col(CampaignRecipient.held_out))
    ).all()
    groups = {bool(held): Returned(int(n), int(bought)) for held, n, bought in rows}
    used = coupons.used(session, campaign) if campaign.reward_id is not None else None
    return Report(
        campaign=campaign,
        outcome=outcome(session, campaign.id),  # type: ignore[arg-type]
        recipients=groups.get(False, Returned(0, 0)),
        hold_out=groups.get(True, Returned(0, 0)),
        window_end=end,
        window_over=clock.now() >= end,
        coupons_used=used,
    )


def recent(session: Session, limit: int = 5) -> list[Campaign]:
    return list(session.exec(select(Campaign).order_by(col(Campaign.id).desc()).limit(limit)))
