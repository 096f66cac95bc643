"""Keys for the POS and web-shop API: one per till or shop, shown once, kept as a hash."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage import clock, codes
from storage.models import ApiCall, ApiKey

KEY_PREFIX = "lk_"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class KeyRefused(ValueError):
    """The name is not usable; the message says why."""


def create_key(session: Session, name: str) -> tuple[str, ApiKey]:
    """A new key for the till or shop `name`; returns the key (shown once) and its row.

    A name is the namespace of its order refs, so a replacement key for the same till is
    made after revoking the old one, and finds the orders the old one recorded.
    """
    if not NAME.match(name):
        raise KeyRefused(
            "a name is 1-40 characters: lower-case letters, digits, - and _ (e.g. till-1)"
        )
    if find_active(session, name) is not None:
        raise KeyRefused(f"{name} already has a key: revoke it first to replace it")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, key_hash=codes.digest(key), prefix=key[:10])
    session.add(row)
    session.flush()
    return key, row


def find_active(session: Session, name: str) -> ApiKey | None:
    return session.exec(
        select(ApiKey).where(ApiKey.name == name, col(ApiKey.revoked_at).is_(None))
    ).first()


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The live key matching `presented`, noting when it was last used; None otherwise."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 100:
        return None
    row = session.exec(select(ApiKey).where(ApiKey.key_hash == codes.digest(presented))).first()
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = clock.now()
    session.add(row)
    return row


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.name), col(ApiKey.id))).all())


def revoke(session: Session, name: str) -> bool:
    """Stop the live key of `name` working at once; False if it has none."""
    row = find_active(session, name)
    if row is None:
        return False
    row.revoked_at = clock.now()
    session.add(row)
    session.flush()
    return True


# idempotency: the first answer to a key, replayed when the call is retried


def earlier_call(session: Session, key_name: str, idempotency_key: str) -> ApiCall | None:
    return session.exec(
        select(ApiCall).where(
            ApiCall.key_name == key_name, ApiCall.idempotency_key == idempotency_key
        )
    ).first()


def keep_call(
    session: Session,
    *,
    key_name: str,
    idempotency_key: str,
    fingerprint: str,
    status_code: int,
    response: dict[str, Any],
) -> None:
    """Remember an answer; a concurrent twin fails on the unique key and is retried."""
    session.add(
        ApiCall(
            key_name=key_name,
            idempotency_key=idempotency_key,
            fingerprint=fingerprint,
            status_code=status_code,
            response=response,
        )
    )
    session.flush()


def purge_calls(session: Session, older_than: timedelta = timedelta(days=30)) -> int:
    """Idempotency keys are remembered 30 days (retries come within minutes)."""
    done = session.exec(  # type: ignore[call-overload]
        delete(ApiCall).where(col(ApiCall.created_at) < clock.now() - older_than)
    )
    return int(done.rowcount)
