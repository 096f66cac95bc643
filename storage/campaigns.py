"""Broadcast bookkeeping: the audience, the hold-out, chunks with fixed retry keys, results.

A campaign is confirmed in the chat (`create_campaign`); a background job then fixes its
recipients in one statement (`prepare`: a random hold-out, chunks of at most 500) and sends
chunk after chunk (`claim_next_chunk`, `mark_chunk_sent`, `mark_chunk_failed`). Every chunk
row holds its retry key from the start, so a job that dies and is run again resends a chunk
with the same key and LINE answers 409 instead of delivering twice. A lease on the campaign
keeps two jobs from sending the same campaign at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import case, exists, func, literal, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage import audiences, clock, retry_policy
from storage.models import (
    Campaign,
    CampaignChunk,
    CampaignRecipient,
    LineUser,
)

CHUNK_SIZE = 500
DEFAULT_HOLDOUT = 10
RECIPIENTS = CampaignRecipient.__table__  # type: ignore[attr-defined]


class CouponAttachment(Protocol):
    """Attaches one coupon of a reward to every recipient (the coupons feature, handed to
    the functions here that need it by whoever runs them).

    `messages` is what every recipient sees about the coupon (the same for all, so one
    multicast carries it); `issue` gives each member of a chunk their own coupon and is
    called once per chunk, in the transaction that fixes the chunk's recipients, before
    the chunk is sent; it must be idempotent per (campaign, member). `used` counts the
    campaign's coupons used so far, for the report.
    """

    def rewards(self, session: Session, lang: str) -> list[tuple[int, str]]: ...

    def messages(self, session: Session, reward_id: int, lang: str) -> list[dict[str, Any]]: ...

    def issue(self, session: Session, *, campaign: Campaign, member_ids: list[int]) -> None: ...

    def used(self, session: Session, campaign: Campaign) -> int: ...


def get_campaign(session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def create_campaign(
    session: Session,
    *,
    created_by: str,
    audience: list[str],
    messages: list[dict[str, Any]],
    holdout_percent: int = DEFAULT_HOLDOUT,
    reward_id: int | None = None,
) -> Campaign:
    """A confirmed broadcast, waiting for its background job."""
    campaign = Campaign(
        created_by=created_by,
        audience=audience,
        messages=messages,
        holdout_percent=holdout_percent,
        reward_id=reward_id,
    )
    session.add(campaign)
    session.flush()
    return campaign


def prepare(session: Session, campaign_id: int) -> None:
    """Fix a queued campaign's recipients, hold-out and chunks (once)."""
    campaign = session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None or campaign.status != "queued":
        return
    pct = campaign.holdout_percent
    ranked = (
        select(
            col(LineUser.line_user_id).label("line_user_id"),
            col(LineUser.member_id).label("member_id"),
            func.row_number().over(order_by=func.random()).label("pos"),
            func.count().over().label("total"),
        )
        .where(audiences.in_audience(campaign.audience), audiences.may_get_offers())
        .subquery()
    )
    held = ranked.c.pos * 100 <= ranked.c.total * pct
    chunk = (ranked.c.pos - ranked.c.total * pct // 100 - 1) // CHUNK_SIZE
    rows = select(  # type: ignore[call-overload]
        literal(campaign_id),
        ranked.c.line_user_id,
        ranked.c.member_id,
        held,
        case((held, None), else_=chunk),
        case((held, "held_out"), else_="waiting"),
    )
    columns = ["campaign_id", "line_user_id", "member_id", "held_out", "chunk", "status"]
    session.execute(RECIPIENTS.insert().from_select(columns, rows))
    _make_chunks(session, campaign)


def _make_chunks(session: Session, campaign: Campaign) -> None:
    sizes = session.exec(
        select(CampaignRecipient.chunk, func.count())
        .where(
            CampaignRecipient.campaign_id == campaign.id, col(CampaignRecipient.chunk).is_not(None)
        )
        .group_by(col(CampaignRecipient.chunk))
    ).all()
    for seq, size in sizes:
        session.add(
            CampaignChunk(
                campaign_id=campaign.id,  # type: ignore[arg-type]
                seq=seq,  # type: ignore[arg-type]
                retry_key=str(uuid.uuid4()),
                size=size,
            )
        )
    campaign.recipients = sum(size for _, size in sizes)
    campaign.held_out = session.exec(
        select(func.count()).where(
            CampaignRecipient.campaign_id == campaign.id, col(CampaignRecipient.held_out).is_(True)
        )
    ).one()
    campaign.status, campaign.started_at = "sending", clock.now()
    session.add(campaign)
    session.flush()


@dataclass(frozen=True)
class ChunkToSend:
    chunk_id: int
    campaign_id: int
    seq: int
    retry_key: str
    to: list[str]
    messages: list[dict[str, Any]]
    attempts: int


def claim_next_chunk(
    session: Session, campaign: Campaign, coupons: CouponAttachment, after: int = -1
) -> ChunkToSend | None:
    """The next chunk still to send after chunk `after`, its recipients fixed on the first
    claim (and given their coupons, if the campaign has one); None when done."""
    while True:
        chunk = session.exec(
            select(CampaignChunk)
            .where(
                CampaignChunk.campaign_id == campaign.id,
                CampaignChunk.status == "pending",
                col(CampaignChunk.seq) > after,
            )
            .order_by(col(CampaignChunk.seq))
            .limit(1)
        ).first()
        if chunk is None:
            return None
        after = chunk.seq
        chunk.attempts += 1
        rows: Sequence[Any]
        if chunk.attempts == 1:
            chunk.first_tried_at = clock.now()
            rows = _fix_recipients(session, campaign.id, chunk.seq)  # type: ignore[arg-type]
        else:
            rows = session.execute(
                select(RECIPIENTS.c.line_user_id, RECIPIENTS.c.member_id).where(
                    *_in_chunk(campaign.id, chunk.seq)  # type: ignore[arg-type]
                )
            ).all()
        if rows and chunk.attempts == 1 and campaign.reward_id is not None:
            members = [member_id for _, member_id in rows if member_id is not None]
            coupons.issue(session, campaign=campaign, member_ids=members)
        if not rows:
            chunk.status = "empty"
        session.add(chunk)
        session.flush()
        if rows:
            to = [line_user_id for line_user_id, _ in rows]
            return ChunkToSend(
                chunk.id,  # type: ignore[arg-type]
                chunk.campaign_id,
                chunk.seq,
                chunk.retry_key,
                to,
                campaign.messages,
                chunk.attempts,
            )


def _in_chunk(campaign_id: int, seq: int) -> list[ColumnElement[bool]]:
    """The chunk's recipients still to send: fixed once its first claim ran (the chunk's
    attempts say so), "sending" only in rows fixed by versions before 2026-12-03."""
    return [
        RECIPIENTS.c.campaign_id == campaign_id,
        RECIPIENTS.c.chunk == seq,
        RECIPIENTS.c.status.in_(("waiting", "sending")),
    ]


def _fix_recipients(session: Session, campaign_id: int, seq: int) -> list[tuple[str, int | None]]:
    """Skip who unfollowed or opted out since the campaign was confirmed; the rest (line
    user id, member id), who stay waiting until the chunk is settled, are returned."""
    line_users = LineUser.__table__  # type: ignore[attr-defined]
    found = session.execute(
        select(
            RECIPIENTS.c.line_user_id,
            RECIPIENTS.c.member_id,
            line_users.c.following,
            line_users.c.marketing_consent,
        )
        .select_from(
            RECIPIENTS.outerjoin(line_users, line_users.c.line_user_id == RECIPIENTS.c.line_user_id)
        )
        .where(*_in_chunk(campaign_id, seq))
    ).all()
    leavers: dict[str, list[str]] = {"unfollowed": [], "opted_out": []}
    kept: list[tuple[str, int | None]] = []
    for line_user_id, member_id, following, consent in found:
        if following is False:
            leavers["unfollowed"].append(line_user_id)
        elif consent is False:
            leavers["opted_out"].append(line_user_id)
        else:
            kept.append((line_user_id, member_id))
    for reason, gone in leavers.items():
        if gone:
            session.execute(
                RECIPIENTS.update()
                .where(*_in_chunk(campaign_id, seq))
                .where(RECIPIENTS.c.line_user_id.in_(gone))
                .values(status="skipped", reason=reason)
            )
    return kept


def mark_chunk_sent(session: Session, chunk: ChunkToSend) -> None:
    """The chunk and its recipients are sent (two statements)."""
    session.execute(
        update(CampaignChunk)
        .where(col(CampaignChunk.id) == chunk.chunk_id)
        .values(status="sent", sent_at=clock.now(), last_error=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        RECIPIENTS.update().where(*_in_chunk(chunk.campaign_id, chunk.seq)).values(status="sent")
    )


def mark_chunk_failed(
    session: Session, chunk_id: int, error: str, *, reason: str, final: bool
) -> bool:
    """Record a failed attempt; True when the chunk has failed for good (refused, or a day
    of retryable errors since its first try)."""
    chunk = session.get(CampaignChunk, chunk_id)
    assert chunk is not None
    chunk.last_error = error[:300]
    first = chunk.first_tried_at or clock.now()
    if final or retry_policy.given_up(first, clock.now()):
        chunk.status = "failed"
        session.execute(
            RECIPIENTS.update()
            .where(*_in_chunk(chunk.campaign_id, chunk.seq))
            .values(status="failed", reason=reason)
        )
    session.add(chunk)
    session.flush()
    return chunk.status == "failed"


def finish(session: Session, campaign_id: int) -> bool:
    """Mark the campaign done once every chunk is settled; True only for the caller who did."""
    pending = exists().where(
        col(CampaignChunk.campaign_id) == campaign_id, col(CampaignChunk.status) == "pending"
    )
    done = session.execute(
        update(Campaign)
        .where(col(Campaign.id) == campaign_id, col(Campaign.status) == "sending", ~pending)
        .values(status="done", finished_at=clock.now(), lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1  # type: ignore[attr-defined]
