"""One-time SMS codes that prove a LINE user owns a phone already holding points."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage import clock, codes
from storage.models import LineUser, PhoneVerification

CODE_VALID = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_DAY = 5


class Check(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


def issue_code(session: Session, *, line_user_id: str, phone: str) -> str | None:
    """A fresh 6-digit code for `phone`; None when this user asked too often today.

    The person's row is locked first, so that requests arriving at once are counted one
    after the other and no more than MAX_CODES_PER_DAY SMS go out.
    """
    session.get(LineUser, line_user_id, with_for_update={"key_share": True})
    day_ago = clock.now() - timedelta(days=1)
    recent = session.exec(
        select(PhoneVerification).where(
            PhoneVerification.line_user_id == line_user_id,
            col(PhoneVerification.created_at) >= day_ago,
        )
    ).all()
    if len(recent) >= MAX_CODES_PER_DAY:
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        PhoneVerification(
            line_user_id=line_user_id,
            phone=phone,
            code_hash=codes.digest(code),
            expires_at=clock.now() + CODE_VALID,
        )
    )
    session.flush()
    return code


def check_code(session: Session, *, line_user_id: str, phone: str, code: str) -> Check:
    """Compare `code` with the newest one sent to this user for this phone.

    Each comparison first takes one attempt with a conditional UPDATE (`attempts < MAX`),
    so however many guesses arrive at once, at most MAX_ATTEMPTS are ever compared; and
    the code is spent by another (`verified_at IS NULL`), so it proves the phone once.
    """
    pending_id = session.exec(
        select(PhoneVerification.id)
        .where(PhoneVerification.line_user_id == line_user_id, PhoneVerification.phone == phone)
        .order_by(col(PhoneVerification.id).desc())
    ).first()
    if pending_id is None:
        return Check.EXPIRED
    now = clock.now()
    live = (
        col(PhoneVerification.id) == pending_id,
        col(PhoneVerification.verified_at).is_(None),
        col(PhoneVerification.expires_at) >= now,
    )
    attempt = session.exec(  # type: ignore[call-overload]
        update(PhoneVerification)
        .where(*live, col(PhoneVerification.attempts) < MAX_ATTEMPTS)
        .values(attempts=col(PhoneVerification.attempts) + 1)
        .returning(col(PhoneVerification.attempts), col(PhoneVerification.code_hash))
        .execution_options(synchronize_session=False)
    ).first()
    if attempt is None:
        return _why_not(session, pending_id, now)
    attempts, code_hash = attempt
    if not secrets.compare_digest(code_hash, codes.digest(code)):
        return Check.LOCKED if attempts >= MAX_ATTEMPTS else Check.WRONG
    spent = session.exec(  # type: ignore[call-overload]
        update(PhoneVerification)
        .where(*live)
        .values(verified_at=now)
        .execution_options(synchronize_session=False)
    )
    return Check.OK if spent.rowcount == 1 else Check.EXPIRED


def _why_not(session: Session, pending_id: int, now: datetime) -> Check:
    """Why no attempt could be taken: the code is spent or expired, or out of attempts."""
    pending = session.get(PhoneVerification, pending_id, populate_existing=True)
    if pending is None or pending.verified_at is not None or pending.expires_at < now:
        return Check.EXPIRED
    return Check.LOCKED
