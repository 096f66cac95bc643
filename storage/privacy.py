"""Personal data rights (PDPA): consent history here; a member's own data in `data_export`,
erasure in `erasure` (their names are importable from here too)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage import clock
from storage.data_export import create_export as create_export
from storage.data_export import find_export as find_export
from storage.data_export import member_data as member_data
from storage.data_export import purge_exports as purge_exports
from storage.data_export import take_export as take_export
from storage.erasure import ErasureRefused as ErasureRefused
from storage.erasure import erase as erase
from storage.models import ConsentRecord, LineUser

SERVICE, MARKETING = "service", "marketing"


def record_consent(
    session: Session,
    user: LineUser,
    *,
    version: str,
    service: bool | None = None,
    marketing: bool | None = None,
) -> None:
    """Set the user's consent for the purposes given and keep a history row for each.

    Declining the service purpose leaves an earlier acceptance (of an older notice) as it
    was: the history shows the refusal, and the member is asked again.
    """
    now = clock.now()
    for purpose, granted in ((SERVICE, service), (MARKETING, marketing)):
        if granted is None:
            continue
        session.add(
            ConsentRecord(
                line_user_id=user.line_user_id,
                purpose=purpose,
                granted=granted,
                notice_version=version,
                recorded_at=now,
            )
        )
    if service:
        user.service_consent_version = version
    if marketing is not None:
        user.marketing_consent = marketing
    user.consent_at = now
    session.add(user)
    session.flush()


def consent_history(session: Session, line_user_id: str) -> list[ConsentRecord]:
    return list(
        session.exec(
            select(ConsentRecord)
            .where(ConsentRecord.line_user_id == line_user_id)
            .order_by(col(ConsentRecord.id))
        ).all()
    )
