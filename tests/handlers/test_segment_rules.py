"""The owner sees which rule scored the groups, and tunes the small-shop thresholds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from storage import clock, purchase_summary, segment_rules
from storage.db import transaction
from storage.models import Purchase, Role
from tests.handlers.test_segments_broadcast import flex_of
from tests.support.line import Line


def one_customer(line: Line, engine: Any, lang: str = "en") -> Any:
    """An owner and Nok, who bought five minutes ago: the issue's first-day shop."""
    owner = line.user("Dang", lang, role=Role.OWNER)
    nok = line.user("Nok")
    line.register(nok, "0812345601")
    with transaction(engine) as session:
        at = clock.now() - timedelta(minutes=5)
        session.add(Purchase(member_id=1, amount_satang=12000, occurred_at=at))
        purchase_summary.recount(session)
    return owner


def header_texts(shown: list[dict[str, Any]]) -> list[str]:
    return [c["text"] for c in flex_of(shown)["contents"]["header"]["contents"]]


def counts(shown: list[dict[str, Any]]) -> dict[str, str]:
    rows = flex_of(shown)["contents"]["body"]["contents"]
    return {r["contents"][0]["text"]: r["contents"][1]["text"] for r in rows}


def test_one_customer_who_just_bought_is_new_and_the_card_names_the_rule(
    line: Line, engine: Any
) -> None:
    owner = one_customer(line, engine)
    line.say(owner, "segments")
    shown = line.say(owner, "segments")
    assert counts(shown)["New customers"] == "1" and counts(shown)["Hibernating"] == "0"
    assert "Scored by small-shop thresholds (1 buyer, under 100)" in header_texts(shown)
    labels = [item["action"]["label"] for item in shown[-1]["quickReply"]["items"]]
    assert "Scoring rules" in labels


def test_thai_card_names_the_rule_too(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine, lang="th")
    line.say(owner, "กลุ่มลูกค้า")
    shown = line.say(owner, "กลุ่มลูกค้า")
    assert counts(shown)["ลูกค้าใหม่"] == "1"
    assert "ให้คะแนนตามเกณฑ์ร้านเล็ก (ผู้ซื้อ 1 คน ไม่ถึง 100)" in header_texts(shown)


def test_the_owner_reads_and_changes_the_thresholds(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine)
    shown = line.ask(owner, "segments rules")
    assert "In use now: small-shop thresholds (fewer than 100 buyers)." in shown
    assert "R, days since the last purchase: up to 30 → 5, 60 → 4, 90 → 3, 180 → 2" in shown
    assert "M, spend against the median member's: 4× or more → 5, 2× → 4" in shown
    assert "0.5× → 2" in shown
    changed = line.ask(owner, "segments rules spend 3 1.5 1 0.25")
    assert changed.startswith("Saved.") and "3× or more → 5, 1.5× → 4" in changed
    assert "0.25× → 2" in changed
    assert "up to 7 → 5" in line.ask(owner, "segments rules days 7 14 30 60")
    with transaction(engine) as session:
        chosen = segment_rules.thresholds(session)
    assert chosen.spend_percent == (300, 150, 100, 25) and chosen.recency_days == (7, 14, 30, 60)
    assert "up to 30 → 5" in line.ask(owner, "segments rules reset")


def test_thai_owner_changes_purchases(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine, lang="th")
    answer = line.ask(owner, "กลุ่มลูกค้า เกณฑ์ ครั้ง 8 5 3 2")
    assert answer.startswith("บันทึกแล้ว") and "F จำนวนครั้งที่ซื้อ: 8 ขึ้นไป → 5" in answer


def test_bad_thresholds_get_a_clear_answer_and_change_nothing(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine)
    for typed in (
        "segments rules days 90 60 30 10",
        "segments rules days 30 60 90",
        "segments rules days 30 60 90 1.5",
        "segments rules spend 4 2 1 zero",
        "segments rules spend inf 2 1 0.5",
        "segments rules spend nan 2 1 0.5",
        "segments rules purchases 1e9 6 3 2",
        "segments rules colour 1 2 3 4",
    ):
        assert line.ask(owner, typed).startswith("Type four numbers after days")
    with transaction(engine) as session:
        assert segment_rules.thresholds(session) == segment_rules.DEFAULT


def test_only_the_owner_changes_the_rules(line: Line, engine: Any) -> None:
    one_customer(line, engine)
    cashier = line.user("Bee", "en", role=Role.STAFF)
    assert "owner" in line.ask(cashier, "segments rules days 7 14 30 60")
    with transaction(engine) as session:
        assert segment_rules.thresholds(session) == segment_rules.DEFAULT


def test_ready_thresholds_are_a_tap_away(line: Line, engine: Any) -> None:
    owner = one_customer(line, engine, "th")
    shown = line.say(owner, "กลุ่มลูกค้า เกณฑ์")
    sent = {i["action"]["label"]: i["action"]["text"] for i in shown[-1]["quickReply"]["items"]}
    assert all(len(label) <= 20 for label in sent)
    line.say(owner, sent["มาบ่อย 14-120 วัน"])
    line.say(owner, sent["ซื้อ 20·10·5·2 ครั้ง"])
    with transaction(engine) as session:
        chosen = segment_rules.thresholds(session)
    assert chosen.recency_days == (14, 30, 60, 120) and chosen.purchases == (20, 10, 5, 2)
    line.say(owner, sent["ค่าเริ่มต้น"])
    with transaction(engine) as session:
        assert segment_rules.thresholds(session).recency_days == (30, 60, 90, 180)
