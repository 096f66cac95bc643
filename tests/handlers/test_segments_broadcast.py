"""The owner's story: see the customer groups, tap one, broadcast to it, read the report."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from PIL import Image
from sqlmodel import Session, select

from handlers.views.messages import postback_data
from storage import clock, purchase_summary
from storage.db import transaction
from storage.models import Campaign, OutboxMessage, Purchase, Role
from tests.support import factories
from tests.support.line import Line, texts

BANGKOK_NOON = "2025-06-30T05:00:00+00:00"


def shop(line: Line, engine: Any, customers: int = 3) -> tuple[Any, list[Any]]:
    """An owner and registered customers who accepted offers and bought: customer 0 today,
    customer 1 ten days ago, customer 2 three times, last forty days ago; each an hour
    before now, so a broadcast sent now comes after them."""
    owner = line.user("Owner", "en", role=Role.OWNER)
    people = []
    for n in range(customers):
        person = line.user(f"Customer {n}")
        line.register(person, f"08123456{n:02d}")
        people.append(person)
    history = {1: [0], 2: [10], 3: [40, 50, 60]}
    with transaction(engine) as session:
        for member_id in range(1, customers + 1):
            for days in history[member_id]:
                at = clock.now() - timedelta(days=days, hours=1)
                session.add(Purchase(member_id=member_id, amount_satang=25000, occurred_at=at))
        purchase_summary.recount(session)
    return owner, people


def flex_of(messages: list[dict[str, Any]]) -> dict[str, Any]:
    return next(m for m in messages if m["type"] == "flex")


def test_segments_chart_and_summary_then_tap_a_group(line: Line, engine: Any, client: Any) -> None:
    owner, _ = shop(line, engine)
    shown = line.say(owner, "segments")  # a small shop: scored in the request, at once
    picture = next(m for m in shown if m["type"] == "image")
    url = picture["originalContentUrl"]
    assert url.startswith("https://loyalty.test/media/chart/") and url.endswith(".png")
    response = client.get(url.removeprefix("https://loyalty.test"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(io.BytesIO(response.data)).size[0] == 1200
    summary = flex_of(shown)
    rows = summary["contents"]["body"]["contents"]
    assert len(rows) == 11
    counts = {r["contents"][0]["text"]: r["contents"][1]["text"] for r in rows}
    # three customers: small-shop thresholds, not ranks (0 and 10 days, 1 purchase: new;
    # 40 days, 3 purchases: R 4, F 3)
    assert counts["New customers"] == "2" and counts["Potential loyalists"] == "1"
    assert counts["Hibernating"] == "0"
    potential = next(r for r in rows if r["contents"][0]["text"] == "Potential loyalists")
    assert potential["contents"][2]["text"] == "33.3%"
    detail = flex_of(line.tap(owner, potential["action"]["data"]))
    lines = [c["text"] for c in detail["contents"]["body"]["contents"]]
    assert "Members: 1 (33.3% of all)" in lines
    assert "Spend: ฿750 in total, ฿750 per member" in lines
    assert "On LINE and accepting offers: 1" in lines
    assert any(line.startswith("Suggested: Give double points") for line in lines)
    button = detail["contents"]["footer"]["contents"][0]["action"]
    assert button["data"] == "action=broadcast&seg=potential_loyalist"


def test_customers_and_staff_cannot_see_segments_or_broadcast(line: Line, engine: Any) -> None:
    _, people = shop(line, engine, customers=1)
    cashier = line.user("Bee", role=Role.STAFF)
    for who in (people[0], cashier):
        assert "เจ้าของร้าน" in line.ask(who, "กลุ่มลูกค้า")
        assert "เจ้าของร้าน" in line.ask(who, "broadcast")
        assert "เจ้าของร้าน" in texts(line.tap(who, postback_data("broadcast", seg="new")))[0]


def test_broadcast_dialog_preview_test_send_and_report(line: Line, engine: Any) -> None:
    owner, people = shop(line, engine)
    line.say(owner, "segments")
    line.fake.consumed = 1200
    asked = line.ask(owner, "broadcast")
    assert "1. Champions · 0" in asked and "4. New customers · 2" in asked
    assert "12. Everyone · 3" in asked
    assert "To: Potential loyalists, New customers" in line.ask(owner, "3 4")
    shown = line.say(owner, "Free cake with any coffee this week!")
    assert shown[0]["text"].startswith("Preview: customers will get the next 1 message")
    assert shown[1] == {"type": "text", "text": "Free cake with any coffee this week!"}
    summary = shown[-1]["text"]
    assert "Accept offers and still follow the shop: 3" in summary
    assert "Held out, get nothing (10%, to compare): 0" in summary
    assert "Will receive it: 3" in summary
    assert "This month 1,200 of 15,000 used, 13,800 left" in summary
    tested = line.say(owner, "broadcast test")  # the copy comes as the answer, then the buttons
    assert tested[0] == {"type": "text", "text": "Free cake with any coffee this week!"}
    assert "nobody else got it" in tested[-1]["text"]
    answer = line.ask(owner, "send")
    assert "Broadcast #1 is on its way to about 3 people" in answer
    for person in people:
        assert line.fake.bot_messages(person.user_id)[-1] == shown[1]
    finished = texts(line.fake.bot_messages(owner.user_id))[-1]
    assert "Broadcast #1 finished. Sent: 3" in finished
    clock.advance(timedelta(days=15))
    report = line.ask(owner, "campaign report 1")
    assert "Broadcast #1 (done)" in report and "Sent: 3" in report
    assert "recipients 0.0% (0 of 3)" in report
    listed = line.say(owner, "campaigns")
    assert "#1" in texts(listed)[0]
    tapped = {i["action"]["label"]: i["action"]["text"] for i in listed[0]["quickReply"]["items"]}
    assert "Sent: 3" in line.ask(owner, tapped["Report #1"])


def test_broadcast_to_a_tapped_group_with_a_photo_and_no_hold_out(
    line: Line, engine: Any, client: Any
) -> None:
    owner, people = shop(line, engine, customers=2)
    line.say(owner, "segments")
    line.tap(owner, postback_data("broadcast", seg="everyone"))
    picture = io.BytesIO()
    Image.new("RGB", (1600, 900), "#ff8800").save(picture, format="PNG")
    added = line._after(owner, lambda: line.fake.send_image(owner, picture.getvalue()))
    assert "Photo added" in texts(added)[0]
    shown = line.say(owner, "Orange week")
    photo = shown[2]
    assert photo["type"] == "image" and photo["originalContentUrl"].endswith(".jpg")
    served = client.get(photo["originalContentUrl"].removeprefix("https://loyalty.test"))
    assert served.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(served.data)).size == (1024, 576)
    line.say(owner, "holdout 0")
    line.say(owner, "send")
    for person in people:
        assert line.fake.bot_messages(person.user_id)[-2:] == shown[1:3]
    with Session(engine) as session:
        campaign = session.exec(select(Campaign)).one()
    assert campaign.audience == ["everyone"] and campaign.holdout_percent == 0
    assert campaign.messages == shown[1:3]


def test_cancel_leaves_the_broadcast_and_sends_nothing(line: Line, engine: Any) -> None:
    owner, people = shop(line, engine, customers=1)
    line.say(owner, "broadcast")
    line.say(owner, "12")
    line.say(owner, "Hello")
    assert "Cancelled" in line.ask(owner, "cancel")
    assert "no broadcast being written" in line.ask(owner, "broadcast test")
    with Session(engine) as session:
        assert session.exec(select(Campaign)).all() == []
        assert (
            session.exec(select(OutboxMessage).where(OutboxMessage.to == owner.user_id)).all() == []
        )
    assert not line.fake.calls("/v2/bot/message/multicast")


def test_bad_input_in_the_dialog_changes_nothing(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine, customers=1)
    line.say(owner, "broadcast")
    assert "numbers of the groups" in line.ask(owner, "99")
    assert "numbers of the groups" in line.ask(owner, "hello")
    line.say(owner, "12")
    line.say(owner, "Hi")
    assert "at most 50%" in line.ask(owner, "holdout 90")
    assert "Tap Send" in line.ask(owner, "what?")
    assert "no broadcast #42" in line.ask(owner, "campaign report 42").lower()
    assert "campaign report <number>" in line.ask(owner, "campaign report x")


def test_broadcast_with_a_coupon_gives_each_recipient_one(line: Line, engine: Any) -> None:
    from storage.models import Coupon

    owner, people = shop(line, engine)
    with transaction(engine) as session:
        factories.reward(session, name_th="เค้กฟรี", points_cost=50, name_en="Free cake", stock=10)
    line.say(owner, "segments")
    line.say(owner, "broadcast")
    line.say(owner, "12")
    line.say(owner, "A treat from us")
    assert "Free cake" in line.ask(owner, "coupon 1")
    line.say(owner, "holdout 0")
    line.say(owner, "send")
    with Session(engine) as session:
        given = session.exec(select(Coupon)).all()
    assert sorted(c.member_id for c in given) == [1, 2, 3]
    for person in people:
        assert "Free cake" in line.fake.bot_messages(person.user_id)[-1]["text"]
        listed = line.say(person, "คูปอง")
        assert any(m["type"] == "flex" for m in listed)
    cashier = line.user("Bee", role=Role.STAFF)
    line.say(cashier, f"redeem {given[0].code}")
    report = line.ask(owner, "campaign report 1")
    assert "Coupons used: 1" in report
    assert "13. Holding an unused coupon · 2" in line.ask(owner, "broadcast")
