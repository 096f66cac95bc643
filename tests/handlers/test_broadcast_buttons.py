"""The broadcast dialog never loses its buttons: every answer while it is open ends with the
quick replies its step accepts, and no text tells the owner to tap a button that is not there.

Walked step by step, every branch: the groups, a wrong answer at each step, photos (a good
one and one that cannot be read), the preview, test on me, coupon on and off, hold-out,
photo off, edit, send, and cancel from each step."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image
from sqlmodel import Session, select

from handlers.i18n import CATALOGS
from storage import clock
from storage.db import transaction
from storage.models import Campaign, LineUser
from tests.handlers.test_segments_broadcast import shop
from tests.support import factories
from tests.support.line import Line, texts

ACTIONS = ("qr_bc_send", "qr_bc_test", "qr_bc_edit", "qr_bc_no_photo", "qr_bc_no_holdout")
ACTIONS += ("qr_bc_no_coupon", "qr_cancel")
AUDIENCES = ("seg_everyone", "seg_new", "seg_potential_loyalist", "seg_champions")


def labels(messages: list[dict[str, Any]]) -> list[str]:
    """The quick replies LINE shows: the last message's."""
    quick = messages[-1].get("quickReply") or {"items": []}
    return [item["action"]["label"] for item in quick["items"]]


def check(messages: list[dict[str, Any]], lang: str, *wanted: str) -> list[str]:
    """The answer ends with the buttons `wanted` (catalog keys; `🎁` for coupons) and Cancel,
    and its last text names no button that is not offered; returns the labels."""
    assert messages, "the dialog answered nothing"
    words, offered = CATALOGS[lang], labels(messages)
    for key in (*wanted, "qr_cancel"):
        if key == "🎁":
            assert any(label.startswith("🎁") for label in offered), offered
        else:
            assert words[key] in offered, (key, offered)
    said = texts(messages)[-1]
    for key in ACTIONS:
        assert words[key] not in said or words[key] in offered, (words[key], said, offered)
    for key in AUDIENCES:
        for tap in ("tap ", "Tap ", "กด "):
            named = f"{tap}{words[key]}"
            assert named not in said or words[key] in offered, (named, offered)
    if "🎁" in said:
        assert any(label.startswith("🎁") for label in offered), (said, offered)
    if re.search(r"\b[Tt]ap\b|กด", said):
        assert len(offered) > 1, said
    return offered


def tap(line: Line, owner: Any, shown: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    """Tap the quick reply whose label is (or starts with) `label`."""
    quick = shown[-1]["quickReply"]["items"]
    action = next(i["action"] for i in quick if i["action"]["label"].startswith(label))
    return line.say(owner, action["text"])


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "#3366cc").save(out, format="PNG")
    return out.getvalue()


def speaks(engine: Any, owner: Any, lang: str) -> None:
    """The owner switched to `lang` (the shop's owner speaks English)."""
    with transaction(engine) as session:
        user = session.get(LineUser, owner.user_id)
        assert user is not None
        user.language = lang


def send_photo(line: Line, owner: Any, content: bytes) -> list[dict[str, Any]]:
    return line._after(owner, lambda: line.fake.send_image(owner, content))


@pytest.mark.parametrize("lang", ["en", "th"])
def test_every_step_keeps_its_buttons_to_the_end(line: Line, engine: Any, lang: str) -> None:
    owner, people = shop(line, engine)
    with transaction(engine) as session:
        factories.reward(session, name_th="เค้กฟรี", points_cost=50, name_en="Free cake", stock=9)
    speaks(engine, owner, lang)
    words = CATALOGS[lang]

    asked = line.say(owner, words["cmd_broadcast"])
    offered = check(asked, lang, "seg_everyone", "seg_new", "seg_potential_loyalist")
    assert words["seg_champions"] not in offered  # nobody to reach there: no button
    check(line.say(owner, "99"), lang, "seg_everyone", "seg_new")
    check(line.say(owner, "hello"), lang, "seg_everyone", "seg_new")
    check(send_photo(line, owner, picture()), lang, "seg_everyone", "seg_new")  # no text yet

    shown = tap(line, owner, asked, words["seg_everyone"])
    check(shown, lang)
    check(send_photo(line, owner, b"not a picture"), lang)
    check(send_photo(line, owner, picture()), lang)
    preview = line.say(owner, "Cake week!")
    check(preview, lang, "qr_bc_send", "qr_bc_test", "qr_bc_edit", "qr_bc_no_photo")
    check(preview, lang, "qr_bc_no_holdout", "🎁")

    tested = tap(line, owner, preview, words["qr_bc_test"])
    check(tested, lang, "qr_bc_send", "qr_bc_test", "qr_bc_edit", "qr_bc_no_photo")
    assert tested[0] == {"type": "text", "text": "Cake week!"}  # the copy, then the buttons
    assert tested[1]["type"] == "image"
    assert not line.fake.calls("/v2/bot/message/push")  # the copy is the answer: in order

    for wrong in ("what?", f"{words['word_holdout']} 90", f"{words['word_coupon']} 99"):
        check(line.say(owner, wrong), lang, "qr_bc_send", "qr_bc_test", "qr_bc_edit")
    check(send_photo(line, owner, b"not a picture"), lang, "qr_bc_send", "qr_bc_edit")

    clock.advance(timedelta(minutes=1))  # an owner taps fewer than 20 times a minute
    with_coupon = tap(line, owner, preview, "🎁")
    offered = check(with_coupon, lang, "qr_bc_send", "qr_bc_no_coupon")
    assert not any(label.startswith("🎁") for label in offered)
    without = tap(line, owner, with_coupon, words["qr_bc_no_coupon"])
    check(without, lang, "qr_bc_send", "🎁")
    no_holdout = tap(line, owner, without, words["qr_bc_no_holdout"])
    assert words["qr_bc_no_holdout"] not in check(no_holdout, lang, "qr_bc_send")
    no_photo = tap(line, owner, no_holdout, words["qr_bc_no_photo"])
    assert words["qr_bc_no_photo"] not in check(no_photo, lang, "qr_bc_send")

    editing = tap(line, owner, no_photo, words["qr_bc_edit"])
    check(editing, lang)
    again = line.say(owner, "Cake week, two for one!")
    check(tap(line, owner, again, words["qr_bc_test"]), lang, "qr_bc_send", "qr_bc_edit")
    sent = tap(line, owner, again, words["qr_bc_send"])
    assert "#1" in texts(sent)[0]
    with Session(engine) as session:
        campaign = session.exec(select(Campaign)).one()
    assert campaign.messages == [{"type": "text", "text": "Cake week, two for one!"}]
    assert campaign.holdout_percent == 0 and campaign.reward_id is None
    for person in people:
        assert line.fake.bot_messages(person.user_id)[-1]["text"] == "Cake week, two for one!"


def test_a_groups_button_starts_at_the_message_with_its_buttons(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine, customers=1)
    line.say(owner, "segments")
    shown = line.tap(owner, "action=broadcast&seg=new")
    check(shown, "en")
    check(line._after(owner, lambda: line.fake.send_image(owner, b"junk")), "en")


def test_a_ready_text_is_a_tap_away(line: Line, engine: Any) -> None:
    owner, people = shop(line, engine, customers=1)
    asked = line.say(owner, "broadcast")
    shown = tap(line, owner, asked, CATALOGS["en"]["seg_everyone"])
    offered = check(shown, "en", "qr_bc_ready_miss_you", "qr_bc_ready_new_menu")
    assert CATALOGS["en"]["qr_bc_ready_thank_you"] in offered
    preview = tap(line, owner, shown, CATALOGS["en"]["qr_bc_ready_miss_you"])
    tap(line, owner, preview, CATALOGS["en"]["qr_bc_send"])
    got = line.fake.bot_messages(people[0].user_id)[-1]["text"]
    assert got.startswith("We miss you at ") and "{shop}" not in got


@pytest.mark.parametrize("lang", ["en", "th"])
def test_a_buttons_label_typed_does_what_the_button_does(
    line: Line, engine: Any, lang: str
) -> None:
    owner, _ = shop(line, engine, customers=1)
    speaks(engine, owner, lang)
    words = CATALOGS[lang]
    line.say(owner, words["cmd_broadcast"])
    line.say(owner, "12")
    line.say(owner, "Cake week!")
    tested = line.say(owner, words["qr_bc_test"])
    assert tested[0] == {"type": "text", "text": "Cake week!"}
    assert "Cake week!" not in texts(line.say(owner, words["qr_bc_edit"]))


@pytest.mark.parametrize("step", ["audience", "message", "preview"])
def test_cancel_from_any_step_sends_nothing(line: Line, engine: Any, step: str) -> None:
    owner, _ = shop(line, engine, customers=1)
    shown = line.say(owner, "broadcast")
    if step != "audience":
        shown = line.say(owner, "12")
    if step == "preview":
        shown = line.say(owner, "Hello")
    answer = tap(line, owner, shown, "Cancel")
    assert "Cancelled" in texts(answer)[0]
    with Session(engine) as session:
        assert session.exec(select(Campaign)).all() == []
    assert "no broadcast being written" in line.ask(owner, "broadcast test")
