"""The figures kept at night (storage/figure_snapshots.py): a tally over the purchases before
a cut plus the purchases since must give what counting every purchase gives, and a tally
stops being used as soon as a purchase already in the past changes."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.jobs.tasks import count_figures, move_figures
from handlers.insights import kept_periods
from storage import (
    buyer_figures,
    clock,
    erasure,
    figure_snapshots,
    insight_series,
    insights,
    ledger,
    members,
    periods,
    purchase_summary,
    purchases_import,
)
from storage.db import reading, transaction
from storage.models import EntryKind, FigureSnapshot, LedgerEntry, LineUser, Member, Purchase
from storage.periods import Period
from tests.support.factories import sale
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 6, 10, 4, tzinfo=UTC)  # 11:00 in Bangkok
MIDNIGHT = datetime(2026, 6, 10, tzinfo=BANGKOK)


def the_periods() -> list[Period]:
    """What the worker keeps at NOW: this month, May, the last 90 days, 2026."""
    return kept_periods(NOW, BANGKOK)[0]


def the_months() -> list[Period]:
    return kept_periods(NOW, BANGKOK)[1]


def write_purchases(engine: Engine, rng: random.Random, first: datetime, last: datetime) -> None:
    """Purchases by 12 members between `first` and `last` (some voided), written as rows
    with an entry each (written when the purchase happened, or later), their members'
    balances and summaries counted after."""
    with transaction(engine) as session:
        if not session.exec(select(Member.id)).first():
            for n in range(12):  # joined a month apart from March 2025, one erased
                member = members.create_member(session, phone=f"+6681{n:07d}")
                member.created_at = datetime(2025, 3, 1, tzinfo=UTC) + timedelta(days=31 * n)
                member.erased_at = datetime(2026, 3, 9, tzinfo=UTC) if n == 5 else None
        ids = list(session.exec(select(Member.id)).all())
        seconds = int((last - first).total_seconds())
        for _ in range(rng.randint(5, 40)):
            when = first + timedelta(seconds=rng.randrange(max(seconds, 1)))
            member = session.get_one(Member, rng.choice(ids[: rng.choice((3, 12))]))
            purchase = Purchase(
                member_id=member.id,  # type: ignore[arg-type]
                amount_satang=rng.choice((5_000, 12_000, 45_000)),
                occurred_at=when,
                voided_at=when if rng.random() < 0.1 else None,
            )
            session.add(purchase)
            session.flush()
            written = min(last, when + timedelta(hours=rng.choice((0, 0, 30))))
            points = purchase.amount_satang // 2_500
            session.add(
                LedgerEntry(
                    member_id=member.id,  # type: ignore[arg-type]
                    kind=rng.choice((EntryKind.EARN, EntryKind.EARN, EntryKind.ADJUST)),
                    points=points,
                    actor="test",
                    idempotency_key=f"entry:{purchase.id}",
                    created_at=written,
                )
            )
            member.points += points
        session.flush()
        purchase_summary.recount(session)


def keep_all(engine: Engine, cut: datetime) -> None:
    count_figures(engine, BANGKOK, NOW, cut)


def move_all(engine: Engine, to: datetime) -> None:
    """The hourly step: every kept tally moved on to the cut `to`."""
    assert move_figures(engine, BANGKOK, NOW, to) == 5


def answers(engine: Engine) -> tuple[list[insights.Figures], Any]:
    """Every figure of the periods kept at night, and the charts' months."""
    with Session(engine) as session:
        got = [insights.figures(session, period) for period in the_periods()]
        return got, insight_series.series(session, the_months())


def assert_kept_adds_up(engine: Engine, cut: datetime, used: bool | None = True) -> None:
    """Every figure from the kept tallies equals the figure counted from every purchase
    (`used`: whether every period's tally holds; None: some may, some not)."""
    with Session(engine) as session:
        for period in the_periods():
            key = buyer_figures._key(period)
            assert used is None or (figure_snapshots.kept(session, key) is not None) == used
    kept, kept_series = answers(engine)
    with transaction(engine) as session:
        figure_snapshots.forget(session)
    counted, counted_series = answers(engine)
    for got, want in zip(kept, counted, strict=True):
        assert got.lifespan_periods == pytest.approx(want.lifespan_periods)
        got.lifespan_periods = want.lifespan_periods
        assert got == want, got.period.label
    assert kept_series == counted_series
    keep_all(engine, cut)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "cut",
    [MIDNIGHT, datetime(2026, 6, 1, tzinfo=BANGKOK), NOW - timedelta(hours=2)],
    ids=["midnight", "month start", "two hours ago"],
)
def test_a_kept_tally_plus_the_purchases_since_is_the_whole_count(
    engine: Engine, seed: int, cut: datetime
) -> None:
    rng = random.Random(seed)
    clock.freeze(NOW)
    write_purchases(engine, rng, datetime(2025, 3, 1, tzinfo=UTC), cut)
    keep_all(engine, cut)
    assert_kept_adds_up(engine, cut)
    later = cut + (NOW - cut) / 2
    write_purchases(engine, rng, cut, later)
    write_purchases(engine, rng, later, NOW)  # after the new cut: not moved into the tally
    move_all(engine, later)
    assert_kept_adds_up(engine, later)
    write_purchases(engine, rng, later, datetime(2026, 7, 3, tzinfo=UTC))  # after the month
    assert_kept_adds_up(engine, later)


def test_the_figures_from_kept_tallies_are_those_of_every_purchase(engine: Engine) -> None:
    """The hand-checked case: a member's first purchase after the cut, a member back after
    the cut who had bought in the month before it, a lapsed one, and a void after the cut."""
    clock.freeze(NOW)
    with transaction(engine) as session:
        new, back, twice, lapsed = (
            members.create_member(session, phone=f"+668100000{n}").id for n in range(4)
        )

    keys = iter(range(100))

    def buy(member_id: int | None, at: datetime, satang: int = 10_000) -> int:
        return sale(engine, member_id, satang, f"buy:{next(keys)}", at)  # type: ignore[arg-type]

    buy(back, datetime(2026, 5, 20, tzinfo=BANGKOK))
    buy(back, datetime(2026, 6, 2, tzinfo=BANGKOK))
    buy(twice, datetime(2026, 6, 3, tzinfo=BANGKOK))
    buy(lapsed, datetime(2025, 12, 1, tzinfo=BANGKOK))
    keep_all(engine, MIDNIGHT)
    buy(new, NOW)
    buy(new, NOW, 20_000)
    buy(back, NOW)
    voided = buy(twice, NOW)
    with transaction(engine) as session:  # a void after the cut: counted as it is
        ledger.void_entry(session, entry_id=voided, actor="Ustaff", may_void_any=True)
    with Session(engine) as session:
        june = periods.month_of(NOW, BANGKOK)
        assert figure_snapshots.kept(session, buyer_figures._key(june)) is None
    keep_all(engine, MIDNIGHT)  # the night's count again, after the void
    buy(twice, NOW, 30_000)
    assert_kept_adds_up(engine, MIDNIGHT)
    with Session(engine) as session:
        got = buyer_figures.buyers_in(session, periods.month_of(NOW, BANGKOK))
        rows, cohorts = insight_series.series(session, the_months())
    assert (got.buyers, got.purchases, got.sales_satang) == (3, 6, 90_000)
    assert (got.repeat_buyers, got.previous_buyers, got.first_time_buyers) == (3, 1, 2)
    assert [row.buyers for row in rows[-2:]] == [1, 3]
    assert cohorts[-2].active == [1, 1] and cohorts[-1].active == [2]


def test_a_purchase_in_the_past_stops_the_kept_tallies(engine: Engine) -> None:
    clock.freeze(NOW)
    with transaction(engine) as session:
        member = members.create_member(session, phone="+66812345678")
    month = periods.month_of(NOW, BANGKOK)
    key = buyer_figures._key(month)

    def still_kept() -> bool:
        with Session(engine) as session:
            return figure_snapshots.kept(session, key) is not None

    def sell(at: datetime, key: str) -> int:
        return sale(engine, member.id, 10_000, key, at)  # type: ignore[arg-type]

    keep_all(engine, MIDNIGHT)
    assert still_kept()
    sell(NOW - figure_snapshots.BACKDATED + timedelta(seconds=1), "now")  # as it happens
    sell(NOW, "now again")
    assert still_kept()
    sell(NOW - figure_snapshots.BACKDATED - timedelta(seconds=1), "dated back")
    assert not still_kept()
    keep_all(engine, MIDNIGHT)
    with transaction(engine) as session:
        ledger.void_entry(session, entry_id=sell(NOW, "void me"), actor="U", may_void_any=True)
    assert not still_kept()
    keep_all(engine, MIDNIGHT)
    body = "phone,customer_ref,occurred_at,amount,ref\n0812345678,,2026-06-10T10:55:00,5,X-1\n"
    options = purchases_import.Options(tz=BANGKOK, file_key="f", award_points=True)
    purchases_import.import_purchases(engine, io.StringIO(body), options)
    assert not still_kept()
    assert_kept_adds_up(engine, MIDNIGHT, used=None)


def test_a_tally_cut_after_now_or_before_the_period_is_not_used(engine: Engine) -> None:
    clock.freeze(NOW)
    write_purchases(engine, random.Random(1), datetime(2026, 1, 1, tzinfo=UTC), NOW)
    month = periods.month_of(NOW, BANGKOK)
    with transaction(engine) as session:
        figure_snapshots.keep(
            session, [buyer_figures.tally_buyers(session, month, NOW + timedelta(minutes=1))]
        )
    with Session(engine) as session:
        assert figure_snapshots.kept(session, buyer_figures._key(month)) is None
    with transaction(engine) as session:
        too_early = month.start - timedelta(days=1)
        figure_snapshots.keep(session, [buyer_figures.tally_buyers(session, month, too_early)])
    with Session(engine) as session:
        assert (
            buyer_figures.buyers_in(session, month)
            == buyer_figures.tally(session, month, month.end).figures()
        )


def test_a_change_committed_while_counting_leaves_the_tally_stale(engine: Engine) -> None:
    """Another transaction may change the past while the night counts (on SQLite too: the
    count takes no write lock): the tally is kept as stale, not as current."""
    clock.freeze(NOW)

    def count_while_an_import_commits() -> dict[str, Any]:
        with transaction(engine) as other:
            figure_snapshots.history_changed(other)
        return {"points": []}

    with reading(engine) as session:
        tally = figure_snapshots.counted(session, "test", MIDNIGHT, count_while_an_import_commits)
    with transaction(engine) as session:
        figure_snapshots.keep(session, [tally])
    with Session(engine) as session:
        assert figure_snapshots.kept(session, "test") is None
        assert figure_snapshots.dropped(session)


def test_the_nights_count_keeps_no_write_lock(engine: Engine, monkeypatch: Any) -> None:
    """A cashier's award while the night counts is written at once (on SQLite the count
    once held the write lock, up to 20 s at ten million purchases, and this award would
    have waited out the 30 s busy timeout and failed); with it the kept tallies add up."""
    clock.freeze(NOW)
    write_purchases(engine, random.Random(3), datetime(2025, 6, 1, tzinfo=UTC), NOW)
    real_tally, awarded = buyer_figures.tally, []

    def tally_while_a_cashier_awards(*args: Any) -> Any:
        if not awarded:
            with Session(engine) as session:
                member_id = session.exec(select(Member.id)).first()
            awarded.append(sale(engine, member_id, 45_000, "during-the-count", NOW))  # type: ignore[arg-type]
        return real_tally(*args)

    monkeypatch.setattr(buyer_figures, "tally", tally_while_a_cashier_awards)
    keep_all(engine, MIDNIGHT)
    monkeypatch.undo()
    assert awarded
    assert_kept_adds_up(engine, MIDNIGHT)


def test_one_of_several_workers_holds_the_count(engine: Engine) -> None:
    """The hourly job runs in every worker at once: one counts, the others let it be."""
    clock.freeze(NOW)

    def ask() -> bool:
        with transaction(engine) as session:
            return figure_snapshots.hold_count(session)

    assert sorted(run_together([ask] * 4)) == [False, False, False, True]
    assert not ask()
    clock.freeze(NOW + figure_snapshots.COUNTING + timedelta(seconds=1))
    assert ask()  # the worker holding it died: the hold has run out
    with transaction(engine) as session:
        figure_snapshots.let_go(session)
    assert ask()


def a_cashier_who_sold_to_themselves(engine: Engine) -> str:
    """A member whose LINE account also awarded their own purchase; their LINE id."""
    line_id = "U" + "e" * 32
    with transaction(engine) as session:
        user = members.upsert_line_user(session, line_user_id=line_id)
        member = members.create_member(session, phone="+66812345670")
        members.link(session, user, member)
        ledger.award_purchase(
            session,
            member=member,
            amount_satang=10_000,
            baht_per_point=25,
            staff_user_id=line_id,
            idempotency_key="own sale",
            tz=BANGKOK,
            occurred_at=MIDNIGHT - timedelta(hours=2),
        )
    return line_id


def test_erasing_a_member_drops_the_kept_tallies(engine: Engine) -> None:
    """A former cashier who sold to themselves, then erased: no tally keeps their LINE id,
    and sales by staff show them as erased, as counting from the purchases does."""
    clock.freeze(NOW)
    line_id = a_cashier_who_sold_to_themselves(engine)
    keep_all(engine, MIDNIGHT)
    with transaction(engine) as session:
        erasure.erase(session, session.get_one(LineUser, line_id))
    with Session(engine) as session:
        assert session.exec(select(FigureSnapshot)).all() == []
        june = periods.month_of(NOW, BANGKOK)
        assert buyer_figures.sales_by_staff(session, june) == [("erased", 1, 10_000)]


def test_an_erasure_while_the_night_counts_leaves_no_tally_naming_the_member(
    engine: Engine, monkeypatch: Any
) -> None:
    """The count reads first and keeps after: a tally counted before an erasure that
    committed in between is kept without its figures (it only says a count is due)."""
    clock.freeze(NOW)
    line_id = a_cashier_who_sold_to_themselves(engine)
    real_sold, erased = buyer_figures._sold, []

    def sold_then_erased(*args: Any) -> Any:
        found = real_sold(*args)
        if not erased:
            with transaction(engine) as session:
                erasure.erase(session, session.get_one(LineUser, line_id))
            erased.append(line_id)
        return found

    monkeypatch.setattr(buyer_figures, "_sold", sold_then_erased)
    keep_all(engine, MIDNIGHT)
    monkeypatch.undo()
    with Session(engine) as session:
        kept = session.exec(select(FigureSnapshot)).all()
        assert erased and kept
        assert not [t.key for t in kept if line_id in json.dumps(t.value)]
        assert figure_snapshots.dropped(session)  # the next hourly run counts again
    assert_kept_adds_up(engine, MIDNIGHT, used=None)
