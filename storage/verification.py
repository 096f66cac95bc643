"""One-time SMS codes that prove a LINE user owns a phone already holding points."""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from storage import clock, codes
from storage.models import PhoneVerification

CODE_VALID = timedelta(minutes=10)
MAX_ATTEMPTS = 5
MAX_CODES_PER_DAY = 5


class Check(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    EXPIRED = "expired"
    LOCKED = "locked"


def issue_code(session: Session, *, line_user_id: str, phone: str) -> str | None:
    """A fresh 6-digit code for `phone`; None when this user asked too often today."""
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
    """Compare `code` with the newest one sent to this user for this phone."""
    pending = session.exec(
        select(PhoneVerification)
        .where(PhoneVerification.line_user_id == line_user_id, PhoneVerification.phone == phone)
        .order_by(col(PhoneVerification.id).desc())
    ).first()
    if pending is None or pending.verified_at is not None or pending.expires_at < clock.now():
        return Check.EXPIRED
    if pending.attempts >= MAX_ATTEMPTS:
        return Check.LOCKED
    pending.attempts += 1
    session.add(pending)
    if not secrets.compare_digest(pending.code_hash, codes.digest(code)):
        session.flush()
        return Check.LOCKED if pending.attempts >= MAX_ATTEMPTS else Check.WRONG
    pending.verified_at = clock.now()
    session.flush()
    return Check.OK
