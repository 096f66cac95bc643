"""The rules of rewards and coupons: points, stock and codes hold under concurrency."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from storage import clock, codes, coupons, ledger, rewards
from storage.coupons import Refusal, Use
from storage.db import transaction
from storage.models import Coupon, CouponStatus, Member, Reward
from tests.support import factories
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")


def make_member(engine: Engine, points: int, phone: str | None = None) -> int:
    with transaction(engine) as session:
        return factories.member(session, phone=phone, points=points).id  # type: ignore[return-value]


def make_reward(engine: Engine, **values: Any) -> int:
    with transaction(engine) as session:
        return factories.reward(session, **{"name_th": "กาแฟเย็น", **values}).id  # type: ignore[return-value]


def redeem(engine: Engine, member_id: int, reward_id: int, key: str) -> Coupon:
    with transaction(engine) as session:
        return coupons.redeem(
            session,
            member_id=member_id,
            reward_id=reward_id,
            actor="test",
            idempotency_key=key,
            tz=BANGKOK,
        )


def balance_matches_ledger(engine: Engine, member_id: int) -> int:
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        assert member.points == ledger.ledger_sum(session, member_id)
        assert member.points >= 0
        return member.points


def test_codes_are_short_unguessable_and_use_the_plain_alphabet(engine: Engine) -> None:
    assert coupons.CODE_LENGTH * math.log2(len(codes.ALPHABET)) >= 40
    member_id = make_member(engine, 1000)
    reward_id = make_reward(engine)
    seen = {redeem(engine, member_id, reward_id, f"k{i}").code for i in range(5)}
    assert len(seen) == 5
    for code in seen:
        assert code.startswith("C-") and len(code) == 11
        assert set(code[2:]) <= set(codes.ALPHABET)


def test_typed_codes_are_understood() -> None:
    assert coupons.normalise_code("c-7k3qx9abc") == "C-7K3QX9ABC"
    assert coupons.normalise_code("C 7K3 QX9 ABC") == "C-7K3QX9ABC"
    assert coupons.normalise_code("7K3QX9ABC") == "C-7K3QX9ABC"
    assert coupons.normalise_code("C-7K3QX9AB0") is None
    assert coupons.normalise_code("hello") is None


def test_redeem_spends_points_takes_stock_and_issues_coupon(engine: Engine) -> None:
    clock.freeze(clock.now().replace(year=2025, month=3, day=10, hour=5))
    try:
        member_id = make_member(engine, 250)
        reward_id = make_reward(engine, stock=3, valid_days=7)
        coupon = redeem(engine, member_id, reward_id, "r1")
    finally:
        clock.reset()
    with transaction(engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None and reward.stock == 2 and reward.issued == 1
    assert coupon.points == 100
    assert coupon.expires_at.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M") == "2025-03-17 23:59"
    assert balance_matches_ledger(engine, member_id) == 150


@pytest.mark.parametrize(
    ("points", "values", "reason"),
    [
        (50, {}, Refusal.NO_POINTS),
        (500, {"stock": 0}, Refusal.OUT_OF_STOCK),
    ],
)
def test_refusals_change_nothing(
    engine: Engine, points: int, values: dict[str, Any], reason: Refusal
) -> None:
    member_id = make_member(engine, points)
    reward_id = make_reward(engine, **values)
    with pytest.raises(coupons.RedeemRefused) as refused:
        redeem(engine, member_id, reward_id, "r1")
    assert refused.value.reason == reason
    assert balance_matches_ledger(engine, member_id) == points


def test_paused_and_missing_rewards_are_refused(engine: Engine) -> None:
    member_id = make_member(engine, 500)
    reward_id = make_reward(engine)
    with transaction(engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        rewards.set_active(session, reward, False)
    for target, reason in ((reward_id, Refusal.PAUSED), (9999, Refusal.NOT_FOUND)):
        with pytest.raises(coupons.RedeemRefused) as refused:
            redeem(engine, member_id, target, f"r{target}")
        assert refused.value.reason == reason
    assert balance_matches_ledger(engine, member_id) == 500


def test_limit_per_member(engine: Engine) -> None:
    member_id = make_member(engine, 1000)
    reward_id = make_reward(engine, limit_per_member=2)
    redeem(engine, member_id, reward_id, "a")
    redeem(engine, member_id, reward_id, "b")
    with pytest.raises(coupons.RedeemRefused) as refused:
        redeem(engine, member_id, reward_id, "c")
    assert refused.value.reason == Refusal.LIMIT
    assert balance_matches_ledger(engine, member_id) == 800


def test_twenty_members_racing_for_the_last_unit_get_one_coupon(engine: Engine) -> None:
    reward_id = make_reward(engine, stock=1)
    people = [make_member(engine, 100) for _ in range(20)]
    results = run_together(
        [lambda m=m: redeem(engine, m, reward_id, f"race:{m}") for m in people]  # type: ignore[misc]
    )
    issued = [r for r in results if isinstance(r, Coupon)]
    refused = [r for r in results if isinstance(r, coupons.RedeemRefused)]
    assert len(issued) == 1, results
    assert len(refused) == 19 and {r.reason for r in refused} == {Refusal.OUT_OF_STOCK}
    with transaction(engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None and reward.stock == 0 and reward.issued == 1
    spent = [m for m in people if balance_matches_ledger(engine, m) == 0]
    assert spent == [issued[0].member_id]


def test_double_tap_with_points_for_one_gets_one_coupon(engine: Engine) -> None:
    member_id = make_member(engine, 150)
    reward_id = make_reward(engine)
    results = run_together([lambda k=k: redeem(engine, member_id, reward_id, k) for k in "ab"])  # type: ignore[misc]
    assert sorted(type(r).__name__ for r in results) == ["Coupon", "RedeemRefused"], results
    assert balance_matches_ledger(engine, member_id) == 50


def test_same_confirmation_twice_at_once_is_one_redemption(engine: Engine) -> None:
    member_id = make_member(engine, 1000)
    reward_id = make_reward(engine)
    results = run_together([lambda: redeem(engine, member_id, reward_id, "same")] * 2)
    assert all(isinstance(r, Coupon) for r in results), results
    assert results[0].code == results[1].code
    assert balance_matches_ledger(engine, member_id) == 900


def use(engine: Engine, code: str, staff: str = "Ustaff") -> coupons.UseResult:
    with transaction(engine) as session:
        return coupons.use_coupon(session, code=code, staff_user_id=staff)


def test_ten_cashiers_scanning_one_code_use_it_once(engine: Engine) -> None:
    member_id = make_member(engine, 100)
    coupon = redeem(engine, member_id, make_reward(engine), "r")
    results = run_together([lambda i=i: use(engine, coupon.code, f"U{i}") for i in range(10)])  # type: ignore[misc]
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count(Use.USED_NOW) == 1, results
    assert outcomes.count(Use.ALREADY_USED) == 9
    winner = next(r for r in results if r.outcome == Use.USED_NOW)
    assert all(r.coupon.used_by == winner.coupon.used_by for r in results)


def test_use_answers_expired_unknown_and_used(engine: Engine) -> None:
    member_id = make_member(engine, 300)
    reward_id = make_reward(engine, valid_days=1)
    old = redeem(engine, member_id, reward_id, "old")
    fresh = redeem(engine, member_id, reward_id, "fresh")
    assert use(engine, "C-222222222").outcome == Use.UNKNOWN
    assert use(engine, fresh.code).outcome == Use.USED_NOW
    assert use(engine, fresh.code).outcome == Use.ALREADY_USED
    clock.advance(timedelta(days=3))
    try:
        assert use(engine, old.code).outcome == Use.EXPIRED
        with transaction(engine) as session:
            assert coupons.mark_expired(session) == 1
            assert coupons.mark_expired(session) == 0
        assert use(engine, old.code).outcome == Use.EXPIRED
    finally:
        clock.reset()


def test_expiry_is_checked_at_use_without_the_daily_job(engine: Engine) -> None:
    member_id = make_member(engine, 100)
    coupon = redeem(engine, member_id, make_reward(engine, valid_days=1), "r")
    clock.advance(timedelta(days=2, hours=1))
    try:
        result = use(engine, coupon.code)
    finally:
        clock.reset()
    assert result.outcome == Use.EXPIRED
    assert result.coupon is not None and result.coupon.status == CouponStatus.ACTIVE


def test_cancel_gives_points_and_stock_back_once(engine: Engine) -> None:
    member_id = make_member(engine, 100)
    reward_id = make_reward(engine, stock=1)
    coupon = redeem(engine, member_id, reward_id, "r")
    with transaction(engine) as session:
        assert coupons.cancel_coupon(
            session, tz=ZoneInfo("Asia/Bangkok"), code=coupon.code, actor="Uowner"
        ).outcome == (Use.CANCELLED)
        again = coupons.cancel_coupon(
            session, tz=ZoneInfo("Asia/Bangkok"), code=coupon.code, actor="Uowner"
        )
        assert again.outcome == Use.CANCELLED and again.member is None
    assert balance_matches_ledger(engine, member_id) == 100
    with transaction(engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None and reward.stock == 1 and reward.issued == 0
    assert use(engine, coupon.code).outcome == Use.CANCELLED


def test_a_used_coupon_cannot_be_cancelled(engine: Engine) -> None:
    member_id = make_member(engine, 100)
    coupon = redeem(engine, member_id, make_reward(engine), "r")
    use(engine, coupon.code)
    with transaction(engine) as session:
        assert coupons.cancel_coupon(
            session, tz=ZoneInfo("Asia/Bangkok"), code=coupon.code, actor="Uowner"
        ).outcome == (Use.ALREADY_USED)
    assert balance_matches_ledger(engine, member_id) == 0


def test_lists_live_coupons_newest_first_and_the_rest_on_request(engine: Engine) -> None:
    member_id = make_member(engine, 1000)
    reward_id = make_reward(engine, valid_days=1)
    first = redeem(engine, member_id, reward_id, "1")
    clock.advance(timedelta(minutes=1))
    second = redeem(engine, member_id, reward_id, "2")
    clock.advance(timedelta(minutes=1))
    third = redeem(engine, member_id, reward_id, "3")
    use(engine, second.code)
    try:
        with transaction(engine) as session:
            live = [c.code for c, _ in coupons.live_coupons(session, member_id)]
            assert live == [third.code, first.code]
            assert coupons.count_live_coupons(session, member_id) == 2
            assert [c.code for c, _ in coupons.past_coupons(session, member_id)] == [second.code]
        clock.advance(timedelta(days=3))
        with transaction(engine) as session:
            assert coupons.live_coupons(session, member_id) == []
            past = [c.code for c, _ in coupons.past_coupons(session, member_id)]
            assert past == [third.code, second.code, first.code]
    finally:
        clock.reset()
