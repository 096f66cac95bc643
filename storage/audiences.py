"""Who a broadcast may go to: audiences (segments, everyone, members holding a coupon), and
how many of them may get offers now (consented, following, not erased)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, exists, func, literal, or_, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Coupon, CouponStatus, LineUser, Member, MemberScore
from storage.segment_names import ALL_SEGMENTS

EVERYONE = "everyone"
UNUSED_COUPON = "unused_coupon"


def holding_unused_coupon() -> Select[Any]:
    """Members with a live coupon: active, unused and not yet expired."""
    return select(Coupon.member_id).where(
        Coupon.status == CouponStatus.ACTIVE,
        col(Coupon.used_at).is_(None),
        col(Coupon.expires_at) > clock.now(),
    )


# Audiences besides segments and everyone: name -> a query of member ids.
EXTRA_AUDIENCES: dict[str, Callable[[], Select[Any]]] = {UNUSED_COUPON: holding_unused_coupon}


def known_audience(name: str) -> bool:
    return name in ALL_SEGMENTS or name == EVERYONE or name in EXTRA_AUDIENCES


def in_audience(audience: list[str]) -> ColumnElement[bool]:
    """LINE users in any of the audience's groups."""
    if EVERYONE in audience:
        return true()
    member_id = col(LineUser.member_id)
    wanted = [a for a in audience if a in ALL_SEGMENTS]
    parts: list[ColumnElement[bool]] = []
    if wanted:
        scored = select(MemberScore.member_id).where(col(MemberScore.segment).in_(wanted))
        parts.append(member_id.in_(scored))
    parts += [member_id.in_(EXTRA_AUDIENCES[a]()) for a in audience if a in EXTRA_AUDIENCES]
    return or_(*parts) if parts else literal(False)


def may_get_offers() -> ColumnElement[bool]:
    """Consented to offers, still following, and not erased."""
    erased = exists().where(
        col(Member.id) == col(LineUser.member_id), col(Member.erased_at).is_not(None)
    )
    return col(LineUser.marketing_consent).is_(True) & col(LineUser.following).is_(True) & ~erased


@dataclass(frozen=True)
class AudienceSize:
    chosen: int
    reachable: int
    held_out: int

    @property
    def receiving(self) -> int:
        return self.reachable - self.held_out


def audience_size(session: Session, audience: list[str], holdout_percent: int) -> AudienceSize:
    """LINE users in the groups; those who may get offers; and how many are held out."""
    group = in_audience(audience)
    chosen = session.exec(select(func.count()).where(group)).one()
    reachable = session.exec(select(func.count()).where(group, may_get_offers())).one()
    return AudienceSize(chosen, reachable, reachable * holdout_percent // 100)


def reachable_by_audience(session: Session, names: list[str]) -> dict[str, int]:
    """For each audience, how many LINE users in it may get offers now."""
    by_segment = dict(
        session.exec(
            select(MemberScore.segment, func.count())
            .join(LineUser, col(LineUser.member_id) == MemberScore.member_id)
            .where(may_get_offers())
            .group_by(MemberScore.segment)
        ).all()
    )
    counts = {name: int(by_segment.get(name, 0)) for name in names if name in ALL_SEGMENTS}
    for name in names:
        if name not in counts:
            query = select(func.count()).where(in_audience([name]), may_get_offers())
            counts[name] = int(session.exec(query).one())
    return counts
