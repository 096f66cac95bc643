"""Fuzzing the two doors strangers can knock on: the signed webhook and the POS API.

Whatever arrives, the answer is never a 5xx; the bot never answers LINE with a message LINE
refuses, nor with the "system error" apology; a refused request changes nothing; and after
every request each member's balance is the sum of their ledger entries, never below zero.

Bounded (100 examples per database, no deadline) so each test takes seconds; run
`HYPOTHESIS_PROFILE=soak ./dev test tests/bot/test_fuzz.py` for 2,000 examples.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.demo.fakeline import sign
from storage import api_keys, ledger
from storage.db import transaction
from storage.models import ApiCall, LedgerEntry, Member, ProcessedEvent, Purchase, Refund, Role
from tests.handlers.reward_helpers import add_reward, customer_with_points
from tests.support.hypothesis_profiles import FUZZ
from tests.support.line import SECRET, Line

SORRY = ("ระบบขัดข้อง", "went wrong")

# -- what people might send -------------------------------------------------------------

ODD = st.sampled_from(
    ["350", "100.50", "²", "๑๒", "٣", "9" * 40, "-1", "0", "1e999999", "NaN", "\x00", "\ud800",
     "%00", "#1", "C-", "M", "0812345678", "+66812345678", " ", "\n", "ก" * 300, "x" * 5000,
     "&", "="]
)  # fmt: skip
WORDS = st.sampled_from(
    ["award", "+", "void", "redeem", "member", "join", "points", "card", "rewards", "coupons",
     "reward edit", "reward add", "reward cost", "reward stats", "campaign report", "stats",
     "staff invite", "staff remove", "automation welcome points", "broadcast", "send", "cancel",
     "my data", "delete me", "birthday", "refer", "ยกเลิก", "แต้ม", "ให้แต้ม", "ยืนยัน"]
)  # fmt: skip
SMALL_TEXT = st.text(max_size=30)
TEXTS = st.one_of(
    SMALL_TEXT,
    ODD,
    st.builds(
        lambda w, a: " ".join([w, *a]), WORDS, st.lists(st.one_of(ODD, SMALL_TEXT), max_size=3)
    ),
)
ACTIONS = st.sampled_from(
    ["redeem", "redeem_confirm", "redeem_decline", "rewards", "coupons", "consent", "erase",
     "segment", "broadcast", "winback_offer", "reward_field", "tab", "nothing"]
)  # fmt: skip
PARAMS = st.sampled_from(["reward", "from", "key", "choice", "seg", "name", "week", "field", "tab"])
VALUES = st.one_of(
    ODD, SMALL_TEXT, st.integers(-5, 10**30).map(str), st.sampled_from(["1", "yes", "all"])
)
POSTBACKS = st.one_of(
    st.builds(
        lambda action, params: urlencode({"action": action, **params}, errors="surrogatepass"),
        ACTIONS,
        st.dictionaries(PARAMS, VALUES, max_size=3),
    ),
    SMALL_TEXT,
    ODD,
)


@st.composite
def events(draw: st.DrawFn, line: Line, users: list[str]) -> dict[str, Any]:
    """One webhook event as LINE could send it (or nearly: odd ids, modes and fields)."""
    user_id = draw(
        st.one_of(st.sampled_from(users), st.sampled_from(["U" + "0" * 32, "x" * 70, ""]))
    )
    kind = draw(
        st.sampled_from(["text", "postback", "image", "follow", "unfollow", "sticker", "beacon"])
    )
    if kind == "text":
        message = {"id": "1", "type": "text", "text": draw(TEXTS), "quoteToken": "q"}
        event = line.fake._event(user_id, "message", message=message)
    elif kind == "postback":
        event = line.fake._event(user_id, "postback", postback={"data": draw(POSTBACKS)})
    elif kind == "image":
        message_id = draw(st.sampled_from(["404404", "../x", "\x00", "9" * 80]))
        event = line.fake._event(
            user_id,
            "message",
            message={"id": message_id, "type": "image", "contentProvider": {"type": "line"}},
        )
    elif kind == "sticker":
        message = {"id": "2", "type": "sticker", "packageId": "1", "stickerId": "1",
                   "stickerResourceType": "STATIC"}  # fmt: skip
        event = line.fake._event(user_id, "message", message=message)
    else:
        event = line.fake._event(user_id, kind)
    if draw(st.booleans()):
        event["mode"] = draw(st.sampled_from(["standby", "active", "other"]))
    if draw(st.integers(0, 9)) == 0:
        event["webhookEventId"] = draw(st.one_of(SMALL_TEXT, st.just("E" * 100)))
    if draw(st.integers(0, 9)) == 0:
        event[draw(SMALL_TEXT)] = draw(st.one_of(VALUES, st.just({"deep": [[[[]]]]})))
    return event


# -- what must hold --------------------------------------------------------------------------


def state(engine: Engine) -> tuple[int, ...]:
    """Counts and the points total: what a refused request must leave as it was."""
    with transaction(engine) as session:
        counts = tuple(
            int(session.exec(select(func.count()).select_from(table)).one())
            for table in (Member, LedgerEntry, Purchase, Refund, ApiCall, ProcessedEvent)
        )
        total = session.exec(select(func.coalesce(func.sum(LedgerEntry.points), 0))).one()
        return (*counts, int(total))


def assert_ledger_holds(engine: Engine) -> None:
    with transaction(engine) as session:
        for member in session.exec(select(Member)).all():
            assert member.points == ledger.ledger_sum(session, member.id) >= 0, member  # type: ignore[arg-type]


def test_fuzzed_webhooks_never_fail_and_keep_the_ledger(
    line: Line, client: Any, engine: Engine
) -> None:
    add_reward(line, name_th="ลาเต้เย็น", points_cost=100)
    customer = customer_with_points(line, "Nok", "0812345678", 300, language="en")
    cashier = line.user("Cashier", role=Role.STAFF)
    owner = line.user("Owner", role=Role.OWNER)
    users = [customer.user_id, cashier.user_id, owner.user_id]

    @FUZZ
    @given(batch=st.lists(events(line, users), min_size=1, max_size=3), junk=st.booleans())
    def run(batch: list[dict[str, Any]], junk: bool) -> None:
        before = state(engine)
        body = line.fake.webhook_body(batch)
        if junk:  # signed, but not what LINE sends
            body = body[: len(body) // 2] if len(body) % 2 else json.dumps(batch).encode()
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, SECRET)}
        status = client.post("/callback", data=body, headers=headers).status_code
        assert status in (200, 400), status
        if status == 400 or all(e.get("mode") == "standby" for e in batch):
            assert state(engine) == before
        assert_ledger_holds(engine)
        refused = line.fake.calls("/v2/bot/message/reply", status=400)
        assert not refused, refused[-1].body
        for user_id in users:
            for message in line.fake.bot_messages(user_id)[-5:]:
                assert not any(word in str(message.get("text", "")) for word in SORRY), message

    run()


# -- the POS API ----------------------------------------------------------------------------------

JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=10,
)
PHONES = st.one_of(
    st.sampled_from(["0812345678", "081-234-5678", "+66812345678", "0899999999"]), ODD, JSON
)
AMOUNTS = st.one_of(
    st.integers(min_value=-(10**400), max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(places=3, allow_nan=False, allow_infinity=False).map(float),
    st.sampled_from([350, 0.5, 1000000, 1000000.01, 0.001]),
    JSON,
)
REFS = st.one_of(st.sampled_from(["A-1", "A-2", "R-1"]), ODD, SMALL_TEXT, JSON)
MOMENTS = st.one_of(
    st.sampled_from(["2026-06-10T10:00:00+07:00", "2026-06-10T10:00:00", "2999-01-01T00:00:00Z"]),
    ODD,
    JSON,
)
BODIES = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "phone": PHONES,
            "customer_ref": REFS,
            "amount": AMOUNTS,
            "occurred_at": MOMENTS,
            "order_ref": REFS,
            "refund_ref": REFS,
        },
    ),
    JSON,
)
RETRY_KEYS = st.one_of(
    st.none(),
    st.sampled_from(["k-1", "A-1", "\x00", "é", "k" * 300]),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=20),
)


def test_fuzzed_pos_calls_never_fail_and_refusals_change_nothing(
    client: Any, engine: Engine
) -> None:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")

    @FUZZ
    @given(
        path=st.sampled_from(["purchases", "refunds", "members"]),
        body=BODIES,
        retry_key=RETRY_KEYS,
        raw=st.one_of(st.none(), st.binary(max_size=40), st.integers(900, 60_000)),
    )
    def run(path: str, body: Any, retry_key: str | None, raw: bytes | int | None) -> None:
        if isinstance(raw, int):  # a body nested `raw` levels deep
            raw = b'{"amount": ' + b"[" * raw + b"]" * raw + b"}"
        before = state(engine)
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        if retry_key is not None:
            headers["Idempotency-Key"] = retry_key
        if path == "members":
            phone = body.get("phone") if isinstance(body, dict) else body
            shown = quote(str(phone).encode("utf-8", "surrogatepass"), safe="")
            answer = client.get(f"/api/v1/members/{shown}", headers=headers)
        else:
            data = raw if raw is not None else json.dumps(body, allow_nan=True).encode()
            answer = client.post(f"/api/v1/{path}", data=data, headers=headers)
        assert answer.status_code < 500, answer.get_data(as_text=True)[:300]
        if answer.status_code >= 400:
            assert state(engine) == before
            assert answer.get_json()["error"]
        assert_ledger_holds(engine)

    run()
