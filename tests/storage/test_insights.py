"""Every figure of `stats`, pinned on a small shop whose numbers were worked out by hand.

The shop (Bangkok time, 25 baht a point), October 2026 is the period, September before it:

| member | joined | LINE | purchases (baht, day) |
| --- | --- | --- | --- |
| A | 15 Aug | 15 Aug | 500 (20 Aug), 300 (10 Sep), 200 (5 Oct), 400 (20 Oct) |
| B | 1 Sep | never | 1000 (5 Sep), 600 (10 Oct, by the till's API key) |
| C | 3 Oct | 3 Oct | 250 (3 Oct), 900 (4 Oct, voided) |
| D | 25 Oct | 2 Nov | none |
| E | 20 Sep | 20 Sep | 100 (21 Sep) |
| F | 5 Nov | never | 700 (6 Nov) |

A redeems Cake (50 points) on 21 Oct, used on 22 Oct. B redeems Coffee (30) on 6 Sep and
11 Oct, and 2 of B's points expire on 31 Oct. C's 250 is refunded on 28 Oct (10 points
back). E is erased on 15 Oct (4 points forfeited).

Coffee costs the shop 45 baht, Cake 60 baht.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from storage import (
    clock,
    coupons,
    insight_series,
    insights,
    ledger,
    members,
    periods,
    privacy,
)
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, LineUser, Member, Refund, Reward, RewardCost
from tests.support import factories

BANGKOK = ZoneInfo("Asia/Bangkok")
STAFF = "Ustaff0000000000000000000000000001"


def at(month: int, day: int, hour: int = 12) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=BANGKOK)


def join(engine: Engine, when: datetime, line_at: datetime | None = None) -> int:
    clock.freeze(when)
    with transaction(engine) as session:
        member = factories.member(session)
        if line_at is not None:
            user = members.upsert_line_user(session, line_user_id=f"U{member.id:032d}")
            members.link(session, user, member)
            user.registered_at = line_at
        return member.id  # type: ignore[return-value]


def buy(engine: Engine, member_id: int, when: datetime, baht: int, staff: str = STAFF) -> int:
    clock.freeze(when)
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        award = ledger.award_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            amount_satang=baht * 100,
            baht_per_point=25,
            staff_user_id=staff,
            idempotency_key=f"buy:{member_id}:{when.isoformat()}",
            occurred_at=when,
        )
        return award.entry.id  # type: ignore[return-value]


def redeem(engine: Engine, member_id: int, reward_id: int, when: datetime) -> str:
    clock.freeze(when)
    with transaction(engine) as session:
        coupon = coupons.redeem(
            session,
            member_id=member_id,
            reward_id=reward_id,
            actor="test",
            idempotency_key=f"redeem:{member_id}:{when.isoformat()}",
            tz=BANGKOK,
        )
        return coupon.code


def post(engine: Engine, member_id: int, when: datetime, kind: EntryKind, points: int) -> None:
    clock.freeze(when)
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=kind,
            points=points,
            actor="test",
            idempotency_key=f"{kind}:{member_id}:{when.isoformat()}",
        )


@pytest.fixture
def shop(engine: Engine) -> dict[str, int]:
    """The shop of the module docstring, built through the real storage functions."""
    with transaction(engine) as session:
        coffee = factories.reward(session, name_th="กาแฟ", name_en="Coffee", points_cost=30)
        cake = factories.reward(session, name_th="เค้ก", name_en="Cake", points_cost=50)
        session.add(RewardCost(reward_id=coffee.id, cost_satang=4500))  # type: ignore[arg-type]
        session.add(RewardCost(reward_id=cake.id, cost_satang=6000))  # type: ignore[arg-type]
    a = join(engine, at(8, 15), line_at=at(8, 15))
    b = join(engine, at(9, 1))
    e = join(engine, at(9, 20), line_at=at(9, 20))
    c = join(engine, at(10, 3), line_at=at(10, 3))
    d = join(engine, at(10, 25), line_at=at(11, 2))
    buy(engine, a, at(8, 20), 500)
    buy(engine, b, at(9, 5), 1000)
    redeem(engine, b, coffee.id, at(9, 6))  # type: ignore[arg-type]
    buy(engine, a, at(9, 10), 300)
    buy(engine, e, at(9, 21), 100)
    refunded_sale = buy(engine, c, at(10, 3), 250)
    voided = buy(engine, c, at(10, 4), 900)
    with transaction(engine) as session:
        ledger.void_entry(session, entry_id=voided, actor=STAFF, may_void_any=True)
    buy(engine, a, at(10, 5), 200)
    buy(engine, b, at(10, 10), 600, staff="api:till-1")
    redeem(engine, b, coffee.id, at(10, 11))  # type: ignore[arg-type]
    clock.freeze(at(10, 15))
    with transaction(engine) as session:
        privacy.erase(session, session.get(LineUser, f"U{e:032d}"))  # type: ignore[arg-type]
    buy(engine, a, at(10, 20), 400)
    cake_code = redeem(engine, a, cake.id, at(10, 21))  # type: ignore[arg-type]
    clock.freeze(at(10, 22))
    with transaction(engine) as session:
        coupons.use_coupon(session, code=cake_code, staff_user_id=STAFF)
    clock.freeze(at(10, 28))
    with transaction(engine) as session:
        sale = session.get(LedgerEntry, refunded_sale)
        assert sale is not None and sale.purchase_id is not None
        session.add(
            Refund(purchase_id=sale.purchase_id, amount_satang=25000, points_reversed=10, actor="t")
        )
    post(engine, c, at(10, 28), EntryKind.REFUND, -10)
    post(engine, b, at(10, 31), EntryKind.EXPIRE, -2)
    f = join(engine, at(11, 5))
    buy(engine, f, at(11, 6), 700)
    clock.reset()
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def october(engine: Engine) -> insights.Figures:
    with transaction(engine) as session:
        return insights.figures(session, periods.month_period(2026, 10, BANGKOK))


def test_members_total_new_and_how_they_joined(shop: dict[str, int], engine: Engine) -> None:
    got = october(engine)
    # A, B, C, D; E was erased on 15 Oct, F joined in November
    assert got.members_total == 4
    assert got.members_new == 2  # C and D
    assert got.members_line == 2  # A and C; D linked LINE only on 2 Nov
    assert got.members_counter_only == 2


def test_buyers_purchases_sales_and_repeat_rate(shop: dict[str, int], engine: Engine) -> None:
    got = october(engine)
    assert (got.buyers, got.purchases, got.sales_satang) == (3, 4, 145_000)
    assert got.repeat_buyers == 1  # A bought twice
    assert got.repeat_rate == pytest.approx(1 / 3)


def test_retention_is_e_minus_n_over_s(shop: dict[str, int], engine: Engine) -> None:
    got = october(engine)
    assert got.first_time_buyers == 1  # C
    assert got.previous_buyers == 3  # A, B and E bought in September
    assert got.retention_rate == pytest.approx((3 - 1) / 3)


def test_order_value_frequency_lifespan_and_lifetime_value(
    shop: dict[str, int], engine: Engine
) -> None:
    got = october(engine)
    assert got.aov_satang == pytest.approx(36_250)
    assert got.frequency == pytest.approx(4 / 3)
    # spans in days over October's 31: A 61, B 35, C 0 -> 1, E 0 -> 1
    assert got.lifespan_periods == pytest.approx((61 / 31 + 35 / 31 + 1 + 1) / 4)
    assert got.clv_satang == pytest.approx(36_250 * 4 / 3 * 79 / 62)


def test_points_issued_redeemed_expired_refunded_and_outstanding(
    shop: dict[str, int], engine: Engine
) -> None:
    got = october(engine)
    # earned 8+16 (A) + 24 (B) + 10+36 (C), less the voided 36
    assert got.points == {
        "issued": 58,
        "redeemed": 80,
        "expired": 2,
        "refunded": 10,
        "adjusted": -4,
    }
    assert got.outstanding == 8  # A 6, B 2
    with transaction(engine) as session:
        before = insights.outstanding(session, periods.month_period(2026, 10, BANGKOK).start)
    assert before == 46
    assert before + 58 - 80 - 2 - 10 - 4 == got.outstanding


def test_liability_at_the_cost_of_rewards(shop: dict[str, int], engine: Engine) -> None:
    got = october(engine)
    # three coupons (coffee, coffee, cake): 150 baht for 110 points
    assert got.point_value_satang == pytest.approx(15_000 / 110)
    assert got.liability_satang == pytest.approx(8 * 15_000 / 110)


def test_coupons_top_rewards_staff_and_refunds(shop: dict[str, int], engine: Engine) -> None:
    got = october(engine)
    assert (got.coupons_issued, got.coupons_used) == (2, 1)
    assert got.coupon_rate == pytest.approx(0.5)
    assert got.top_rewards == [("กาแฟ", "Coffee", 1, 30), ("เค้ก", "Cake", 1, 50)]
    assert got.by_staff == [(STAFF, 3, 85_000), ("api:till-1", 1, 60_000)]
    assert got.refunds_satang == 25_000


def test_gift_coupons_are_counted_apart(shop: dict[str, int], engine: Engine) -> None:
    """A broadcast gift of cake, used: not a redemption, not a top reward, no points."""
    clock.freeze(at(10, 12))
    with transaction(engine) as session:
        cake = session.get(Reward, 2)
        assert cake is not None and cake.name_en == "Cake"
        gift = coupons.grant_coupon(
            session, member_id=shop["d"], reward_id=2, actor="campaign:1",
            idempotency_key="campaign:1:4", tz=BANGKOK,
        )  # fmt: skip
        assert gift is not None
        coupons.use_coupon(session, code=gift.code, staff_user_id=STAFF)
    clock.reset()
    got = october(engine)
    assert (got.coupons_issued, got.coupons_used) == (2, 1)
    assert (got.gifts_given, got.gifts_used) == (1, 1)
    assert got.top_rewards == [("กาแฟ", "Coffee", 1, 30), ("เค้ก", "Cake", 1, 50)]
    assert got.points["redeemed"] == 80
    assert got.point_value_satang == pytest.approx(15_000 / 110)  # the gift cost no points


def test_months_for_the_charts(shop: dict[str, int], engine: Engine) -> None:
    period = periods.month_period(2026, 10, BANGKOK)
    months = periods.months_up_to(period, BANGKOK, 3)
    with transaction(engine) as session:
        rows, cohorts = insight_series.series(session, months)
    assert [(r.label, r.members, r.new, r.buyers, r.issued, r.redeemed) for r in rows] == [
        ("2026-08", 1, 1, 1, 20, 0),
        ("2026-09", 3, 2, 3, 56, 30),
        ("2026-10", 4, 2, 3, 58, 80),
    ]
    assert [(c.label, c.active) for c in cohorts] == [
        ("2026-08", [1, 1, 1]),
        ("2026-09", [2, 1]),
        ("2026-10", [1]),
    ]
    assert cohorts[1].share(1) == pytest.approx(0.5)


def test_periods_in_the_shops_time_zone() -> None:
    october = periods.month_period(2026, 10, BANGKOK)
    assert october.start == datetime(2026, 9, 30, 17, tzinfo=ZoneInfo("UTC"))
    assert october.length.days == 31
    assert october.previous.label == "" and october.previous.start == at(9, 1, 0)
    january = periods.month_period(2027, 1, BANGKOK)
    assert january.previous_start == at(12, 1, 0)
    ninety = periods.last_days(90, datetime(2026, 10, 31).date(), BANGKOK)
    assert ninety.length.days == 90 and ninety.end == at(11, 1, 0)
    assert [m.label for m in periods.months_up_to(october, BANGKOK, 3)] == [
        "2026-08",
        "2026-09",
        "2026-10",
    ]


def test_an_empty_shop_has_no_rates(engine: Engine) -> None:
    got = october(engine)
    assert got.buyers == 0 and got.repeat_rate is None and got.retention_rate is None
    assert got.aov_satang is None and got.clv_satang is None and got.liability_satang is None
