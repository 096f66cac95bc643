"""Personal data rights (PDPA): consent history, a member's own data, and erasure.

Erasure keeps the shop's accounts whole: the member row, its ledger, purchases and
coupons stay, with nothing left that points to the person (phone, name, birthday,
customer reference, LINE id, card token).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    LargeBinary,
    String,
    Table,
    TypeDecorator,
    cast,
    delete,
    or_,
    update,
)
from sqlmodel import Session, SQLModel, col, select

from storage import audit, clock, codes, ledger, members, queued_jobs
from storage.members import new_member_code
from storage.models import (
    ApiCall,
    ConsentRecord,
    Coupon,
    CouponStatus,
    DataExport,
    EntryKind,
    LineUser,
    Member,
    OutboxMessage,
    PhoneVerification,
    Referral,
    Role,
)

SERVICE, MARKETING = "service", "marketing"
EXPORT_VALID = timedelta(hours=24)
ERASED = "erased"
# Member columns that identify the person; those a table lacks are skipped (birthday
# arrives with the automations).
PERSONAL_MEMBER_FIELDS = ("phone", "customer_ref", "birthday")
# Tables and columns that are never part of an export: the shop's own security records,
# secrets, and the identities of staff (every `..._by` column names whoever acted).
NOT_EXPORTED_TABLES = {"audit_entry", "data_export", "rate_limit_window", "api_call"}
NOT_EXPORTED_COLUMNS = {"staff_user_id", "actor", "used_by", "cancelled_by", "created_by"}


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


# the member's own data


def create_export(session: Session, line_user_id: str) -> str:
    """A one-time download of the user's data; returns the token for the link."""
    token = codes.token()
    session.add(
        DataExport(
            token_hash=codes.digest(token),
            line_user_id=line_user_id,
            expires_at=clock.now() + EXPORT_VALID,
        )
    )
    session.flush()
    return token


def find_export(session: Session, token: str) -> DataExport | None:
    """The export behind `token` if it is still unused and unexpired (row locked)."""
    row = session.exec(
        select(DataExport).where(DataExport.token_hash == codes.digest(token)).with_for_update()
    ).first()
    if row is None or row.downloaded_at is not None or row.expires_at <= clock.now():
        return None
    return row


def take_export(session: Session, token: str) -> dict[str, Any] | None:
    """The user's data, once: the link stops working as it is handed out."""
    row = find_export(session, token)
    if row is None:
        return None
    row.downloaded_at = clock.now()
    session.add(row)
    session.flush()
    user = session.get(LineUser, row.line_user_id)
    return member_data(session, user) if user is not None else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _exported(table: Table, row: Any) -> dict[str, Any]:
    return {
        column.name: _plain(getattr(row, column.name))
        for column in table.columns
        if column.name not in NOT_EXPORTED_COLUMNS
        and not column.name.endswith(("token", "_hash", "retry_key", "_by"))
        and not isinstance(column.type, LargeBinary)
    }


def member_data(session: Session, user: LineUser) -> dict[str, Any]:
    """Everything kept about the user: their LINE record, their member record, and the rows
    of every table that refer to either (as JSON-ready dicts)."""
    tables = SQLModel.metadata.tables
    data: dict[str, Any] = {
        "exported_at": clock.now().isoformat(),
        "line_user": _exported(tables["line_user"], user),
    }
    member = session.get(Member, user.member_id) if user.member_id is not None else None
    if member is not None:
        data["member"] = _exported(tables["member"], member)
    for table in SQLModel.metadata.sorted_tables:
        if table.name in NOT_EXPORTED_TABLES or table.name in ("line_user", "member"):
            continue
        rows = _rows_about(session, table, user, member)
        if rows:
            data[table.name] = [_exported(table, row) for row in rows]
    return data


def _rows_about(session: Session, table: Table, user: LineUser, member: Member | None) -> list[Any]:
    if "member_id" in table.c and member is not None:
        where = table.c.member_id == member.id
    elif "line_user_id" in table.c:
        where = table.c.line_user_id == user.line_user_id
    elif table.name == "outbox_message":
        where = table.c.to == user.line_user_id
    else:
        return []
    return list(session.execute(table.select().where(where)).all())


# erasure


class ErasureRefused(Exception):
    """Staff and owners are not erased from the chat (their actions are audited)."""


def erase(session: Session, user: LineUser) -> Member | None:
    """Erase the user's personal data; returns the (now anonymous) member, if there was one.

    Points left are forfeited with an ADJUST entry and unused coupons (live or expired) are
    cancelled, so the accounts still add up and nobody can spend them or cancel them for
    points later. The member stays locked until commit: an award waiting for them then
    finds them erased and is refused.
    """
    if Role(user.role) != Role.CUSTOMER:
        raise ErasureRefused(user.line_user_id)
    member = members.lock_member(session, user.member_id) if user.member_id else None
    if member is not None:
        _anonymise_member(session, member, user.line_user_id)
    _forget_line_user(session, user)
    return member


def _anonymise_member(session: Session, member: Member, line_user_id: str) -> None:
    member_id = member.id
    personal = [v for v in (member.phone, member.customer_ref, member.code, line_user_id) if v]
    if member.points > 0:
        ledger.post_entry(
            session,
            member=member,
            kind=EntryKind.ADJUST,
            points=-member.points,
            actor=ERASED,
            idempotency_key=f"erase:{member_id}",
            note="points forfeited: personal data erased on request",
        )
    now = clock.now()
    # Expired ones too: staff can cancel an expired coupon, which would give points back.
    unused = [CouponStatus.ACTIVE, CouponStatus.EXPIRED]
    session.exec(  # type: ignore[call-overload]
        update(Coupon)
        .where(col(Coupon.member_id) == member_id, col(Coupon.status).in_(unused))
        .values(status=CouponStatus.CANCELLED, cancelled_at=now, cancelled_by=ERASED)
    )
    if member.phone:
        session.exec(delete(PhoneVerification).where(col(PhoneVerification.phone) == member.phone))  # type: ignore[call-overload]
        queued_jobs.cancel_naming(session, member.phone)  # e.g. a code SMS not sent yet
    for field in PERSONAL_MEMBER_FIELDS:
        if hasattr(member, field):
            setattr(member, field, None)
    member.code, member.card_token, member.erased_at = new_member_code(), codes.token(), now
    session.add(member)
    session.flush()
    _scrub_line_id(session, member_id, line_user_id)  # type: ignore[arg-type]
    _scrub_api_answers(session, personal)
    audit.record(
        session, actor=ERASED, actor_role=Role.CUSTOMER, action="erase", member_id=member_id
    )


def _is_text(column: Column[Any]) -> bool:
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, String)


def _scrub_line_id(session: Session, member_id: int, line_user_id: str) -> None:
    """Nothing personal may survive in the member's rows: the LINE id (e.g. who redeemed a
    coupon) becomes `erased`, and personal columns of other tables (a birthday kept beside
    the member) are emptied."""
    for table in SQLModel.metadata.sorted_tables:
        if "member_id" not in table.c:
            continue
        mine = table.c.member_id == member_id
        for column in table.columns:
            if column.primary_key:
                continue
            if column.name in PERSONAL_MEMBER_FIELDS and column.nullable:
                session.execute(update(table).where(mine).values({column.name: None}))
            elif _is_text(column):
                session.execute(
                    update(table).where(mine, column == line_user_id).values({column.name: ERASED})
                )


def _without(value: Any, personal: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without(v, personal) for k, v in value.items()}
    if isinstance(value, list):
        return [_without(v, personal) for v in value]
    return None if isinstance(value, str) and value in personal else value


def _scrub_api_answers(session: Session, personal: list[str]) -> None:
    """Answers kept for POS retries lose the person's phone, code and customer ref.

    The answer itself stays, so a till's retry with the same Idempotency-Key still changes
    nothing; it just no longer says who it was about.
    """
    if not personal:
        return
    stored = cast(ApiCall.response, String)
    # as the JSON text holds them: json.dumps escapes non-ASCII and quotes
    shown = [json.dumps(value)[1:-1] for value in personal]
    found = session.exec(
        select(ApiCall).where(or_(*(stored.contains(v, autoescape=True) for v in shown)))
    ).all()
    for call in found:
        call.response = _without(call.response, set(personal))
        session.add(call)
    session.flush()


def _forget_line_user(session: Session, user: LineUser) -> None:
    """Rows keyed by the LINE id go; the LINE user stays as an unregistered follower.

    An invite they came with stays for the inviter's count, without their LINE id.
    """
    session.exec(  # type: ignore[call-overload]
        update(Referral)
        .where(col(Referral.friend_line_user_id) == user.line_user_id)
        .values(friend_line_user_id=ERASED + ":" + cast(col(Referral.id), String))
    )
    for table in SQLModel.metadata.sorted_tables:
        if "line_user_id" in table.c and table.name != "line_user":
            session.execute(delete(table).where(table.c.line_user_id == user.line_user_id))
    _forget_messages_to(session, user.line_user_id)
    user.member_id = None
    user.display_name = None
    user.registered_at = None
    user.service_consent_version = None
    user.marketing_consent = False
    user.consent_at = None
    session.add(user)
    session.flush()


def _forget_messages_to(session: Session, line_user_id: str) -> None:
    """Messages to the person go; rows that point to one (an automation's record of what it
    sent) keep their own facts and lose the pointer."""
    theirs = select(OutboxMessage.id).where(col(OutboxMessage.to) == line_user_id)
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == "outbox_message" for fk in column.foreign_keys):
                session.execute(
                    update(table)
                    .where(column.in_(theirs.scalar_subquery()))
                    .values({column.name: None})
                )
    session.exec(delete(OutboxMessage).where(col(OutboxMessage.to) == line_user_id))  # type: ignore[call-overload]


def purge_exports(session: Session) -> int:
    """Forget export requests a day after they expired."""
    done = session.exec(  # type: ignore[call-overload]
        delete(DataExport).where(col(DataExport.expires_at) < clock.now() - timedelta(days=1))
    )
    return int(done.rowcount)
