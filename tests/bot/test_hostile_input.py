"""Input an attacker (or a broken till) sends: never a 500, always a 4xx or a polite reply in
the person's language, and nothing changed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.demo.fakeline import sign
from storage import api_keys
from storage.db import transaction
from storage.models import ApiCall, LedgerEntry, Member, ProcessedEvent, Role
from tests.handlers.reward_helpers import add_reward, customer_with_points
from tests.support.line import SECRET, Line, texts

BIG = "9" * 400
SORRY = ("ระบบขัดข้อง", "went wrong")


def ledger_state(engine: Engine) -> tuple[int, int, int]:
    """Members, ledger entries and the sum of all points: what refused input must not move."""
    with transaction(engine) as session:
        members = session.exec(select(func.count()).select_from(Member)).one()
        entries = session.exec(select(func.count()).select_from(LedgerEntry)).one()
        total = session.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))).one()
        return int(members), int(entries), int(total)


def nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


# -- unauthenticated routes: tokens ---------------------------------------------------------

TOKEN_ROUTES = [
    ("GET", "/media/card/{t}.png"),
    ("GET", "/media/coupon/{t}.png"),
    ("GET", "/media/coupon/{t}/preview.png"),
    ("GET", "/media/coupon/{t}/qr.png"),
    ("GET", "/media/picture/{t}.jpg"),
    ("GET", "/media/chart/{t}.png"),
    ("GET", "/privacy/export/{t}"),
    ("POST", "/privacy/export/{t}"),
]
HOSTILE_TOKENS = ["A%00B", "%00", "x" * 5000, "%E0%B8%82", "%FF%FE", "a%0Ab", "..%2F..%2Fetc"]


@pytest.mark.parametrize(("method", "route"), TOKEN_ROUTES)
def test_hostile_media_and_privacy_tokens_are_4xx(client: Any, method: str, route: str) -> None:
    for token in HOSTILE_TOKENS:
        answer = client.open(route.format(t=token), method=method)
        assert 400 <= answer.status_code < 500, (route, token, answer.status_code)


# -- the webhook ------------------------------------------------------------------------------


def post_signed(client: Any, body: bytes) -> Any:
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, SECRET)}
    return client.post("/callback", data=body, headers=headers)


@pytest.mark.parametrize("depth", [50, 500, 5_000, 100_000])
def test_a_signed_body_nested_deep_is_refused_or_ignored(
    line: Line, client: Any, engine: Engine, depth: int
) -> None:
    user = line.fake.add_user("Mallory")
    event = line.fake.text_event(user, "hello")
    raw = json.dumps({"destination": "U0", "events": [event]})
    body = raw.replace('"text": "hello"', f'"text": "hello", "emojis": {nested(depth)}')
    assert post_signed(client, body.encode()).status_code in (200, 400)
    top = json.dumps({"destination": "U0", "events": []})[:-1] + f', "x": {nested(depth)}}}'
    assert post_signed(client, top.encode()).status_code in (200, 400)
    events = '{"destination": "U0", "events": ' + nested(depth, "{}") + "}"
    assert post_signed(client, events.encode()).status_code in (200, 400)


def test_a_signed_body_that_is_not_utf8_is_400(client: Any) -> None:
    assert (
        post_signed(client, b'{"destination": "U0", "events": [], "x": "\xff\xfe"}').status_code
        == 400
    )


# -- the POS API --------------------------------------------------------------------------------


@pytest.fixture
def key(engine: Engine) -> str:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")
    return secret


def pos_post(client: Any, key: str, path: str, raw: str, **headers: str) -> Any:
    return client.post(
        f"/api/v1/{path}",
        data=raw,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json", **headers},
    )


def api_calls(engine: Engine) -> int:
    with transaction(engine) as session:
        return int(session.exec(select(func.count()).select_from(ApiCall)).one())


@pytest.mark.parametrize("depth", [100, 2_000, 50_000])
@pytest.mark.parametrize("path", ["purchases", "refunds"])
def test_a_pos_body_nested_deep_is_422(
    client: Any, key: str, engine: Engine, depth: int, path: str
) -> None:
    before = ledger_state(engine)
    for raw in (nested(depth), f'{{"amount": {nested(depth)}, "phone": "0812345678"}}'):
        for headers in ({}, {"Idempotency-Key": f"deep-{depth}"}):
            answer = pos_post(client, key, path, raw, **headers)
            assert answer.status_code == 422, (raw[:40], headers, answer.status_code)
    assert ledger_state(engine) == before and api_calls(engine) == 0


@pytest.mark.parametrize(
    "amount", [BIG, "-" + BIG, "1" + "0" * 5000, "1e400", "-1e400", "1e-400", "0.001", "4.5e2000"]
)
@pytest.mark.parametrize("path", ["purchases", "refunds"])
def test_absurd_pos_amounts_are_422_naming_the_field(
    client: Any, key: str, engine: Engine, amount: str, path: str
) -> None:
    before = ledger_state(engine)
    raw = f'{{"phone": "0812345678", "order_ref": "A-1", "amount": {amount}}}'
    answer = pos_post(client, key, path, raw)
    assert answer.status_code == 422, answer.get_data(as_text=True)[:200]
    assert ledger_state(engine) == before


@pytest.mark.parametrize(
    "phone", ["081\x00234\x005678", "๐๘๑๒๓๔๕๖๗๘" * 40, "0" * 5000, "%00", "\ud800"]
)
def test_hostile_phones_for_the_till_are_4xx(client: Any, key: str, phone: str) -> None:
    raw = json.dumps({"phone": phone, "amount": 100})
    assert pos_post(client, key, "purchases", raw).status_code == 422
    from urllib.parse import quote

    answer = client.get(
        "/api/v1/members/" + quote(phone.encode("utf-8", "surrogatepass")),
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code in (404, 422)


@pytest.mark.parametrize(
    "header", [{"Authorization": "Bearer lk_\x00"}, {"Authorization": "Bearer " + "x" * 9000},
               {"Authorization": "Bearer lk_é"}, {"Idempotency-Key": "a\x00b"}],
)  # fmt: skip
def test_hostile_headers_for_the_till_are_4xx(
    client: Any, key: str, header: dict[str, str]
) -> None:
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json", **header}
    raw = json.dumps({"phone": "0812345678", "amount": 100})
    answer = client.post("/api/v1/purchases", data=raw, headers=headers)
    assert 400 <= answer.status_code < 500


# -- the chat -------------------------------------------------------------------------------------


def polite(answer: list[dict[str, Any]]) -> str:
    """The bot's answer, which must be there and must not be the 'system error' apology."""
    shown = "\n".join(texts(answer)) or json.dumps(answer, ensure_ascii=False)
    assert answer, "no answer at all"
    assert not any(word in shown for word in SORRY), shown
    return shown


CASHIER_TEXTS = [
    f"award 0812345678 {BIG}",
    "award 0812345678 1e999999999",
    "award 0812345678 1E+999999",
    "award 0812345678 ๓๕๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐๐",
    "award 0812345678 -350",
    "award 0812345678 NaN",
    "award 0812345678 sNaN",
    "award 0812345678 Infinity",
    "award " + "0" * 5000 + " 100",
    "award ๐๘๑๒๓๔๕๖๗๘" + "๙" * 300 + " 100",
    f"void {BIG}",
    "void ๑๒",
    "void 2147483648",
    f"member {BIG}",
    "member 081\x00234\x005678",
    f"redeem {BIG}",
    "redeem C-\x00\x00\x00",
    "x" * 4999,
    "award " + "x" * 4990,
]
OWNER_TEXTS = [
    f"reward edit {BIG}",
    "reward edit ๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙",
    f"reward cost {BIG} 10",
    f"reward cost 1 {BIG}",
    f"campaign report {BIG}",
    "campaign report ๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙๙",
    f"stats {BIG}-10",
    f"stats {BIG}d",
    "stats 2569-99999999999999999999",
    f"reward stats {BIG}",
    f"staff remove {BIG}",
    f"earn rule {BIG}",
]
CUSTOMER_TAPS = [
    "action=redeem&reward=²",
    f"action=redeem&reward={BIG}",
    "action=redeem&reward=99999999999",
    "action=redeem_confirm&reward=²&key=abc",
    f"action=redeem_confirm&reward={BIG}&key=abc",
    "action=redeem_confirm&reward=1&key=" + "a" * 200,
    "action=redeem_confirm&reward=1&key=ก",
    "action=rewards&from=²",
    f"action=rewards&from={BIG}",
    "action=coupons&from=²",
    f"action=coupons&from={BIG}",
    "action=consent&choice=\x00",
    "action=erase&choice=" + "y" * 250,
    "action=%00",
    "%00=%00",
    "action=redeem&reward=1&reward=2",
    "a" * 300,
]
OWNER_TAPS = [
    "action=segment&name=%00",
    f"action=segment&name={BIG}",
    "action=broadcast&seg=%00",
    "action=winback_offer&week=%00",
    f"action=winback_offer&week={BIG}",
    "action=winback_offer&week=2026-W99",
    "action=reward_field&field=%00",
]


@pytest.fixture
def shop(line: Line) -> dict[str, Any]:
    """A shop with a reward, a customer with points, a cashier and an owner."""
    add_reward(line, name_th="ลาเต้เย็น", name_en="Iced latte", points_cost=100)
    return {
        "customer": customer_with_points(line, "Nok", "0812345678", 500, language="en"),
        "cashier": line.user("Cashier", role=Role.STAFF),
        "owner": line.user("Owner", role=Role.OWNER),
    }


@pytest.mark.parametrize("typed", CASHIER_TEXTS, ids=lambda s: s[:40])
def test_hostile_cashier_texts_get_a_polite_answer(
    line: Line, engine: Engine, shop: dict[str, Any], typed: str
) -> None:
    before = ledger_state(engine)
    polite(line.say(shop["cashier"], typed))
    assert line.last_status == 200
    assert ledger_state(engine) == before


@pytest.mark.parametrize("typed", OWNER_TEXTS, ids=lambda s: s[:40])
def test_hostile_owner_texts_get_a_polite_answer(
    line: Line, engine: Engine, shop: dict[str, Any], typed: str
) -> None:
    before = ledger_state(engine)
    polite(line.say(shop["owner"], typed))
    assert line.last_status == 200
    assert ledger_state(engine) == before


@pytest.mark.parametrize("data", CUSTOMER_TAPS, ids=lambda s: s[:40])
def test_hostile_postbacks_get_a_polite_answer_in_english(
    line: Line, engine: Engine, shop: dict[str, Any], data: str
) -> None:
    before = ledger_state(engine)
    shown = polite(line.tap(shop["customer"], data))
    assert line.last_status == 200
    assert not any("\u0e00" <= c <= "\u0e7f" for c in shown), shown  # English, not Thai
    assert ledger_state(engine) == before


@pytest.mark.parametrize("data", OWNER_TAPS, ids=lambda s: s[:40])
def test_hostile_owner_postbacks_get_a_polite_answer(
    line: Line, engine: Engine, shop: dict[str, Any], data: str
) -> None:
    before = ledger_state(engine)
    polite(line.tap(shop["owner"], data))
    assert line.last_status == 200
    assert ledger_state(engine) == before


@pytest.mark.parametrize("typed", [BIG, "1e999999999", "๓๕๐" + "๐" * 40, "1" * 4999])
def test_a_hostile_amount_after_a_scanned_card_is_refused_politely(
    line: Line, engine: Engine, shop: dict[str, Any], typed: str
) -> None:
    from tests.handlers.reward_helpers import member_of

    code = member_of(line, shop["customer"]).code
    assert "กี่บาท" in line.ask(shop["cashier"], f"award {code}")
    before = ledger_state(engine)
    polite(line.say(shop["cashier"], typed))
    assert ledger_state(engine) == before


def test_processed_event_ids_of_absurd_length_are_refused(
    line: Line, client: Any, engine: Engine
) -> None:
    user = line.fake.add_user("Mallory")
    event = line.fake.text_event(user, "hello")
    event["webhookEventId"] = "E" * 100_000
    assert post_signed(client, line.fake.webhook_body([event])).status_code in (200, 400)
    with transaction(engine) as session:
        assert session.exec(select(func.count()).select_from(ProcessedEvent)).one() == 0


@pytest.mark.parametrize("retry", [None, "k-1"])
def test_a_lone_surrogate_in_a_pos_body_is_422(
    client: Any, key: str, engine: Engine, retry: str | None
) -> None:
    before = ledger_state(engine)
    raw = '{"phone": "0812345678", "amount": 100, "order_ref": "\\ud800"}'
    headers = {"Idempotency-Key": retry} if retry else {}
    answer = pos_post(client, key, "purchases", raw, **headers)
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "order_ref"
    assert ledger_state(engine) == before and api_calls(engine) == 0
