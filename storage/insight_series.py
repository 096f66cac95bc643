"""Month-by-month numbers behind the charts: members and buyers, cohort retention, points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, func
from sqlmodel import Session, col, select

from storage import clock, codes, figure_snapshots
from storage.figure_sql import live_purchase, purchase_before
from storage.insights import moved_points
from storage.models import FigureSnapshot, LedgerEntry, MediaFile, Member, Purchase
from storage.periods import Period


@dataclass(frozen=True)
class MonthRow:
    label: str
    members: int
    new: int
    buyers: int
    issued: int
    redeemed: int


def bucket(column: Any, months: list[Period]) -> Any:
    """SQL: which of the consecutive `months` a time falls in (0, 1, ...), else -1."""
    return case(*[(column < month.end, n) for n, month in enumerate(months)], else_=-1)


def _members_by_month(
    session: Session, months: list[Period], found: figure_snapshots.Kept | None
) -> list[tuple[int, int]]:
    """(members at the month's end, new in the month) for each month: those of the months
    closed by the kept tally's cut from it (a member is created and erased now, so a closed
    month's counts never change), the others in one scan."""
    closed = [(int(total), int(new)) for total, new in found.value["members"]] if found else []
    return closed + _count_members(session, months[len(closed) :])


def _count_members(session: Session, months: list[Period]) -> list[tuple[int, int]]:
    if not months:
        return []
    created, erased = col(Member.created_at), col(Member.erased_at)
    columns = []
    for month in months:
        kept = erased.is_(None) | (erased >= month.end)
        columns.append(func.sum(case(((created < month.end) & kept, 1), else_=0)))
        joined = (created >= month.start) & (created < month.end) & kept
        columns.append(func.sum(case((joined, 1), else_=0)))
    row = session.exec(select(*columns)).one()
    counts = [int(value or 0) for value in row]
    return list(zip(counts[0::2], counts[1::2], strict=True))


def series(session: Session, months: list[Period]) -> tuple[list[MonthRow], list[Cohort]]:
    """For `months` (consecutive calendar months): each month's members at its end, new
    members, buyers, points issued and redeemed; and retention by monthly cohort (the
    buyers whose first purchase is in one of the months, added up by that month). One pass
    over the purchases serves both."""
    found = figure_snapshots.kept(session, _key(months))
    if found is not None and found.cut < months[-1].start:
        found = None
    buyers, table = _buyers_by_month(session, months, found)
    cohorts = [Cohort(months[n].label, row) for n, row in enumerate(table)]
    return _month_rows(session, months, buyers, found), cohorts


def _month_rows(
    session: Session, months: list[Period], buyers: list[int], found: figure_snapshots.Kept | None
) -> list[MonthRow]:
    kinds: dict[int, list[tuple[str, int]]] = {}
    for n, kind, total in _points_by_month(session, months, found):
        kinds.setdefault(n, []).append((kind, total))
    rows = []
    for n, (month, (total, new)) in enumerate(
        zip(months, _members_by_month(session, months, found), strict=True)
    ):
        moved = moved_points(kinds.get(n, []))
        rows.append(
            MonthRow(month.label, total, new, buyers[n], moved["issued"], moved["redeemed"])
        )
    return rows


def _points_by_month(
    session: Session, months: list[Period], found: figure_snapshots.Kept | None
) -> list[tuple[int, str, int]]:
    """(month, ledger kind, points) written in the months: kept at night plus since."""
    if found is None:
        return _points_written(session, months, months[0].start, months[-1].end)
    return _points_since(session, months, found, months[-1].end)


def _points_since(
    session: Session, months: list[Period], found: figure_snapshots.Kept, until: datetime
) -> list[tuple[int, str, int]]:
    until = min(until, months[-1].end)
    since = _points_written(session, months, found.cut, until) if found.cut < until else []
    return figure_snapshots.added_up([*found.value["points"], *since], keys=2)


def _points_written(
    session: Session, months: list[Period], start: datetime, end: datetime
) -> list[tuple[int, str, int]]:
    written = bucket(LedgerEntry.created_at, months)
    at = col(LedgerEntry.created_at)
    rows = session.exec(
        select(written, LedgerEntry.kind, func.sum(LedgerEntry.points))
        .where(at >= max(start, months[0].start), at < end)
        .group_by(written, col(LedgerEntry.kind))
    ).all()
    return [(n, kind, int(total or 0)) for n, kind, total in rows]


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


def _buyers_by_month(
    session: Session, months: list[Period], found: figure_snapshots.Kept | None
) -> tuple[list[int], list[list[int]]]:
    """(buyers in each month, the cohort table: `table[c][k]` buyers whose first purchase
    was in month c bought in month c + k): from the tally kept at night (`found`) plus the
    purchases since its cut, or, without one, from every purchase."""
    if found is None:
        return counted(session, months, months[-1].end)
    buyers, table = found.value["buyers"], found.value["table"]
    _add_since(session, months, found.cut, months[-1].end, buyers, table)
    return buyers, table


def tally_months(session: Session, months: list[Period], cut: datetime) -> FigureSnapshot:
    """The months' buyers and cohorts over the purchases before `cut`, and their points
    over the entries written before it, to keep."""
    before = min(cut, months[-1].end)

    def count() -> dict[str, Any]:
        buyers, table = counted(session, months, before)
        points = _points_written(session, months, months[0].start, before)
        closed = _count_members(session, [month for month in months if month.end <= cut])
        return {"buyers": buyers, "table": table, "points": points, "members": closed}

    return figure_snapshots.counted(session, _key(months), cut, count)


def advance_months(session: Session, months: list[Period], to: datetime) -> bool:
    """Move the months' kept buyers, cohorts and points on to the cut `to`."""

    def step(found: figure_snapshots.Kept) -> dict[str, Any]:
        buyers, table = found.value["buyers"], found.value["table"]
        _add_since(session, months, found.cut, to, buyers, table)
        points = _points_since(session, months, found, to)
        return found.value | {"buyers": buyers, "table": table, "points": points}

    return figure_snapshots.advance(session, _key(months), to, step)


def _key(months: list[Period]) -> str:
    return f"months {months[0].start.isoformat()} {months[-1].end.isoformat()} {len(months)}"


def counted(
    session: Session, months: list[Period], before: datetime
) -> tuple[list[int], list[list[int]]]:
    """`_buyers_by_month` over the live purchases before `before`, in one query.

    One pass over `ix_purchase_rfm` in its order (by member), reading the index alone: a
    row per member with a live purchase before `before`, with their first purchase and, per
    month, 1 when they bought in it; then those rows are added up by the month of the first
    purchase (-1: before the months). No join, no sort and no distinct count over the
    purchases. Limiting the pass to the months' window would make SQLite read every
    purchase of the window through the table."""
    at = col(Purchase.occurred_at)
    flags = [
        func.max(case(((at >= month.start) & (at < month.end), 1), else_=0)).label(f"m{n}")
        for n, month in enumerate(months)
    ]
    bought = (
        select(func.min(at).label("first"), *flags)
        .where(at < before, live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )
    started = case((bought.c.first < months[0].start, -1), else_=bucket(bought.c.first, months))
    buyers = [0] * len(months)
    table = [[0] * (len(months) - n) for n in range(len(months))]
    for cohort, *active in session.exec(
        select(started, *[func.sum(bought.c[f"m{n}"]) for n in range(len(months))]).group_by(
            started
        )
    ).all():
        counts = [int(count or 0) for count in active]
        buyers = [total + count for total, count in zip(buyers, counts, strict=True)]
        if cohort >= 0:
            table[cohort] = counts[cohort:]
    return buyers, table


def _add_since(
    session: Session,
    months: list[Period],
    cut: datetime,
    until: datetime,
    buyers: list[int],
    table: list[list[int]],
) -> None:
    """Add the members who bought from `cut` (in the last month) to `until` to the last
    month's column unless they had already bought in it before the cut, in the cohort of
    their first purchase (the last month's own for a first purchase after the cut)."""
    at, last = col(Purchase.occurred_at), months[-1]
    until = min(until, last.end)
    if cut >= until:
        return
    since = (
        select(col(Purchase.member_id).label("member_id"))
        .where(at >= cut, at < until, live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )
    member = since.c.member_id
    rows = session.exec(
        select(purchase_before(member, cut), purchase_before(member, cut, last.start)).select_from(
            since
        )
    ).all()
    for first, in_last_month in rows:
        if in_last_month is not None:
            continue
        buyers[-1] += 1
        cohort = len(months) - 1 if first is None else _month_index(first, months)
        if cohort >= 0:
            table[cohort][-1] += 1


def _month_index(moment: datetime, months: list[Period]) -> int:
    """Which of the months a moment falls in, -1 before the first."""
    for n, month in enumerate(months):
        if moment < month.end:
            return n if moment >= month.start else -1
    return -1


# the pictures: numbers kept when `stats` answers, drawn when LINE first fetches them
# (`bot/media.py` serves them with the segments' charts, from the same table)

CHART_KIND = "stats"
CHARTS_KEPT = timedelta(days=30)


def keep_chart(session: Session, spec: dict[str, Any]) -> str:
    """Store a chart's numbers; returns the token of its picture's URL."""
    row = MediaFile(token=codes.token(), kind=CHART_KIND, content_type="image/png", spec=spec)
    session.add(row)
    session.flush()
    return row.token


def purge_charts(session: Session) -> int:
    """Forget statistics charts older than 30 days (their links in old chats stop working)."""
    done = session.exec(  # type: ignore[call-overload]
        delete(MediaFile).where(
            col(MediaFile.kind) == CHART_KIND,
            col(MediaFile.created_at) < clock.now() - CHARTS_KEPT,
        )
    )
    return int(done.rowcount)
