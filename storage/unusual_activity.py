"""Unusual activity at the counter over one shop day, for the owner's daily alert.

Three patterns, each found by one set-based query (SQLite and PostgreSQL alike):

- `OWN`: a cashier awarded the member their own LINE account is linked to (their own phone);
- `OFTEN`: one member (one phone) was awarded more than `OFTEN_LIMIT` times in the day;
- `UNDER`: one cashier made `UNDER_COUNT` or more awards just under the confirm amount
  (`storage.award_limits.confirm_above`): within `UNDER_MARGIN_PERCENT` of it, at or
  below it, so that none of them asked the cashier to confirm. No confirm amount, no check.

Awards voided since are counted too (what the cashier did is the signal) and listed as
voided. The alert for a day goes out once: `take_day` claims it with a once-only record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from storage import award_limits, lifecycle
from storage.models import AutomationSend, EntryKind, LedgerEntry, LineUser, Member, Purchase
from storage.periods import Period, days_period

OFTEN_LIMIT = 3  # more awards than this to one phone in a day is unusual
UNDER_COUNT = 3  # this many awards just under the confirm amount by one cashier
UNDER_MARGIN_PERCENT = 10  # "just under": within 10% below the confirm amount
SEND_FROM = time(8, 0)  # the alert about yesterday goes out from 08:00 shop time
OWN, OFTEN, UNDER = "own", "often", "under"
AUTOMATION, SUBJECT = "unusual", "shop"
Rows = Sequence[tuple[Any, Any, Any]]  # (purchase id, cashier, member id)


@dataclass(frozen=True)
class Finding:
    """One pattern seen: who (the cashier, the member, or both) and the awards it is made of."""

    pattern: str
    staff_user_id: str | None
    member_id: int | None
    purchase_ids: tuple[int, ...]


@dataclass(frozen=True)
class Entry:
    """One award as the owner sees it in the list."""

    purchase_id: int
    occurred_at: datetime
    staff_user_id: str
    cashier: str | None  # the cashier's LINE name, when known
    phone: str | None
    member_code: str
    satang: int
    points: int
    entry_id: int | None  # the ledger entry to void
    voided: bool


def day_of(label: str) -> date | None:
    """`2026-12-01` as a date; None for anything else."""
    try:
        return date.fromisoformat(label)
    except ValueError:
        return None


def day_to_report(now: datetime, tz: tzinfo) -> str | None:
    """Yesterday (shop time) once today's `SEND_FROM` has come, else None."""
    local = now.astimezone(tz)
    if local.time() < SEND_FROM:
        return None
    return (local.date() - timedelta(days=1)).isoformat()


def take_day(session: Session, day: str) -> AutomationSend | None:
    """The day's record for the one run that reports this day; None for every other run."""
    return lifecycle.claim(session, automation=AUTOMATION, period=day, subject=SUBJECT)


def _counter_awards(period: Period) -> Any:
    return and_(
        col(Purchase.occurred_at) >= period.start,
        col(Purchase.occurred_at) < period.end,
        col(Purchase.staff_user_id).is_not(None),
    )


def _own(session: Session, period: Period) -> Rows:
    return session.exec(
        select(Purchase.id, Purchase.staff_user_id, Purchase.member_id)
        .join(
            LineUser,
            and_(
                col(LineUser.line_user_id) == col(Purchase.staff_user_id),
                col(LineUser.member_id) == col(Purchase.member_id),
            ),
        )
        .where(_counter_awards(period))
        .order_by(col(Purchase.id))
    ).all()


def _often(session: Session, period: Period) -> Rows:
    busy = (
        select(Purchase.member_id)
        .where(_counter_awards(period))
        .group_by(col(Purchase.member_id))
        .having(func.count() > OFTEN_LIMIT)
    )
    return session.exec(
        select(Purchase.id, Purchase.staff_user_id, Purchase.member_id)
        .where(_counter_awards(period), col(Purchase.member_id).in_(busy))
        .order_by(col(Purchase.id))
    ).all()


def _under(session: Session, period: Period) -> Rows:
    above = award_limits.confirm_above(session)
    if not above:
        return []
    near = and_(
        _counter_awards(period),
        col(Purchase.amount_satang) <= above,
        col(Purchase.amount_satang) >= above - above * UNDER_MARGIN_PERCENT // 100,
    )
    cashiers = (
        select(Purchase.staff_user_id)
        .where(near)
        .group_by(col(Purchase.staff_user_id))
        .having(func.count() >= UNDER_COUNT)
    )
    return session.exec(
        select(Purchase.id, Purchase.staff_user_id, Purchase.member_id)
        .where(near, col(Purchase.staff_user_id).in_(cashiers))
        .order_by(col(Purchase.id))
    ).all()


def find(session: Session, day: date, tz: tzinfo) -> list[Finding]:
    """Every pattern seen on the shop's `day`: own phone, then often, then just under."""
    period = days_period(day, day, tz)
    findings: list[Finding] = []
    for pattern, rows, key in (
        (OWN, _own(session, period), lambda r: (r[1], r[2])),
        (OFTEN, _often(session, period), lambda r: (None, r[2])),
        (UNDER, _under(session, period), lambda r: (r[1], None)),
    ):
        grouped: dict[tuple[str | None, int | None], list[int]] = defaultdict(list)
        for row in rows:
            grouped[key(row)].append(row[0])
        findings += [
            Finding(pattern, staff, member, tuple(ids)) for (staff, member), ids in grouped.items()
        ]
    return findings


def entries(session: Session, purchase_ids: list[int]) -> dict[int, Entry]:
    """The awards by purchase id, with their cashier, member and points (one query)."""
    earn = and_(
        col(LedgerEntry.purchase_id) == col(Purchase.id), col(LedgerEntry.kind) == EntryKind.EARN
    )
    rows = session.exec(
        select(Purchase, Member, LineUser, LedgerEntry)
        .join(Member, col(Member.id) == col(Purchase.member_id))
        .join(LineUser, col(LineUser.line_user_id) == col(Purchase.staff_user_id), isouter=True)
        .join(LedgerEntry, earn, isouter=True)
        .where(col(Purchase.id).in_(purchase_ids))
    ).all()
    return {
        purchase.id: Entry(
            purchase_id=purchase.id,
            occurred_at=purchase.occurred_at,
            staff_user_id=purchase.staff_user_id or "",
            cashier=staff.display_name if staff is not None else None,
            phone=member.phone,
            member_code=member.code,
            satang=purchase.amount_satang,
            points=earned.points if earned is not None else 0,
            entry_id=earned.id if earned is not None else None,
            voided=purchase.voided_at is not None,
        )
        for purchase, member, staff, earned in rows
        if purchase.id is not None
    }
