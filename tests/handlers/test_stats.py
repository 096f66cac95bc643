"""The owner's numbers in the chat: `stats` with its charts, formulas, the Monday summary
switch and reward costs."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PIL import Image
from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeUser
from storage import clock
from storage.db import transaction
from storage.models import RewardCost, Role
from tests.support import factories
from tests.support.line import Line, texts

NOW = datetime(2026, 10, 20, 5, tzinfo=UTC)  # noon in Bangkok


@pytest.fixture
def owner(line: Line) -> Iterator[FakeUser]:
    clock.freeze(NOW)
    boss = line.user("Boss", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    for n, amount in enumerate((500, 250, 100)):
        customer = line.user(f"c{n}")
        line.register(customer, f"08123456{70 + n}")
        line.say(cashier, f"award 08123456{70 + n} {amount}")
    yield boss
    clock.reset()


def test_only_the_owner_sees_stats(line: Line, owner: FakeUser) -> None:
    cashier = line.user("Someone", role=Role.STAFF)
    assert "เจ้าของร้าน" in line.ask(cashier, "สถิติ")


def test_stats_of_this_month_with_three_charts(line: Line, owner: FakeUser) -> None:
    shown = line.say(owner, "สถิติ")
    body = texts(shown)[0]
    assert "สถิติ ต.ค. 2569" in body
    assert "สมาชิก 3 คน (ใหม่ 3)" in body and "ใน LINE 3" in body
    assert "ลูกค้าที่ซื้อ 3 คน · 3 บิล · ยอดขาย ฿850.00" in body
    assert "Bee: 3 บิล ฿850.00" in body
    assert "แต้มที่ให้ 34" in body
    images = [m for m in shown if m["type"] == "image"]
    assert len(images) == 3
    for message in images:
        url = message["originalContentUrl"]
        assert url.startswith("https://loyalty.test/media/chart/") and url.endswith(".png")
        picture = line.client.get(url.removeprefix("https://loyalty.test"))
        assert picture.status_code == 200 and picture.mimetype == "image/png"
        assert Image.open(io.BytesIO(picture.data)).size[0] == 1200
        assert len(picture.data) < 1_000_000  # LINE's limit for a preview
        again = line.client.get(url.removeprefix("https://loyalty.test"))
        assert again.data == picture.data
    assert line.client.get("/media/chart/nope.png").status_code == 404


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("stats 2026-09", "สถิติ ก.ย. 2569"),
        ("สถิติ 2569-09", "สถิติ ก.ย. 2569"),
        ("stats 90d", "90 วันล่าสุด (23 ก.ค. 2569 – 20 ต.ค. 2569)"),
        ("สถิติ 7 วัน", "7 วันล่าสุด"),
    ],
)
def test_periods(line: Line, owner: FakeUser, typed: str, title: str) -> None:
    assert title in texts(line.say(owner, typed))[0]


@pytest.mark.parametrize("typed", ["stats 2026-13", "stats 999d", "stats yesterday"])
def test_a_period_not_understood_gets_the_usage(line: Line, owner: FakeUser, typed: str) -> None:
    shown = line.say(owner, typed)
    assert len(shown) == 1 and "สถิติ 90d" in texts(shown)[0]


def test_formulas_are_stated(line: Line, owner: FakeUser) -> None:
    answer = line.ask(owner, "stats formulas")
    assert "(E − N) ÷ S" in answer and "ยอดต่อบิล × ซื้อเฉลี่ย × อายุลูกค้า" in answer


def test_english_owner(line: Line, owner: FakeUser) -> None:
    line.say(owner, "language en")
    body = texts(line.say(owner, "stats"))[0]
    assert "Stats Oct 2026" in body and "Members 3 (3 new)" in body
    assert "Retention = (E − N) ÷ S" in line.ask(owner, "stats formulas")


def test_weekly_summary_switch(line: Line, owner: FakeUser) -> None:
    assert "เปิด" in line.ask(owner, "สรุปรายสัปดาห์")
    assert "ปิดสรุปรายสัปดาห์แล้ว" in line.ask(owner, "weekly summary off")
    assert "ตอนนี้: ปิด" in line.ask(owner, "สรุปรายสัปดาห์")
    assert "เปิดสรุปรายสัปดาห์แล้ว" in line.ask(owner, "สรุปรายสัปดาห์ เปิด")


def test_reward_cost_values_outstanding_points(line: Line, owner: FakeUser, engine: Engine) -> None:
    assert "ตั้งต้นทุนรางวัล" in texts(line.say(owner, "stats"))[0]
    with transaction(engine) as session:
        reward = factories.reward(session, name_th="กาแฟ", points_cost=20)
    assert "ต้นทุนรางวัล" in line.ask(owner, "reward cost x 45")
    assert "฿45.00" in line.ask(owner, f"ต้นทุนรางวัล {reward.id} 45")
    with transaction(engine) as session:
        assert session.get(RewardCost, reward.id).cost_satang == 4500  # type: ignore[union-attr]
    # 34 points outstanding at 45 baht per 20 points
    assert "แต้มคงค้าง 34 แต้ม ≈ ฿76.50" in texts(line.say(owner, "stats"))[0]


def test_help_lists_the_new_commands(line: Line, owner: FakeUser) -> None:
    answer = line.ask(owner, "help")
    assert "ข้อมูลของฉัน" in answer and "สถิติ 90d" in answer and "บันทึกการใช้งาน" in answer
