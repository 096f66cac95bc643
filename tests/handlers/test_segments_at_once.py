"""The customer groups answer at once: a small shop is scored in the request (the groups are
as of this moment, also in the broadcast picker); a bigger one gets "working on it" and the
chart, or the picker, pushed when the job has scored it. Never "type it again"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from handlers import segment_scores
from handlers.segments_ready import groups_ready
from storage import clock, members, purchase_summary
from storage.db import transaction
from storage.models import MemberScore, Purchase, Role
from tests.handlers.test_segments_broadcast import flex_of, shop
from tests.support.line import Line, texts


def counts(shown: list[dict[str, Any]]) -> dict[str, str]:
    rows = flex_of(shown)["contents"]["body"]["contents"]
    return {r["contents"][0]["text"]: r["contents"][1]["text"] for r in rows}


def buy(engine: Any, member_id: int, days_ago: int = 0) -> None:
    with transaction(engine) as session:
        at = clock.now() - timedelta(days=days_ago, minutes=5)
        session.add(Purchase(member_id=member_id, amount_satang=9000, occurred_at=at))
        purchase_summary.recount(session)


def never_again(line: Line, owner: Any) -> None:
    said = " ".join(texts(line.fake.bot_messages(owner.user_id))).lower()
    assert "again in a" not in said and "อีกครั้งในอีกสักครู่" not in said


@pytest.fixture
def big_shop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every shop counts as big: scored by the job, the answer pushed."""
    monkeypatch.setattr(segment_scores, "SCORE_IN_REQUEST_UP_TO", 0)


def test_a_small_shop_sees_its_groups_at_once_and_as_of_now(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine)
    shown = line.say(owner, "segments")
    assert [m["type"] for m in shown] == ["image", "flex"]
    assert counts(shown)["New customers"] == "2"
    clock.advance(timedelta(days=45))  # 0 and 10 days become 45 and 55: R 4, one purchase
    buy(engine, 3)  # customer 2 comes back: R 5, four purchases (F 3)
    now = counts(line.say(owner, "segments"))
    assert now["New customers"] == "0" and now["Promising"] == "2"
    assert now["Potential loyalists"] == "1"
    refreshed = line.say(owner, "segments refresh")
    assert [m["type"] for m in refreshed] == ["image", "flex"]
    assert counts(refreshed) == now
    never_again(line, owner)


def test_the_picker_shows_current_sizes_after_groups_changed(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine)
    line.say(owner, "segments")  # scored once: two new customers, one potential loyalist
    clock.advance(timedelta(days=45))
    buy(engine, 3)
    asked = line.ask(owner, "broadcast")
    assert "4. New customers · 0" in asked and "5. Promising · 2" in asked
    assert "3. Potential loyalists · 1" in asked
    assert "Group sizes as of 25 Jul 2026 11:00." in asked
    with Session(engine) as session:
        stored = {s.member_id: s.segment for s in session.exec(select(MemberScore))}
    assert stored == {1: "promising", 2: "promising", 3: "potential_loyalist"}


def test_the_picker_of_a_never_scored_shop_is_not_all_zero(line: Line, engine: Any) -> None:
    owner, _ = shop(line, engine)
    asked = line.ask(owner, "broadcast")
    assert "4. New customers · 2" in asked and "3. Potential loyalists · 1" in asked


def test_a_bigger_shop_gets_the_chart_pushed_when_ready(
    line: Line, engine: Any, big_shop: None
) -> None:
    owner, _ = shop(line, engine)
    shown = line.say(owner, "segments")
    assert "I will send the chart here" in shown[0]["text"]
    assert [m["type"] for m in shown[1:]] == ["image", "flex"]  # pushed by the job
    assert counts(shown[1:])["New customers"] == "2"
    assert len(line.fake.calls("/v2/bot/message/push")) == 1
    clock.advance(timedelta(days=45))
    assert [m["type"] for m in line.say(owner, "segments")] == ["image", "flex"]  # stored
    refreshed = line.say(owner, "segments refresh")
    assert "I will send the chart here" in refreshed[0]["text"]
    assert counts(refreshed[1:])["Promising"] == "2"
    never_again(line, owner)


def test_a_bigger_shops_picker_comes_when_ready_and_can_be_tapped(
    line: Line, engine: Any, big_shop: None
) -> None:
    owner, _ = shop(line, engine)
    shown = line.say(owner, "broadcast")
    waiting = shown[0]
    assert "as soon as they are ready" in waiting["text"]
    assert [i["action"]["label"] for i in waiting["quickReply"]["items"]] == ["Everyone", "Cancel"]
    picker = shown[-1]["text"]
    assert "4. New customers · 2" in picker
    items = shown[-1]["quickReply"]["items"]
    new = next(i["action"] for i in items if i["action"]["label"] == "New customers")
    assert "To: New customers" in line.ask(owner, new["text"])
    line.say(owner, "cancel")
    later = line.ask(owner, "broadcast")  # scored now: the stored sizes, at once
    assert "4. New customers · 2" in later and "Group sizes as of" in later


def test_nothing_is_pushed_to_whom_no_longer_waits(
    line: Line, engine: Any, services: Any, big_shop: None
) -> None:
    owner, _ = shop(line, engine)
    line.say(owner, "broadcast")
    line.say(owner, "cancel")
    with transaction(engine) as session:
        user = members.get_line_user(session, owner.user_id)
        assert user is not None
        assert groups_ready(session, services.shop, user, "broadcast") == []  # left it
        assert groups_ready(session, services.shop, user, "segments")
        user.role = Role.STAFF
        assert groups_ready(session, services.shop, user, "segments") == []
