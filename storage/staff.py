"""Staff invitations: a one-time code an owner hands to a new cashier."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from storage import clock, codes
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
