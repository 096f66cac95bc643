"""Staff invitations: a one-time code an owner hands to a new cashier."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

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
    """Make `user` staff if `code` is a live, unused invite. False changes nothing."""
    invite = session.exec(
        select(StaffInvite).where(StaffInvite.code_hash == codes.digest(code.upper()))
    ).first()
    if invite is None or invite.used_at is not None or invite.expires_at < clock.now():
        return False
    invite.used_by, invite.used_at = user.line_user_id, clock.now()
    session.add(invite)
    if Role(user.role) == Role.CUSTOMER:
        set_role(session, user, Role.STAFF)
    session.flush()
    return True
