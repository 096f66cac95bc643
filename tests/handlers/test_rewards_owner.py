"""The owner's catalogue: add through a dialog (kept in the database), edit, pause, list."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from PIL import Image

from bot.jobs.schedule import make_jobs
from bot.services import build
from bot.settings import Settings
from bot.web.app import create_app
from storage import clock, rewards
from storage.db import transaction
from storage.models import Dialog, Reward, Role
from tests.handlers.reward_helpers import add_reward, fetch, send_image
from tests.support.line import Line, flex_words, postbacks, texts


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 120, 60)).save(out, format="JPEG")
    return out.getvalue()


def saved_rewards(line: Line) -> list[Reward]:
    with transaction(line.engine) as session:
        return rewards.list_rewards(session, active_only=False)


def test_owner_adds_a_reward_step_by_step(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    assert "ชื่อของรางวัล" in line.ask(owner, "เพิ่มรางวัล")
    assert "ภาษาอังกฤษ" in line.ask(owner, "น้ำส้มคั้น  ใส่น้ำผึ้ง")
    assert "กี่แต้ม" in line.ask(owner, "Iced Oat Latte")
    assert "ตัวเลข" in line.ask(owner, "ร้อยยี่สิบ")
    assert "กี่ชิ้น" in line.ask(owner, "๑๒๐")
    assert "กี่วัน" in line.ask(owner, "ไม่จำกัด")
    assert "ตัวเลข 1 ถึง 3650" in line.ask(owner, "0")
    assert "คนละกี่ครั้ง" in line.ask(owner, "30")
    assert "ส่งรูป" in line.ask(owner, "1")
    assert "ยังไม่ได้รับรูป" in line.ask(owner, "รูปอยู่ไหน")
    summary = texts(send_image(line, owner, photo()))[0]
    assert "น้ำส้มคั้น ใส่น้ำผึ้ง" in summary and "120" in summary and "ไม่จำกัด" in summary
    assert saved_rewards(line) == []
    answer = line.say(owner, "บันทึก")
    assert "บันทึกรางวัล #" in answer[0]["text"] and answer[1]["type"] == "flex"
    [reward] = saved_rewards(line)
    assert (reward.name_th, reward.name_en, reward.points_cost) == (
        "น้ำส้มคั้น ใส่น้ำผึ้ง",
        "Iced Oat Latte",
        120,
    )
    assert (reward.stock, reward.valid_days, reward.limit_per_member) == (None, 30, 1)
    picture = Image.open(io.BytesIO(fetch(line, answer[1]["contents"]["hero"]["url"])))
    assert picture.format == "JPEG" and max(picture.size) == 1024


def _start_dialog(line: Line, owner: Any) -> None:
    line.say(owner, "reward add")
    line.say(owner, "เค้กส้ม")
    line.say(owner, "skip")


def test_the_dialog_survives_a_restart(line: Line, settings: Settings) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    _start_dialog(line, owner)
    services = build(settings, line.engine)
    line.client = create_app(jobs=make_jobs(services, immediate=True)).test_client()
    try:
        assert "กี่ชิ้น" in line.ask(owner, "200")
    finally:
        services.line.close()
    with transaction(line.engine) as session:
        dialog = session.get(Dialog, owner.user_id)
        assert dialog is not None and dialog.data["points_cost"] == 200


def test_the_dialog_is_forgotten_after_ten_quiet_minutes(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    _start_dialog(line, owner)
    clock.advance(timedelta(minutes=9))
    assert "กี่ชิ้น" in line.ask(owner, "200")
    clock.advance(timedelta(minutes=11))
    assert "ไม่เข้าใจ" in line.ask(owner, "10")
    assert saved_rewards(line) == []


def test_cancel_leaves_the_dialog(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    _start_dialog(line, owner)
    assert "ยกเลิกแล้ว" in line.ask(owner, "ยกเลิก")
    assert "ไม่เข้าใจ" in line.ask(owner, "200")


def test_only_the_owner_manages_rewards(line: Line) -> None:
    reward = add_reward(line)
    cashier = line.user("Cashier", role=Role.STAFF)
    for command in ("เพิ่มรางวัล", f"แก้ไขรางวัล {reward}", f"พักรางวัล {reward}", "รายการรางวัล"):
        assert "เฉพาะเจ้าของร้าน" in line.ask(cashier, command)
    assert "เฉพาะเจ้าของร้าน" in texts(line.tap(cashier, "action=reward_field&field=stock"))[0]


def test_owner_edits_one_field(line: Line) -> None:
    reward = add_reward(line, stock=3)
    owner = line.user("Owner", role=Role.OWNER)
    question = line.say(owner, f"แก้ไขรางวัล {reward}")[0]
    fields = [i["action"]["data"] for i in question["quickReply"]["items"][:-1]]
    assert len(fields) == 7
    assert "กี่ชิ้น" in texts(line.tap(owner, "action=reward_field&field=stock"))[0]
    assert "แก้ไขรางวัล" in line.ask(owner, "20")
    assert saved_rewards(line)[0].stock == 20
    assert "หมายเลข" in line.ask(owner, "reward edit 999")


def test_pause_hides_a_reward_and_resume_brings_it_back(line: Line) -> None:
    reward = add_reward(line, name_th="ลาเต้เย็น")
    owner = line.user("Owner", role=Role.OWNER)
    assert "พักรางวัล" in line.ask(owner, f"reward pause #{reward}")
    assert "ยังไม่มีของรางวัล" in line.ask(owner, "รางวัล")
    listing = line.ask(owner, "รายการรางวัล")
    assert f"#{reward} ลาเต้เย็น" in listing and "พักไว้" in listing
    assert "อีกครั้ง" in line.ask(owner, f"เปิดรางวัล {reward}")
    assert line.say(owner, "รางวัล")[1]["type"] == "flex"


def test_the_list_cards_edit_pause_and_resume_by_taps(line: Line) -> None:
    reward = add_reward(line, name_th="ลาเต้เย็น", stock=3)
    owner = line.user("Owner", role=Role.OWNER)
    listing = line.say(owner, "รายการรางวัล")
    assert [m["type"] for m in listing] == ["text", "flex"]
    assert f"#{reward} ลาเต้เย็น" in flex_words(listing)
    paused = line.tap(owner, postbacks(listing)["พักรางวัล"])
    assert "พักรางวัล" in texts(paused)[0]
    assert not saved_rewards(line)[0].active
    again = line.say(owner, "รายการรางวัล")
    assert "⏸ พักไว้" in flex_words(again)
    line.tap(owner, postbacks(again)["เปิดรางวัล"])
    assert saved_rewards(line)[0].active
    fields = line.tap(owner, postbacks(again)["แก้ไข"])
    assert len(fields[0]["quickReply"]["items"]) == 8
    line.tap(owner, "action=reward_field&field=stock")
    line.say(owner, "20")
    assert saved_rewards(line)[0].stock == 20


def test_reward_card_taps_are_checked(line: Line) -> None:
    reward = add_reward(line)
    owner = line.user("Owner", role=Role.OWNER)
    cashier = line.user("Cashier", role=Role.STAFF)
    assert "เฉพาะเจ้าของร้าน" in line.ask_tap(cashier, f"action=reward_active&reward={reward}&on=0")
    assert "เฉพาะเจ้าของร้าน" in line.ask_tap(cashier, f"action=reward_edit_tap&reward={reward}")
    assert "ไม่พบรางวัล" in line.ask_tap(owner, "action=reward_active&reward=999&on=0")
    assert "ไม่พบรางวัล" in line.ask_tap(owner, f"action=reward_active&reward={reward}&on=2")
    assert "ไม่พบรางวัล" in line.ask_tap(owner, "action=reward_edit_tap&reward=x")
    assert saved_rewards(line)[0].active


def test_more_than_a_carousel_of_rewards_pages(line: Line) -> None:
    for n in range(14):
        add_reward(line, name_th=f"รางวัล {n}")
    owner = line.user("Owner", role=Role.OWNER)
    first = line.say(owner, "รายการรางวัล")[1]["contents"]["contents"]
    assert len(first) == 12
    more = postbacks([first[-1]])["ดูเพิ่มเติม"]
    rest = line.tap(owner, more)[0]["contents"]["contents"]
    assert len(rest) == 3


def test_number_questions_offer_the_usual_numbers(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    named = line.say(owner, "เพิ่มรางวัล")[-1]
    ideas = [i["action"]["text"] for i in named["quickReply"]["items"]]
    assert ideas == ["เครื่องดื่มฟรี 1 ที่", "ขนมฟรี 1 ชิ้น", "ส่วนลด 50 บาท", "ยกเลิก"]
    line.say(owner, "ลาเต้เย็น")
    asked = line.say(owner, "ข้าม")[-1]
    offered = [i["action"]["text"] for i in asked["quickReply"]["items"]]
    assert offered[:5] == ["20", "50", "100", "200", "500"]
    stock = line.say(owner, offered[1])[-1]
    assert [i["action"]["text"] for i in stock["quickReply"]["items"]][:2] == ["ไม่จำกัด", "10"]
