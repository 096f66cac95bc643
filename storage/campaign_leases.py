"""Which job sends a campaign: a lease on the campaign row, so two jobs never send it at once,
and the campaigns whose job is gone, to start again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Campaign


def take_lease(session: Session, campaign_id: int, owner: str, seconds: float) -> bool:
    """Become (or stay) the one job sending this campaign for the next `seconds`."""
    now = clock.now()
    taken = session.execute(
        update(Campaign)
        .where(
            col(Campaign.id) == campaign_id,
            col(Campaign.status).in_(["queued", "sending"]),
            or_(
                col(Campaign.lease_until).is_(None),
                col(Campaign.lease_until) < now,
                col(Campaign.lease_owner) == owner,
            ),
        )
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1  # type: ignore[attr-defined]


def release_lease(session: Session, campaign_id: int, owner: str) -> None:
    session.execute(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.lease_owner) == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def resumable(session: Session) -> list[int]:
    """Campaigns still to send whose job is gone (no live lease): to start again."""
    now = clock.now()
    found = session.exec(
        select(col(Campaign.id)).where(
            col(Campaign.status).in_(["queued", "sending"]),
            or_(col(Campaign.lease_until).is_(None), col(Campaign.lease_until) < now),
        )
    )
    return [campaign_id for campaign_id in found if campaign_id is not None]
