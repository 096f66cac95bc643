"""The owners' Monday summary: who wants it, and making sure each week goes out once."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import clock
from storage.models import LineUser, Role, WeeklySummaryChoice
from storage.periods import Period, days_period

SEND_FROM = time(9, 0)  # Monday, shop time


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def last_week(today: date, tz: tzinfo) -> Period:
    """Monday to Sunday of the week before `today`'s week."""
    monday = today - timedelta(days=today.weekday() + 7)
    return days_period(monday, monday + timedelta(days=6), tz, week_label(monday))


def is_on(session: Session, line_user_id: str) -> bool:
    choice = session.get(WeeklySummaryChoice, line_user_id)
    return choice is None or choice.enabled


def _choice(session: Session, line_user_id: str) -> WeeklySummaryChoice:
    choice = session.get(WeeklySummaryChoice, line_user_id)
    if choice is not None:
        return choice
    try:
        with session.begin_nested():
            session.add(WeeklySummaryChoice(line_user_id=line_user_id))
            session.flush()
    except IntegrityError:
        pass
    found = session.get(WeeklySummaryChoice, line_user_id, populate_existing=True)
    assert found is not None
    return found


def set_on(session: Session, line_user_id: str, enabled: bool) -> None:
    choice = _choice(session, line_user_id)
    choice.enabled, choice.changed_at = enabled, clock.now()
    session.add(choice)
    session.flush()


def claim_due(session: Session, now: datetime, tz: tzinfo) -> list[LineUser]:
    """Owners whose summary of last week is due now, each claimed for this week so that two
    workers (or a re-run) never send it twice. Due: Monday from 09:00, shop time."""
    local = now.astimezone(tz)
    if local.weekday() != 0 or local.time() < SEND_FROM:
        return []
    label = week_label(local.date())
    owners = session.exec(
        select(LineUser).where(LineUser.role == Role.OWNER, col(LineUser.following).is_(True))
    ).all()
    claimed = []
    for owner in owners:
        _choice(session, owner.line_user_id)
        won = session.exec(  # type: ignore[call-overload]
            update(WeeklySummaryChoice)
            .where(
                col(WeeklySummaryChoice.line_user_id) == owner.line_user_id,
                col(WeeklySummaryChoice.enabled).is_(True),
                col(WeeklySummaryChoice.last_sent_week).is_(None)
                | (col(WeeklySummaryChoice.last_sent_week) != label),
            )
            .values(last_sent_week=label)
        )
        if won.rowcount == 1:
            claimed.append(owner)
    return claimed
