"""A simulated year (and a month) of a small shop, day by day, with the automations running.

Every day the hourly job runs at 10:00 and the frequent job at 14:00 (shop time); the
customers do their things at 11:00 or 12:00. The test then checks exactly which pushes
the automations sent, to whom and on which day, and exactly which ledger entries they
wrote: welcome points, thank-yous, a birthday delayed by the gap between offers, win-backs,
a move up to Silver and the yearly review that takes it back, a friend's invite paid to
both, expiry reminders 14 days ahead, and the points that expire.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.demo.fakeline import FakeUser
from bot.jobs import automations
from bot.jobs.queue import Jobs
from storage import clock, ledger, lots, tiers
from storage.models import LedgerEntry, LineUser, Member, OutboxMessage, Role
from tests.handlers.reward_helpers import member_of
from tests.support.line import Line

BANGKOK = ZoneInfo("Asia/Bangkok")
FIRST = date(2025, 1, 1)
DAYS = 400


def at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BANGKOK)


def join(line: Line, user: FakeUser, phone: str, offers: bool, birthday: str) -> None:
    line.tap(user, f"action=consent&choice={'all' if offers else 'service'}")
    line.say(user, phone)
    line.say(user, birthday)


def script(line: Line) -> dict[date, list[Callable[[], object]]]:
    """What the people of the shop do, day by day (at 11:00 or 12:00)."""
    owner = line.user("Dang", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    nok = line.user("Nok")
    anna = line.user("Anna", "en")
    somchai = line.user("Somchai")
    dao = line.user("Dao")
    line.people = {"nok": nok, "anna": anna, "somchai": somchai, "dao": dao, "dang": owner}  # type: ignore[attr-defined]
    plan: dict[date, list[Callable[[], object]]] = {}

    def on(day: date, *steps: Callable[[], object]) -> None:
        plan.setdefault(day, []).extend(steps)

    def award(phone: str, baht: int) -> Callable[[], object]:
        return lambda: line.award(cashier, f"award {phone} {baht}")

    on(FIRST, lambda: line.say(owner, "automation welcome points 20"))
    on(FIRST, lambda: join(line, nok, "0810000001", True, "20/3"))
    for week in range(0, 20, 2):  # every second Thursday, 10 times: 2 Jan .. 8 May
        on(date(2025, 1, 2) + timedelta(weeks=week), award("0810000001", 350))
    on(date(2025, 1, 4), lambda: join(line, anna, "0810000002", True, "skip"))
    on(date(2025, 1, 4), award("0810000002", 3000))
    on(date(2025, 1, 18), award("0810000002", 3000))
    on(date(2025, 1, 10), lambda: join(line, somchai, "0810000003", False, "5/6"))
    on(date(2025, 1, 10), award("0810000003", 500))
    on(date(2025, 2, 1), award("0810000009", 1000))  # a counter customer, not on LINE
    code = lambda: member_of(line, nok).code  # noqa: E731
    on(date(2025, 4, 1), lambda: line.say(dao, f"เพื่อนชวน {code()}"))
    on(date(2025, 4, 1), lambda: join(line, dao, "0810000004", True, "ข้าม"))
    on(date(2025, 4, 2), award("0810000004", 200))
    return plan


def run_the_year(jobs: Jobs, line: Line) -> None:
    plan = script(line)
    for offset in range(DAYS):
        day = FIRST + timedelta(days=offset)
        clock.freeze(at(day, 10))
        automations.run_hourly(jobs)
        clock.freeze(at(day, 11))
        for step in plan.get(day, []):
            step()
        clock.freeze(at(day, 14))
        automations.run_frequent(jobs)


def pushes(engine: Engine, names: dict[str, str]) -> list[tuple[str, str, str]]:
    """(shop date, who, automation) of every push the automations wrote, in order."""
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage)
            .where(col(OutboxMessage.purpose).startswith("auto:"))
            .order_by(col(OutboxMessage.id))
        ).all()
        return [
            (
                r.created_at.astimezone(BANGKOK).date().isoformat(),
                names[r.to],
                r.purpose.removeprefix("auto:"),
            )
            for r in rows
        ]


def entries(engine: Engine, names: dict[int, str]) -> list[tuple[str, str, str, int]]:
    """(shop date, who, kind, points) of every ledger entry an automation wrote."""
    with Session(engine) as session:
        rows = session.exec(
            select(LedgerEntry)
            .where(col(LedgerEntry.actor).startswith("auto:"))
            .order_by(col(LedgerEntry.id))
        ).all()
        return [
            (
                r.created_at.astimezone(BANGKOK).date().isoformat(),
                names[r.member_id],
                r.kind,
                r.points,
            )
            for r in rows
        ]


EXPECTED_PUSHES = [
    ("2025-01-02", "nok", "thankyou"),
    ("2025-01-04", "anna", "thankyou"),
    ("2025-01-16", "nok", "thankyou"),
    ("2025-01-18", "anna", "tiers"),  # Silver at 6,000 baht: congratulated at the counter
    ("2025-01-18", "anna", "thankyou"),
    ("2025-01-30", "nok", "thankyou"),
    ("2025-02-13", "nok", "thankyou"),
    ("2025-02-27", "nok", "thankyou"),
    ("2025-03-03", "nok", "birthday"),  # March, but not within 3 days of the 27 Feb thank-you
    ("2025-03-05", "anna", "winback"),  # 45 days after 18 Jan
    ("2025-03-13", "nok", "thankyou"),
    ("2025-03-27", "nok", "thankyou"),
    ("2025-04-02", "dao", "thankyou"),
    ("2025-04-02", "dao", "referral"),
    ("2025-04-02", "nok", "referral"),
    ("2025-04-10", "nok", "thankyou"),
    ("2025-04-24", "nok", "thankyou"),
    ("2025-05-08", "nok", "thankyou"),
    ("2025-05-18", "dao", "winback"),
    ("2025-06-23", "nok", "winback"),  # 45 days after 8 May (her usual gap is 14 days)
    ("2026-01-17", "nok", "expiry"),  # 14 days before 31 Jan 2026
    ("2026-01-17", "anna", "expiry"),
    ("2026-01-17", "somchai", "expiry"),  # no offers, but told about his points
]

EXPECTED_ENTRIES = [
    ("2025-01-01", "nok", "adjust", 20),  # welcome
    ("2025-01-04", "anna", "adjust", 20),
    ("2025-01-10", "somchai", "adjust", 20),
    ("2025-03-03", "nok", "birthday", 50),
    ("2025-04-01", "dao", "adjust", 20),
    ("2025-04-02", "dao", "referral", 50),
    ("2025-04-02", "nok", "referral", 50),
    ("2026-02-01", "nok", "expire", -62),  # welcome 20 + three January purchases of 14
    ("2026-02-01", "anna", "expire", -260),  # welcome 20 + 120 + 120
    ("2026-02-01", "somchai", "expire", -40),  # welcome 20 + 20
]


def test_a_year_of_automations_does_exactly_what_it_should(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    run_the_year(jobs, line)
    people: dict[str, FakeUser] = line.people  # type: ignore[attr-defined]
    by_line = {user.user_id: name for name, user in people.items()}
    anna = member_of(line, people["anna"])
    with Session(engine) as session:
        accounts = session.exec(select(LineUser).where(col(LineUser.member_id).is_not(None)))
        by_member = {a.member_id: by_line[a.line_user_id] for a in accounts.all() if a.member_id}
        counter = session.exec(select(Member).where(Member.phone == "+66810000009")).one()
        by_member[counter.id] = "counter"  # type: ignore[index]
        for member in session.exec(select(Member)).all():
            assert member.points == ledger.ledger_sum(session, member.id)  # type: ignore[arg-type]
            assert member.points == lots.remaining_total(session, member.id)  # type: ignore[arg-type]
        assert tiers.tier_of(session, anna.id) == "member"  # type: ignore[arg-type]  # review 18 Jan 2026
    assert pushes(engine, by_line) == EXPECTED_PUSHES
    assert entries(engine, by_member) == EXPECTED_ENTRIES
    summary = line.read(people["dang"], "automations")  # on 4 February 2026
    assert "30 วัน: แต้มหมดอายุ 362 แต้ม" in summary
    assert "แต้มหมดอายุ\nเปิดอยู่\n" in summary
