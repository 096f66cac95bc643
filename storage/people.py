"""Who sent an event: their LINE row, their member and their open dialog, read together in
one query (the webhook needs all three for nearly every event)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.db import remember
from storage.models import Dialog, LineUser, Member


@dataclass(frozen=True)
class Person:
    """What the database knows of one LINE user; all None for someone new."""

    user: LineUser | None
    member: Member | None
    dialog: Dialog | None


_QUERY = (
    select(LineUser, Member, Dialog)
    .outerjoin(Member, col(Member.id) == col(LineUser.member_id))
    .outerjoin(Dialog, col(Dialog.line_user_id) == col(LineUser.line_user_id))
    .where(col(LineUser.line_user_id) == bindparam("id"))
)


def person(session: Session, line_user_id: str) -> Person:
    """The LINE user, their member and their dialog (any of them missing is None); the rows
    join the session, so later reads of them by key need no query while they are held (the
    dialog's absence too)."""
    found = session.exec(_QUERY, params={"id": line_user_id}).first()
    if found is None:
        return Person(None, None, None)
    user, member, dialog = found
    remember(session, Dialog, line_user_id, dialog)
    return Person(user, member, dialog)
