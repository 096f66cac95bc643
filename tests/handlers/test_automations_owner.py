"""The owner switches and tunes the automations from the chat and sees what they did."""

from __future__ import annotations

import json

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import automation_settings
from storage.models import AutomationSetting, Role
from tests.handlers.reward_helpers import add_reward
from tests.support.line import Line, flex_words, postbacks, texts


def _config(engine: Engine, name: str) -> automation_settings.Config:
    with Session(engine) as session:
        return automation_settings.config(session, name)


def test_the_carousel_shows_every_automation_its_settings_and_the_month(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    said = line.say(owner, "ระบบอัตโนมัติ")
    assert [m["type"] for m in said] == ["flex"]
    bubbles = said[0]["contents"]["contents"]
    assert len(bubbles) == 10
    answer = "\n".join(flex_words(said))
    for title in ("ของขวัญต้อนรับ", "ขอบคุณหลังซื้อ", "ชวนลูกค้ากลับมา", "วันเกิด", "แต้มหมดอายุ"):
        assert title in answer
    for title in ("ระดับสมาชิก", "ชวนเพื่อน", "แจ้งเตือนลูกค้าดีที่หายไป", "ข้อจำกัด"):
        assert title in answer
    assert "ไม่มาเกิน (วัน): 45" in answer and "แต้มโกลด์: x1.5" in answer
    assert "งดส่งตั้งแต่: 21" in answer and "เปิดอยู่" in answer
    assert "30 วัน: ส่ง 0 · ใช้คูปอง 0 · ให้แต้ม 0" in answer
    assert "เดือนนี้: 0 ข้อความ" in answer
    buttons = _buttons(bubbles)
    assert sum(1 for data in buttons if data.startswith("action=auto_switch")) == 8
    assert "action=auto_setting&name=winback&key=days" in buttons
    assert len(json.dumps(said[0]["contents"], ensure_ascii=False).encode()) < 50_000


def _buttons(node: object) -> list[str]:
    """The data of every postback button under `node`, in order."""
    if isinstance(node, list):
        return [data for item in node for data in _buttons(item)]
    if not isinstance(node, dict):
        return []
    action = node.get("action")
    own = [action["data"]] if isinstance(action, dict) and action["type"] == "postback" else []
    return own + [
        data for key, value in node.items() if key != "action" for data in _buttons(value)
    ]


def _tap(line: Line, owner: object, label: str, said: list[dict[str, object]]) -> list:
    return line.tap(owner, postbacks(said)[label])  # type: ignore[arg-type]


def test_every_setting_is_changed_by_taps(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    cards = line.say(owner, "ระบบอัตโนมัติ")
    offers = _tap(line, owner, "ไม่มาเกิน (วัน): 45", cards)
    assert "ตอนนี้ 45" in texts(offers)[0] and "ตั้งค่าอัตโนมัติ winback days" in texts(offers)[0]
    saved = _tap(line, owner, "60", offers)
    assert texts(saved) == ["บันทึกแล้วค่ะ"]
    assert "ไม่มาเกิน (วัน): 60" in flex_words(saved)
    assert _config(engine, "winback")["days"] == 60
    switched = _tap(line, owner, "ปิดใช้", saved)
    assert texts(switched) == ["ปิดแล้วค่ะ"] and "ปิดอยู่" in flex_words(switched)
    assert _config(engine, "winback").enabled is False
    _tap(line, owner, "เปิดใช้", switched)
    assert _config(engine, "winback").enabled is True
    when = _tap(line, owner, "ส่งเมื่อ: ทั้งเดือนเกิด", cards)
    _tap(line, owner, "ตรงวันเกิด", when)
    assert _config(engine, "birthday")["when"] == "day"
    times = _tap(line, owner, "แต้มโกลด์: x1.5", cards)
    _tap(line, owner, "x2", times)
    assert _config(engine, "tiers")["gold_x"] == 200


def test_a_gift_coupon_is_chosen_from_the_rewards(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    reward_id = add_reward(line, name_th="ขนมเค้กวันเกิด")
    line.say(owner, "ระบบอัตโนมัติ")
    offers = line.tap(owner, "action=auto_setting&name=welcome&key=coupon")
    labels = [item["action"]["label"] for item in offers[0]["quickReply"]["items"]]
    assert labels[:2] == ["ไม่มี", f"#{reward_id} ขนมเค้กวันเกิด"]
    saved = _tap(line, owner, f"#{reward_id} ขนมเค้กวันเกิด", offers)
    assert _config(engine, "welcome")["coupon"] == reward_id
    assert f"คูปอง: #{reward_id} ขนมเค้กวันเกิด" in flex_words(saved)
    _tap(line, owner, "ไม่มี", offers)
    assert _config(engine, "welcome")["coupon"] is None


def test_forged_or_stale_taps_change_nothing(line: Line, engine: Engine) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    assert "7 ถึง 730" in line.ask_tap(owner, "action=auto_set&name=winback&key=days&value=3")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_set&name=nothing&key=days&value=60")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_set&name=winback&key=colour&value=1")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_set&name=winback&key=days")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_switch&name=limits&on=0")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_switch&name=winback&on=maybe")
    assert "ไม่พบ" in line.ask_tap(owner, "action=auto_setting&name=winback&key=x")
    cashier = line.user("Bee", role=Role.STAFF)
    assert "เจ้าของร้าน" in line.ask_tap(cashier, "action=auto_switch&name=winback&on=0")
    assert "เจ้าของร้าน" in line.ask_tap(cashier, "action=auto_set&name=winback&key=days&value=60")
    with Session(engine) as session:
        assert session.get(AutomationSetting, "winback") is None


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
    answer = line.read(owner, f"automation birthday coupon {reward_id}")
    assert f"คูปอง: #{reward_id} ขนมเค้กวันเกิด" in answer
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
    assert "ค่าที่ตั้งได้: days, again, coupon" in line.ask(owner, "automation winback colour red")
    assert "ไม่พบระบบอัตโนมัติชื่อ nothing" in line.ask(owner, "automation nothing off")
    assert "คำสั่ง" in line.ask(owner, "automation winback")
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
    assert "30 วัน" in line.read(owner, "automation expiry on")
