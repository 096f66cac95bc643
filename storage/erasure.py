"""Erasure (PDPA): the person's data goes, the shop's accounts stay whole.

The member row, its ledger, purchases and coupons stay, with nothing left that points to
the person (phone, name, birthday, customer reference, LINE id, card token).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Column, String, TypeDecorator, cast, delete, or_, update
from sqlmodel import Session, SQLModel, col, select

from storage import (
    audit,
    clock,
    codes,
    figure_snapshots,
    ledger,
    media_files,
    members,
    queued_jobs,
)
from storage.members import new_member_code
from storage.models import (
    ApiCall,
    Coupon,
    CouponStatus,
    EntryKind,
    LineUser,
    Member,
    OutboxMessage,
    PhoneVerification,
    Referral,
    Role,
)

ERASED = "erased"

# Member columns that identify the person; those a table lacks are skipped (birthday
# arrives with the automations).
PERSONAL_MEMBER_FIELDS = ("phone", "customer_ref", "birthday")


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
    media_files.forget_ended_coupon_pictures(session)  # theirs are cancelled now
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
    figure_snapshots.forget(session)  # a kept sales-by-staff tally may name the LINE id
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
