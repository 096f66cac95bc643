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
        ("สถิติ 2569", "สถิติ ปี 2569"),
        ("stats 2025", "สถิติ ปี 2568"),
    ],
)
def test_periods(line: Line, owner: FakeUser, typed: str, title: str) -> None:
    assert title in texts(line.say(owner, typed))[0]


@pytest.mark.parametrize(
    "typed", ["stats 2026-13", "stats 999d", "stats yesterday", "stats 1999", "stats 3000"]
)
def test_a_period_not_understood_gets_the_usage(line: Line, owner: FakeUser, typed: str) -> None:
    shown = line.say(owner, typed)
    assert len(shown) == 1 and "สถิติ 90d" in texts(shown)[0]


def test_figures_in_plain_words_with_a_reason_where_data_is_short(
    line: Line, owner: FakeUser
) -> None:
    body = texts(line.say(owner, "สถิติ"))[0]
    assert "ลูกค้าที่ซื้อมากกว่า 1 ครั้ง: 0.0%" in body
    assert "ลูกค้าเก่าที่กลับมาซื้อ: — ช่วงก่อนหน้ายังไม่มีการซื้อ" in body
    assert "ลูกค้ามาซื้อต่อเนื่องนานแค่ไหน: — ข้อมูลยังน้อย" in body
    assert "คูปอง: — ช่วงนี้ยังไม่มีการแลกคูปอง" in body
    assert "((" not in body and "/ 0" not in body and "–" not in body and "ช่วง\n" not in body
    empty = texts(line.say(owner, "สถิติ 2569-01"))[0]
    assert "ยอดเฉลี่ยต่อบิล: — ยังไม่มีการซื้อในช่วงนี้" in empty


def test_with_history_the_figures_have_values(line: Line, owner: FakeUser) -> None:
    cashier = line.user("Bee 2", role=Role.STAFF)
    clock.freeze(datetime(2026, 9, 10, 5, tzinfo=UTC))
    line.say(cashier, "award 0812345670 300")
    clock.freeze(NOW)
    body = texts(line.say(owner, "สถิติ"))[0]
    assert "ลูกค้าเก่าที่กลับมาซื้อ: 1 คน เทียบกับ 1 คนในช่วงก่อน (100.0%)" in body
    # c0 has bought over 40 days: lifespan (40/31 + 1 + 1) / 3 periods of 31 days
    assert "ลูกค้ามาซื้อต่อเนื่องเฉลี่ยราว 34 วัน" in body and "฿310.75" in body
    line.say(owner, "language en")
    september = texts(line.say(owner, "stats 2026-09"))[0]
    assert "1 customer bought · 1 purchase · sales ฿300.00" in september
    assert "Customers who came back: — no purchases in the period before" in september


def test_quick_replies_switch_the_period(line: Line, owner: FakeUser) -> None:
    shown = line.say(owner, "สถิติ")
    assert shown[-1]["type"] == "image"  # LINE shows the last message's quick replies
    choices = {q["action"]["label"]: q["action"]["text"] for q in shown[-1]["quickReply"]["items"]}
    assert list(choices) == [
        "เดือนนี้", "เดือนที่แล้ว", "90 วันล่าสุด", "ปีนี้", "เลือกเดือน", "วิธีคำนวณ",
    ]  # fmt: skip
    titles = {
        "เดือนนี้": "📊 สถิติ ต.ค. 2569",
        "เดือนที่แล้ว": "📊 สถิติ ก.ย. 2569",
        "90 วันล่าสุด": "📊 สถิติ 90 วันล่าสุด",
        "ปีนี้": "📊 สถิติ ปี 2569",
        "วิธีคำนวณ": "วิธีคำนวณ",
    }
    for label, title in titles.items():
        assert texts(line.say(owner, choices[label]))[0].startswith(title), label
    picker = line.say(owner, choices["เลือกเดือน"])
    assert len(picker) == 1 and "สถิติ 2569-05" in texts(picker)[0]
    months = {q["action"]["label"]: q["action"]["text"] for q in picker[0]["quickReply"]["items"]}
    assert len(months) == 12 and list(months)[:2] == ["ต.ค. 2569", "ก.ย. 2569"]
    assert texts(line.say(owner, months["พ.ค. 2569"]))[0].startswith("📊 สถิติ พ.ค. 2569")
    line.say(owner, "language en")
    shown = line.say(owner, "stats")
    labels = [q["action"]["label"] for q in shown[0]["quickReply"]["items"]]
    assert labels[:4] == ["This month", "Last month", "Last 90 days", "This year"]
    assert shown[0]["quickReply"]["items"][3]["action"]["text"] == "stats 2026"


def test_formulas_are_stated(line: Line, owner: FakeUser) -> None:
    answer = line.ask(owner, "stats formulas")
    assert "(E − N) ÷ S" in answer and "ยอดเฉลี่ยต่อบิล × ลูกค้าซื้อเฉลี่ย × ระยะที่ลูกค้ามาซื้อต่อเนื่อง" in answer


def test_english_owner(line: Line, owner: FakeUser) -> None:
    line.say(owner, "language en")
    body = texts(line.say(owner, "stats"))[0]
    assert "Stats Oct 2026" in body and "Members 3 (3 new)" in body
    assert "Customers who came back = E − N, with (E − N) ÷ S" in line.ask(owner, "stats formulas")


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
