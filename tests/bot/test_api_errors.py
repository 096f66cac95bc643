"""The POS API's refusals word for word, as tills have parsed them since the API began:
the body's shape, each field's message, and the order in which problems are listed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from storage import api_keys
from storage.db import transaction

PHONE = ("phone", "is not a valid phone number (e.g. 0812345678 or +66812345678)")
NUMBER = ("amount", "must be a number of baht, e.g. 350 or 1250.50")
RANGE = ("amount", "must be more than 0 and at most 1,000,000 baht")
DECIMALS = ("amount", "must have at most two decimals (satang)")
ORDER_REF = ("order_ref", "must be 1-100 characters, not starting or ending with a space")
CUSTOMER_REF = ("customer_ref", "must be 1-64 characters, not starting or ending with a space")
CONTROLS = ("order_ref", "must not contain control characters")
MOMENT = ("occurred_at", "must be a date-time with its UTC offset, e.g. 2026-10-05T14:30:00+07:00")
PAST = ("occurred_at", "must be after 2000 and not in the future")
ONE_OF = ("phone", "phone or customer_ref is required")
NOT_OBJECT = ("body", "must be a JSON object")
RETRY_KEY = ("Idempotency-Key", "must be 1-200 visible ASCII characters")
SALE = {"phone": "0812345678", "amount": 1}

CASES: list[tuple[str, Any, list[tuple[str, str]]]] = [
    ("purchases", [1, 2], [NOT_OBJECT]),
    ("purchases", None, [NOT_OBJECT]),
    ("purchases", "x", [NOT_OBJECT]),
    ("purchases", {}, [("amount", "is required"), ONE_OF]),
    ("purchases", {"amount": "x"}, [NUMBER, ONE_OF]),
    ("purchases", {"amount": True, "phone": 5}, [PHONE, NUMBER]),
    ("purchases", {"amount": 1, "ammount": 1, "zz": 2, "phone": "0812"},
     [("ammount", "is not a field of this request"), ("zz", "is not a field of this request")]),
    ("purchases", {"phone": None, "amount": None}, [PHONE, NUMBER]),
    ("purchases", {"phone": "0" * 40, "amount": 1}, [PHONE]),
    *[("purchases", {"phone": "0812345678", "amount": a}, [RANGE])
      for a in (-5, 0, 1_000_001, 10**500, -(10**500), 1e-400)],
    ("purchases", {"phone": "0812345678", "amount": [1]}, [NUMBER]),
    *[("purchases", {"phone": "0812345678", "amount": a}, [DECIMALS]) for a in (10.005, 0.001)],
    *[("purchases", {"customer_ref": r, "amount": 1}, [CUSTOMER_REF]) for r in ("", "c" * 65, 7)],
    *[("purchases", {**SALE, "order_ref": r}, [ORDER_REF])
      for r in (" A", "A\u2028", "A\x1c", "A\n", "A\nB", "r" * 101)],
    *[("purchases", {**SALE, "order_ref": r}, [CONTROLS]) for r in ("A\x00B", "A\ud800B")],
    *[("purchases", {**SALE, "occurred_at": t}, [MOMENT]) for t in ("2026-10-05 14:30", 5, None)],
    *[("purchases", {**SALE, "occurred_at": t}, [PAST])
      for t in ("2099-01-01T00:00:00Z", "1999-12-31T23:59:59+00:00")],
    ("purchases", {"phone": "0812345678", "customer_ref": " x", "amount": "1", "occurred_at": "x",
                   "order_ref": ""}, [CUSTOMER_REF, NUMBER, MOMENT, ORDER_REF]),
    ("purchases", {"amount": 1, "occurred_at": "x"}, [MOMENT, ONE_OF]),
    ("refunds", {}, [("order_ref", "is required")]),
    ("refunds", [], [NOT_OBJECT]),
    ("refunds", {"amount": 1}, [("order_ref", "is required")]),
    ("refunds", {"order_ref": "A", "amount": None, "refund_ref": None},
     [NUMBER, ("refund_ref", ORDER_REF[1])]),
    ("refunds", {"order_ref": 1, "amount": "1", "refund_ref": " "},
     [ORDER_REF, NUMBER, ("refund_ref", ORDER_REF[1])]),
    ("refunds", {"order_ref": "A", "x": 1}, [("x", "is not a field of this request")]),
]  # fmt: skip


@pytest.fixture
def auth(engine: Engine) -> dict[str, str]:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")
    return {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}


@pytest.mark.parametrize(("path", "body", "problems"), CASES)
def test_each_refusal_says_what_it_always_said(
    client: Any, auth: dict[str, str], path: str, body: Any, problems: list[tuple[str, str]]
) -> None:
    answer = client.post(f"/api/v1/{path}", data=json.dumps(body), headers=auth)
    assert answer.status_code == 422
    errors = [{"field": f, "message": m} for f, m in problems]
    assert answer.get_json() == {"error": "invalid_input", "errors": errors}


def test_the_other_refusals(client: Any, auth: dict[str, str]) -> None:
    def post(path: str, raw: str, **headers: str) -> Any:
        return client.post(f"/api/v1/{path}", data=raw, headers={**auth, **headers})

    def invalid(*problems: tuple[str, str]) -> dict[str, Any]:
        return {
            "error": "invalid_input",
            "errors": [{"field": f, "message": m} for f, m in problems],
        }

    sale = json.dumps(SALE)
    assert post("purchases", "amount=1").get_json() == invalid(NOT_OBJECT)
    for retry_key in ("a b", "k" * 201, ""):
        assert post("purchases", sale, **{"Idempotency-Key": retry_key}).get_json() == invalid(
            RETRY_KEY
        )
    deep = '{"amount": ' + "[" * 20 + "]" * 20 + "}"
    assert post("purchases", deep).get_json() == invalid(
        ("body", "must not be nested more than 8 levels deep")
    )
    assert post("refunds", '{"order_ref": "nope"}').get_json() == {
        "error": "not_found",
        "field": "order_ref",
        "message": "no order with this ref was recorded with this key",
    }
    for phone in ("hello", "1" * 40):
        assert client.get(f"/api/v1/members/{phone}", headers=auth).get_json() == invalid(PHONE)
    assert client.get("/api/v1/members/0899999999", headers=auth).get_json() == {
        "error": "not_found",
        "field": "phone",
        "message": "no member has this phone number",
    }
    no_key = client.post("/api/v1/purchases", data="[1]")
    assert no_key.status_code == 401 and no_key.headers["WWW-Authenticate"].startswith("Bearer")
    assert no_key.get_json() == {
        "error": "unauthorized",
        "message": "send Authorization: Bearer <API key>",
    }
