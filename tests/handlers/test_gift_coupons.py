"""A gift coupon (broadcast, automation) is shown as a gift and leaves the points alone."""

from __future__ import annotations

import io
import json
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from sqlmodel import select

from handlers.campaign_coupons import RewardCoupons
from handlers.coupon_views import coupon_face
from handlers.router import Shop
from storage import coupons, ledger
from storage.db import transaction
from storage.models import Coupon, LedgerEntry, Member, Reward
from tests.handlers.reward_helpers import add_reward, fetch, member_of
from tests.support import factories
from tests.support.line import Line


def give(line: Line, member: Member, reward_id: int) -> Coupon:
    with transaction(line.engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        return factories.coupon(session, member=member, reward=reward, gift=True)


def entries(line: Line) -> int:
    with transaction(line.engine) as session:
        return len(session.exec(select(LedgerEntry)).all())


def card_text(shown: list[dict[str, Any]]) -> str:
    return json.dumps(shown[1], ensure_ascii=False)


def test_a_gift_shows_as_a_gift_in_thai_and_english(line: Line) -> None:
    reward_id = add_reward(line, name_th="เค้กส้ม", name_en="Orange cake", points_cost=80)
    nok = line.user("Nok")
    line.register(nok)
    before = entries(line)
    give(line, member_of(line, nok), reward_id)
    assert entries(line) == before  # no "+0" line in the points history
    thai = card_text(line.say(nok, "คูปอง"))
    assert "คูปองของขวัญ" in thai and "ฟรี ไม่ใช้แต้ม" in thai and "แต้มที่ใช้" not in thai
    assert "+0" not in line.ask(nok, "แต้ม")
    anna = line.user("Anna", "en")
    line.register(anna, "0812345679")
    give(line, member_of(line, anna), reward_id)
    english = card_text(line.say(anna, "coupons"))
    assert "Gift coupon" in english and "free, no points used" in english
    assert "Points used" not in english


def test_the_gift_picture_says_gift(line: Line) -> None:
    reward_id = add_reward(line, name_th="เค้กส้ม", name_en="Orange cake", points_cost=80)
    nok = line.user("Nok")
    line.register(nok)
    gift = give(line, member_of(line, nok), reward_id)
    with transaction(line.engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        bangkok = ZoneInfo("Asia/Bangkok")
        shop = Shop("ร้านกาแฟ", "@shop", "https://loyalty.test", 25, bangkok, RewardCoupons(bangkok))
        face = coupon_face(shop, gift, reward)
    assert face.title == "คูปองของขวัญ · GIFT COUPON"
    assert face.points_text == "ของขวัญ · Gift"
    picture = fetch(line, f"https://loyalty.test/media/coupon/{gift.image_token}.png")
    assert Image.open(io.BytesIO(picture)).size[0] > 0


def test_cancelling_a_gift_puts_it_back_in_stock_and_writes_no_ledger_line(line: Line) -> None:
    reward_id = add_reward(line, name_th="เค้กส้ม", points_cost=80, stock=5)
    nok = line.user("Nok")
    line.register(nok)
    gift = give(line, member_of(line, nok), reward_id)
    before = entries(line)
    with transaction(line.engine) as session:
        result = coupons.cancel_coupon(
            session, code=gift.code, actor="Ustaff", tz=ZoneInfo("Asia/Bangkok")
        )
        assert result.outcome == coupons.Use.CANCELLED
        reward = session.get(Reward, reward_id)
        assert reward is not None and reward.stock == 5
    assert entries(line) == before
    member = member_of(line, nok)
    with transaction(line.engine) as session:
        assert member.points == ledger.ledger_sum(session, member.id) == 0  # type: ignore[arg-type]


def test_the_same_gift_key_twice_gives_one_coupon(line: Line) -> None:
    reward_id = add_reward(line, name_th="เค้กส้ม", points_cost=80, stock=5)
    nok = line.user("Nok")
    line.register(nok)
    member = member_of(line, nok)
    with transaction(line.engine) as session:
        reward = session.get(Reward, reward_id)
        assert reward is not None
        first = factories.coupon(session, member=member, reward=reward, key="k1", gift=True)
        again = factories.coupon(session, member=member, reward=reward, key="k1", gift=True)
        assert first.id == again.id and session.get(Reward, reward_id).stock == 4  # type: ignore[union-attr]
