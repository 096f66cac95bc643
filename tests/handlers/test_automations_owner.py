"""The owner switches and tunes the automations from the chat and sees what they did."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import automation_settings
from storage.models import AutomationSetting, Role
from tests.handlers.reward_helpers import add_reward
from tests.support.line import Line


def _config(engine: Engine, name: str) -> automation_settings.Config:
    with Session(engine) as session:
        return automation_settings.config(session, name)


def test_the_list_shows_every_automation_its_settings_and_the_month(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    answer = line.ask(owner, "ระบบอัตโนมัติ")
    for title in ("ของขวัญต้อนรับ", "ขอบคุณหลังซื้อ", "ชวนลูกค้ากลับมา", "วันเกิด", "แต้มหมดอายุ"):
        assert title in answer
    for title in ("ระดับสมาชิก", "ชวนเพื่อน", "แจ้งเตือนลูกค้าดีที่หายไป", "ข้อจำกัด"):
        assert title in answer
    assert "[days]: 45" in answer and "[gold_x]: x1.5" in answer and "[quiet_from]: 21" in answer
    assert "30 วัน: ส่ง 0 · ใช้คูปอง 0 · ให้แต้ม 0" in answer
    assert "เดือนนี้: 0 ข้อความ" in answer
    assert len(answer) < 5000


def test_switch_and_tune_in_english_or_thai(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    line.ask(owner, "language en")
    assert "Switched off." in line.ask(owner, "automation winback off")
    assert _config(engine, "winback").enabled is False
    assert "Saved." in line.ask(owner, "automation winback days 60")
    assert _config(engine, "winback")["days"] == 60
    line.ask(owner, "language th")
    assert "เปิดแล้ว" in line.ask(owner, "ตั้งค่าอัตโนมัติ ชวนกลับ เปิด")
    assert _config(engine, "winback").enabled is True
    line.ask(owner, "automation tiers gold_x 2")
    line.ask(owner, "automation birthday when day")
    assert _config(engine, "tiers")["gold_x"] == 200
    assert _config(engine, "birthday")["when"] == "day"


def test_a_reward_becomes_the_coupon_of_an_automation(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    reward_id = add_reward(line, name_th="ขนมเค้กวันเกิด")
    answer = line.ask(owner, f"automation birthday coupon {reward_id}")
    assert f"#{reward_id} ขนมเค้กวันเกิด" in answer
    assert _config(engine, "birthday")["coupon"] == reward_id
    line.ask(owner, "automation birthday coupon none")
    assert _config(engine, "birthday")["coupon"] is None
    line.ask(owner, f"automation birthday coupon #{reward_id}")
    line.ask(owner, "ตั้งค่าอัตโนมัติ วันเกิด coupon ไม่มี")
    assert _config(engine, "birthday")["coupon"] is None


def test_bad_settings_change_nothing(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    assert "7 ถึง 730" in line.ask(owner, "automation winback days 3")
    assert "เลขรางวัล" in line.ask(owner, "automation winback coupon 99")
    assert "โกลด์ต้องมากกว่าซิลเวอร์" in line.ask(owner, "automation tiers gold 1000")
    assert "ตั้งเป็นค่านี้ไม่ได้" in line.ask(owner, "automation birthday when tomorrow")
    assert "ไม่มีค่านี้" in line.ask(owner, "automation winback colour red")
    assert "คำสั่ง" in line.ask(owner, "automation nothing off")
    assert "ไม่มีค่านี้" in line.ask(owner, "automation limits off")  # limits always apply
    with Session(engine) as session:
        assert session.get(AutomationSetting, "winback") is None
    assert _config(engine, "tiers")["gold"] == 20_000


def test_only_the_owner_may_see_or_change_automations(line: Line, engine: Engine) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    assert "เจ้าของร้าน" in line.ask(cashier, "automations")
    assert "เจ้าของร้าน" in line.ask(cashier, "automation winback off")
    assert _config(engine, "winback").enabled is True


def test_switching_expiry_back_on_gives_due_points_thirty_more_days(
    line: Line, engine: Engine
) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    line.ask(owner, "automation expiry off")
    assert "30" in line.ask(owner, "automation expiry on")
