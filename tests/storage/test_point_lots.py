"""Points in lots: earned together, used oldest first, expiring together, per lot on record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import automation_runs, automation_settings, clock, coupons, ledger, lots
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, LotUse, Member, PointLot
from tests.support import factories
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")
START = datetime(2025, 3, 15, 5, 0, tzinfo=UTC)  # 12:00 in Bangkok


def _member(engine: Engine) -> int:
    with transaction(engine) as session:
        return factories.member(session).id  # type: ignore[return-value]


def _post(engine: Engine, member_id: int, points: int, key: str, **extra: object) -> LedgerEntry:
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        kind = EntryKind.ADJUST if points > 0 else EntryKind.REDEEM
        return ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=extra.pop("kind", kind),  # type: ignore[arg-type]
            points=points,
            actor="test",
            idempotency_key=key,
            **extra,  # type: ignore[arg-type]
        )


def _lots(engine: Engine, member_id: int) -> list[tuple[int, int]]:
    """(points, remaining) of the member's lots, oldest first."""
    with Session(engine) as session:
        rows = session.exec(
            select(PointLot).where(PointLot.member_id == member_id).order_by(col(PointLot.id))
        ).all()
        return [(lot.points, lot.remaining) for lot in rows]


def _consistent(engine: Engine, member_id: int) -> int:
    with Session(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        assert member.points == ledger.ledger_sum(session, member_id)
        assert member.points == lots.remaining_total(session, member_id)
        return member.points


def test_points_are_used_oldest_lot_first_and_each_use_is_recorded(engine: Engine) -> None:
    clock.freeze(START)
    try:
        member_id = _member(engine)
        _post(engine, member_id, 30, "a")
        clock.advance(timedelta(days=40))
        _post(engine, member_id, 50, "b")
        spent = _post(engine, member_id, -40, "spend")
        assert _lots(engine, member_id) == [(30, 0), (50, 40)]
        with Session(engine) as session:
            uses = session.exec(select(LotUse).where(LotUse.entry_id == spent.id)).all()
        assert sorted(u.points for u in uses) == [10, 30]
        assert _consistent(engine, member_id) == 40
    finally:
        clock.reset()


def test_lots_end_at_the_end_of_the_month_twelve_months_later() -> None:
    ends = lots.expiry_for(START, 12, BANGKOK)
    assert ends == datetime(2026, 3, 31, 23, 59, 59, tzinfo=BANGKOK)
    assert lots.expiry_for(datetime(2025, 1, 31, 18, 0, tzinfo=UTC), 1, BANGKOK) == datetime(
        2025, 3, 31, 23, 59, 59, tzinfo=BANGKOK
    )  # 1 February in Bangkok
    assert lots.expiry_for(START, 0, BANGKOK) is None


def test_a_void_takes_back_the_voided_awards_own_lot(engine: Engine) -> None:
    member_id = _member(engine)
    _post(engine, member_id, 30, "old")
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        award = ledger.award_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            amount_satang=50 * 25 * 100,
            baht_per_point=25,
            staff_user_id="Ustaff",
            idempotency_key="award",
        )
        award_id = award.entry.id
    with transaction(engine) as session:
        ledger.void_entry(session, entry_id=award_id, actor="Uowner", may_void_any=True)  # type: ignore[arg-type]
    assert _lots(engine, member_id) == [(30, 30), (50, 0)]
    assert _consistent(engine, member_id) == 30


def test_expiry_is_a_ledger_entry_for_what_the_lot_still_holds_once(engine: Engine) -> None:
    clock.freeze(START)
    try:
        member_id = _member(engine)
        _post(engine, member_id, 30, "march")
        clock.advance(timedelta(days=31))
        _post(engine, member_id, 20, "april")
        _post(engine, member_id, -10, "spend")
        clock.freeze(datetime(2026, 3, 31, 17, 0, 1, tzinfo=UTC))  # 1 April 00:00:01 Bangkok
        with transaction(engine) as session:
            due = [lot.id for lot in lots.due_to_expire(session) if lot.id]
        assert len(due) == 1
        for _ in range(2):
            with transaction(engine) as session:
                automation_runs.expire_lots(session, member_id, due)
        with Session(engine) as session:
            expired = session.exec(
                select(LedgerEntry).where(LedgerEntry.kind == EntryKind.EXPIRE)
            ).all()
        assert [e.points for e in expired] == [-20]
        assert _lots(engine, member_id) == [(30, 0), (20, 20)]
        assert _consistent(engine, member_id) == 20
    finally:
        clock.reset()


def test_never_expire_when_the_owner_sets_zero_months(engine: Engine) -> None:
    member_id = _member(engine)
    with transaction(engine) as session:
        automation_settings.tune(session, "expiry", "months", 0, by="Uowner")
    _post(engine, member_id, 10, "forever")
    with Session(engine) as session:
        lot = session.exec(select(PointLot)).one()
    assert lot.expires_at is None


def test_a_cancelled_coupon_gives_points_back_to_their_lots_with_the_same_end(
    engine: Engine,
) -> None:
    clock.freeze(START)
    try:
        member_id = _member(engine)
        _post(engine, member_id, 100, "seed")
        with transaction(engine) as session:
            reward = factories.reward(session, name_th="กาแฟ", points_cost=60)
            coupon = coupons.redeem(
                session,
                member_id=member_id,
                reward_id=reward.id,  # type: ignore[arg-type]
                actor="test",
                idempotency_key="redeem",
                tz=BANGKOK,
            )
        clock.advance(timedelta(days=100))
        with transaction(engine) as session:
            coupons.cancel_coupon(
                session, tz=ZoneInfo("Asia/Bangkok"), code=coupon.code, actor="Uowner"
            )
        with Session(engine) as session:
            ends = {lot.expires_at for lot in session.exec(select(PointLot)).all()}
        assert ends == {lots.expiry_for(START, 12, BANGKOK)}
        assert _lots(engine, member_id) == [(100, 40), (60, 60)]
        assert _consistent(engine, member_id) == 100
    finally:
        clock.reset()


def test_lots_add_up_to_the_balance_when_many_spend_at_once(engine: Engine) -> None:
    member_id = _member(engine)
    for i in range(5):
        _post(engine, member_id, 10, f"seed{i}")

    def spend(i: int) -> bool:
        try:
            _post(engine, member_id, -7, f"spend{i}")
            return True
        except ledger.NotEnoughPoints:
            return False

    results = run_together([lambda i=i: spend(i) for i in range(10)])
    assert results.count(True) == 7
    assert _consistent(engine, member_id) == 1
