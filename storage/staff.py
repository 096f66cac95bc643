"""Staff invitations: a one-time code an owner hands to a new cashier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage import award_limits, clock, codes
from storage.members import set_role
from storage.models import LineUser, Role, StaffInvite

INVITE_VALID = timedelta(hours=24)


def create_invite(session: Session, *, created_by: str) -> tuple[str, StaffInvite]:
    """A new invite; returns the code (shown once) and the stored row (hash only)."""
    code = codes.short_code(8)
    invite = StaffInvite(
        code_hash=codes.digest(code),
        created_by=created_by,
        expires_at=clock.now() + INVITE_VALID,
    )
    session.add(invite)
    session.flush()
    return code, invite


def accept_invite(session: Session, *, code: str, user: LineUser) -> bool:
    """Make `user` staff if `code` is a live, unused invite. False changes nothing.

    The invite is claimed by one conditional UPDATE: of two people sending the same code
    at once, exactly one changes the row, and the other is told the code is used.
    """
    now = clock.now()
    claimed = session.exec(  # type: ignore[call-overload]
        update(StaffInvite)
        .where(
            col(StaffInvite.code_hash) == codes.digest(code.upper()),
            col(StaffInvite.used_at).is_(None),
            col(StaffInvite.expires_at) >= now,
        )
        .values(used_by=user.line_user_id, used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    if Role(user.role) == Role.CUSTOMER:
        set_role(session, user, Role.STAFF)
    session.flush()
    return True


def remove_from_staff(session: Session, user: LineUser, *, by: str) -> int:
    """`user` goes back to being a customer; their awards still waiting for the owner's
    approval are cancelled. Returns how many were cancelled."""
    set_role(session, user, Role.CUSTOMER)
    return award_limits.cancel_waiting(session, user.line_user_id, by=by)


@dataclass(frozen=True)
class UsedInvite:
    who: LineUser | None  # None: that LINE user is gone (erased)
    used_by: str
    used_at: datetime


@dataclass(frozen=True)
class Invites:
    open_until: list[datetime]  # when each open invite expires, soonest first
    used: list[UsedInvite]  # the latest first


def invites(session: Session, *, used_shown: int = 5) -> Invites:
    """The invites not used yet and still valid, and who used the latest ones (and when)."""
    now = clock.now()
    still_open = session.exec(
        select(StaffInvite.expires_at)
        .where(col(StaffInvite.used_at).is_(None), col(StaffInvite.expires_at) >= now)
        .order_by(col(StaffInvite.expires_at))
    ).all()
    used = session.exec(
        select(StaffInvite, LineUser)
        .join(LineUser, col(LineUser.line_user_id) == StaffInvite.used_by, isouter=True)
        .where(col(StaffInvite.used_at).is_not(None))
        .order_by(col(StaffInvite.used_at).desc(), col(StaffInvite.id).desc())
        .limit(used_shown)
    ).all()
    return Invites(
        open_until=list(still_open),
        used=[
            UsedInvite(who=user, used_by=invite.used_by or "", used_at=invite.used_at)
            for invite, user in used
            if invite.used_at is not None
        ],
    )
