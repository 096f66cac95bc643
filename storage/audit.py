"""The audit log: what staff and owners did, to whom, and when; kept for over a year.

Phone numbers in what was typed are kept masked, so the log does not outlive an erased
member's phone.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage import clock, phones
from storage.models import AuditEntry

KEEP = timedelta(days=400)
MAX_DETAIL = 300
_PHONE_LIKE = re.compile(r"\+?\d[\d\s().-]{7,20}\d")


def mask_phones(text: str) -> str:
    """Every phone number in `text` shown as `081-xxx-5678`; other digits stay."""

    def masked(match: re.Match[str]) -> str:
        found = match.group(0)
        for end in range(len(found), 8, -1):  # "0812345678 100": the phone, then an amount
            if end < len(found) and found[end].isdigit():
                continue
            e164 = phones.to_e164(found[:end])
            if e164:
                return phones.masked(e164) + mask_phones(found[end:])
        return found

    return _PHONE_LIKE.sub(masked, text)


def record(
    session: Session,
    *,
    actor: str,
    actor_role: str,
    action: str,
    detail: str | None = None,
    member_id: int | None = None,
) -> AuditEntry:
    """Add one line to the log, in the caller's transaction."""
    entry = AuditEntry(
        actor=actor[:64],
        actor_role=actor_role,
        action=action[:40],
        detail=mask_phones(detail)[:MAX_DETAIL] if detail else None,
        member_id=member_id,
    )
    session.add(entry)
    session.flush()
    return entry


def recent(
    session: Session, *, limit: int = 20, member_id: int | None = None, actor: str | None = None
) -> list[AuditEntry]:
    """The newest entries, optionally only those on one member or by one person."""
    query = select(AuditEntry)
    if member_id is not None:
        query = query.where(AuditEntry.member_id == member_id)
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    query = query.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit)
    return list(session.exec(query).all())


def purge(session: Session) -> int:
    """Delete entries older than KEEP (400 days); returns how many."""
    done = session.exec(  # type: ignore[call-overload]
        delete(AuditEntry).where(col(AuditEntry.at) < clock.now() - KEEP)
    )
    return int(done.rowcount)
