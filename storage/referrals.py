"""Invite a friend: the friend sends the member's code, registers, buys; both get a bonus.

A LINE account can be invited once and a member has at most one referrer (both unique
columns). Nobody can invite themselves: not from the same LINE account, and not by
registering the inviter's own phone number.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, update
from sqlmodel import Session, col, select

from storage import clock, members
from storage.models import LineUser, Member, Purchase, Referral


class Refusal(StrEnum):
    UNKNOWN = "unknown"
    SELF = "self"
    ALREADY = "already"
    NOT_NEW = "not_new"


class ReferralRefused(Exception):
    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


def _has_bought(session: Session, member_id: int) -> bool:
    found = session.exec(select(Purchase.id).where(Purchase.member_id == member_id)).first()
    return found is not None


def _referred(session: Session, user: LineUser) -> bool:
    taken = [col(Referral.friend_line_user_id) == user.line_user_id]
    if user.member_id is not None:
        taken.append(col(Referral.friend_member_id) == user.member_id)
    return any(session.exec(select(Referral.id).where(t)).first() is not None for t in taken)


def accept_code(session: Session, *, code: str, user: LineUser) -> Member:
    """Note that `user` came with the invite of the member with `code`; returns the inviter.

    Raises ReferralRefused. A member who has already bought is not a new friend.
    """
    inviter = members.find_member_by_code(session, code)
    if inviter is None or inviter.erased_at is not None:
        raise ReferralRefused(Refusal.UNKNOWN)
    if user.member_id == inviter.id or _line_account_of(session, inviter) == user.line_user_id:
        raise ReferralRefused(Refusal.SELF)
    if _referred(session, user):
        raise ReferralRefused(Refusal.ALREADY)
    if user.member_id is not None and _has_bought(session, user.member_id):
        raise ReferralRefused(Refusal.NOT_NEW)
    referral = Referral(
        referrer_id=inviter.id,  # type: ignore[arg-type]
        friend_line_user_id=user.line_user_id,
        friend_member_id=user.member_id,
        status="registered" if user.member_id is not None else "waiting",
    )
    session.add(referral)
    session.flush()
    return inviter


def _line_account_of(session: Session, member: Member) -> str | None:
    user = members.line_user_of(session, member)
    return user.line_user_id if user else None


def on_registered(session: Session, user: LineUser, member: Member) -> None:
    """The invited friend has registered: their member now waits for a first purchase.

    Registering the inviter's own phone, or a phone that has bought before, ends the invite.
    """
    referral = session.exec(
        select(Referral).where(
            Referral.friend_line_user_id == user.line_user_id, Referral.status == "waiting"
        )
    ).first()
    if referral is None:
        return
    inviter = session.get(Member, referral.referrer_id)
    same_phone = inviter is not None and inviter.phone is not None and inviter.phone == member.phone
    taken = session.exec(select(Referral.id).where(Referral.friend_member_id == member.id)).first()
    if member.id == referral.referrer_id or same_phone or taken or _has_bought(session, member.id):  # type: ignore[arg-type]
        referral.status = "refused"
    else:
        referral.friend_member_id, referral.status = member.id, "registered"
    session.add(referral)
    session.flush()


def bonuses_due(session: Session) -> list[Referral]:
    """Invites whose friend has registered and made a purchase that still stands."""
    bought = exists().where(
        col(Purchase.member_id) == col(Referral.friend_member_id),
        col(Purchase.voided_at).is_(None),
    )
    return list(
        session.exec(
            select(Referral)
            .where(Referral.status == "registered", bought)
            .order_by(col(Referral.id))
        ).all()
    )


def mark_rewarded(session: Session, referral_id: int) -> None:
    session.exec(  # type: ignore[call-overload]
        update(Referral)
        .where(col(Referral.id) == referral_id, col(Referral.status) == "registered")
        .values(status="rewarded", rewarded_at=clock.now())
    )


def invited_by(session: Session, member_id: int) -> int:
    """How many friends this member's invites brought who have earned the bonus."""
    return len(
        session.exec(
            select(Referral.id).where(
                Referral.referrer_id == member_id, Referral.status == "rewarded"
            )
        ).all()
    )
