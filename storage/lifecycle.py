"""What automations remember per member, and the records that make each of them act once.

`claim` writes the (automation, subject, period) record whose unique key decides who acts:
of two jobs (or two workers) trying the same thing, one inserts it and the other gets None.
`take_marketing_turn` is one conditional UPDATE, so two automations at once cannot both
send a member an offer inside the gap the owner allows.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import clock
from storage.models import AutomationSend, LineUser, Member, MemberLifecycle


def profile(session: Session, member_id: int) -> MemberLifecycle:
    """The member's lifecycle row, created on first use."""
    row = session.get(MemberLifecycle, member_id)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = MemberLifecycle(member_id=member_id)
            session.add(row)
            session.flush()
        return row
    except IntegrityError:
        found = session.get(MemberLifecycle, member_id, populate_existing=True)
        assert found is not None
        return found


def is_birthday(day: int, month: int) -> bool:
    """A day that exists in some year (29 February counts)."""
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(2024, month)[1]


def set_birthday(session: Session, member_id: int, day: int, month: int) -> None:
    if not is_birthday(day, month):
        raise ValueError(f"no such day: {day}/{month}")
    row = profile(session, member_id)
    row.birth_day, row.birth_month = day, month
    row.birthday_asked_at = row.birthday_asked_at or clock.now()
    session.add(row)
    session.flush()


def birthday_asked(session: Session, member_id: int) -> bool:
    row = session.get(MemberLifecycle, member_id)
    return row is not None and row.birthday_asked_at is not None


def mark_birthday_asked(session: Session, member_id: int) -> None:
    row = profile(session, member_id)
    row.birthday_asked_at = row.birthday_asked_at or clock.now()
    session.add(row)
    session.flush()


def member_subject(member_id: int) -> str:
    return f"m{member_id}"


def claim(
    session: Session,
    *,
    automation: str,
    period: str,
    member_id: int | None = None,
    subject: str | None = None,
    marketing: bool = False,
) -> AutomationSend | None:
    """Record that `automation` acts now for the member (or `subject`) in `period`.

    None when it already has (or another job is doing it right now and commits first).
    """
    record = AutomationSend(
        automation=automation,
        subject=subject or member_subject(member_id or 0),
        period=period,
        member_id=member_id,
        marketing=marketing,
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        return None
    return record


def done_periods(session: Session, automation: str, periods: set[str]) -> set[tuple[str, str]]:
    """(subject, period) pairs of `periods` this automation has already acted on."""
    if not periods:
        return set()
    rows = session.exec(
        select(AutomationSend.subject, AutomationSend.period).where(
            AutomationSend.automation == automation, col(AutomationSend.period).in_(periods)
        )
    ).all()
    return {(s, p) for s, p in rows}


def acted_since(session: Session, automation: str, since: datetime) -> set[int]:
    """Members this automation acted on since `since`."""
    rows = session.exec(
        select(AutomationSend.member_id).where(
            AutomationSend.automation == automation, col(AutomationSend.created_at) >= since
        )
    ).all()
    return {m for m in rows if m is not None}


def take_marketing_turn(session: Session, member_id: int, gap_days: int) -> bool:
    """True (and the turn is taken) if the member got no offer in the last `gap_days` days."""
    profile(session, member_id)
    now = clock.now()
    taken = session.exec(  # type: ignore[call-overload]
        update(MemberLifecycle)
        .where(
            col(MemberLifecycle.member_id) == member_id,
            or_(
                col(MemberLifecycle.last_marketing_at).is_(None),
                col(MemberLifecycle.last_marketing_at) <= now - timedelta(days=gap_days),
            ),
        )
        .values(last_marketing_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(taken.rowcount == 1)


def reader_of(session: Session, member: Member) -> LineUser | None:
    """The member's LINE account if they still follow the shop (and are not erased)."""
    if member.erased_at is not None:
        return None
    user = session.exec(select(LineUser).where(LineUser.member_id == member.id)).first()
    return user if user is not None and user.following else None


def may_market_to(user: LineUser | None) -> bool:
    """Consented to offers and still following."""
    return user is not None and user.following and user.marketing_consent
