"""The rules of points hold whatever cashiers, customers, tills and jobs do, in any order.

A hypothesis state machine (tests/storage/ledger_machine.py) awards, voids, redeems,
uses and cancels coupons, sells and refunds through the POS API's storage calls, moves
time, expires points, changes tiers and erases members, on SQLite and on PostgreSQL;
tests/storage/ledger_rules.py says what must hold after every step. CI runs a bounded
number of runs (the `ci` profile); `HYPOTHESIS_PROFILE=soak` runs a long soak.
"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import clock, coupons, ledger, lots, privacy
from storage.db import transaction
from storage.models import Coupon, CouponStatus, LineUser, Member, id_of
from tests.storage.ledger_machine import BANGKOK, START, LedgerMachine
from tests.support import factories

BKK = ZoneInfo("Asia/Bangkok")


def test_ledger_rules_hold_in_any_interleaving(engine: Engine) -> None:
    try:
        run_state_machine_as_test(lambda: LedgerMachine(engine), settings=settings())
    finally:
        clock.reset()


# What the machine found, as plain tests.


def _erased_member_with_an_expired_coupon(engine: Engine) -> tuple[int, str]:
    """A LINE member who redeemed a coupon, let it expire (the job marked it) and was erased."""
    clock.freeze(START)
    with transaction(engine) as session:
        member = factories.member(session, phone="0812345678", line_user_id="Unok")
        ledger.award_purchase(session, tz=BKK, member=member, amount_satang=1_000_00,
                              baht_per_point=25,
                              staff_user_id="Ustaff", idempotency_key="award")  # fmt: skip
        reward = factories.reward(session, name_th="กาแฟ", points_cost=8, valid_days=2)
        coupon = coupons.redeem(session, member_id=id_of(member), reward_id=id_of(reward),
                                actor="Unok", idempotency_key="redeem:1:k", tz=BANGKOK)  # fmt: skip
    clock.advance(timedelta(days=3))
    with transaction(engine) as session:
        assert coupons.mark_expired(session) == 1
    with transaction(engine) as session:
        user = session.get(LineUser, "Unok")
        assert user is not None
        privacy.erase(session, user)
    return id_of(member), coupon.code


def test_a_coupon_that_expired_before_an_erasure_gives_no_points_back_after_it(
    engine: Engine,
) -> None:
    try:
        member_id, code = _erased_member_with_an_expired_coupon(engine)
        with transaction(engine) as session:
            result = coupons.cancel_coupon(session, tz=BKK, code=code, actor="Uowner")
        assert result.outcome == coupons.Use.CANCELLED
        with Session(engine) as session:
            member = session.get(Member, member_id)
            assert member is not None and member.points == 0
            assert ledger.ledger_sum(session, member_id) == 0
            assert lots.remaining_total(session, member_id) == 0
            coupon = session.exec(select(Coupon).where(Coupon.code == code)).one()
            assert coupon.status == CouponStatus.CANCELLED and coupon.cancelled_by == "erased"
    finally:
        clock.reset()
