"""Month-by-month numbers behind the charts: members and buyers, cohort retention, points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from storage import clock, codes
from storage.insights import Period, members_at, new_members, points_by_kind, purchases_per_buyer
from storage.models import InsightChart, Purchase


@dataclass(frozen=True)
class MonthRow:
    label: str
    members: int
    new: int
    buyers: int
    issued: int
    redeemed: int


def monthly(session: Session, months: list[Period]) -> list[MonthRow]:
    """Members at each month's end, new members, buyers, points issued and redeemed."""
    rows = []
    for month in months:
        moved = points_by_kind(session, month)
        rows.append(
            MonthRow(
                label=month.label,
                members=members_at(session, month.end),
                new=new_members(session, month),
                buyers=len(purchases_per_buyer(session, month)),
                issued=moved["issued"],
                redeemed=moved["redeemed"],
            )
        )
    return rows


@dataclass(frozen=True)
class Cohort:
    """Buyers whose first purchase was in month `label`; `active[k]` of them bought in the
    k-th month after it (`active[0]` is everyone)."""

    label: str
    active: list[int]

    @property
    def size(self) -> int:
        return self.active[0] if self.active else 0

    def share(self, offset: int) -> float | None:
        if offset >= len(self.active) or not self.size:
            return None
        return self.active[offset] / self.size


def _month_index(months: list[Period], tz: tzinfo) -> dict[tuple[int, int], int]:
    return {
        (m.start.astimezone(tz).year, m.start.astimezone(tz).month): i for i, m in enumerate(months)
    }


def cohorts(session: Session, months: list[Period], tz: tzinfo) -> list[Cohort]:
    """Retention by monthly cohort over `months` (consecutive calendar months)."""
    index = _month_index(months, tz)
    start, end = months[0].start, months[-1].end

    def month_number(moment: object) -> int | None:
        local = moment.astimezone(tz)  # type: ignore[attr-defined]
        return index.get((local.year, local.month))

    first = func.min(Purchase.occurred_at)
    firsts = session.exec(
        select(Purchase.member_id, first)
        .where(col(Purchase.voided_at).is_(None))
        .group_by(col(Purchase.member_id))
        .having((first >= start) & (first < end))
    ).all()
    cohort_of = {member_id: month_number(at) for member_id, at in firsts}
    seen: set[tuple[int, int]] = set()
    for member_id, at in session.exec(
        select(Purchase.member_id, Purchase.occurred_at).where(
            col(Purchase.occurred_at) >= start,
            col(Purchase.occurred_at) < end,
            col(Purchase.voided_at).is_(None),
        )
    ).all():
        if member_id in cohort_of:
            seen.add((member_id, month_number(at)))  # type: ignore[arg-type]
    table = [[0] * (len(months) - i) for i in range(len(months))]
    for member_id, month in seen:
        cohort = cohort_of[member_id]
        assert cohort is not None
        table[cohort][month - cohort] += 1
    return [Cohort(months[i].label, row) for i, row in enumerate(table)]


# the pictures: numbers kept when `stats` answers, drawn when LINE first fetches them

CHARTS_KEPT = timedelta(days=30)


def keep_chart(session: Session, kind: str, spec: dict[str, Any]) -> str:
    """Store a chart's numbers; returns the token of its picture's URL."""
    token = codes.token()
    session.add(InsightChart(token=token, kind=kind, spec=spec))
    session.flush()
    return token


def find_chart(session: Session, token: str) -> InsightChart | None:
    return session.exec(select(InsightChart).where(InsightChart.token == token)).first()


def keep_picture(session: Session, chart: InsightChart, png: bytes) -> None:
    chart.png = png
    session.add(chart)
    session.flush()


def purge_charts(session: Session) -> int:
    """Forget charts older than 30 days (their links in old chats stop working)."""
    done = session.exec(  # type: ignore[call-overload]
        delete(InsightChart).where(col(InsightChart.created_at) < clock.now() - CHARTS_KEPT)
    )
    return int(done.rowcount)
