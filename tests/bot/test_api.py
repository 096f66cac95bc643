"""The till's view of the POS API: keys, sales, retries, refunds, balances, bad input."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import api_keys, ledger
from storage.db import transaction
from storage.models import ApiCall, LedgerEntry, Member, Purchase, Refund
from tests.support.threads import run_together

BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture
def key(engine: Engine) -> str:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")
    return secret


def post(client: Any, key: str, path: str, body: Any, **headers: str) -> Any:
    return client.post(
        f"/api/v1/{path}", json=body, headers={"Authorization": f"Bearer {key}", **headers}
    )


def counts(engine: Engine) -> tuple[int, int, int, int]:
    """Members, purchases, ledger entries, refunds: what a refused call must leave alone."""
    with transaction(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.exec(select(func.count()).select_from(table)).one()
            for table in (Member, Purchase, LedgerEntry, Refund)
        )


def test_a_sale_by_phone(client: Any, key: str) -> None:
    answer = post(client, key, "purchases", {"phone": "081-234-5678", "amount": 350.5,
                                             "order_ref": "A-1001"})  # fmt: skip
    assert answer.status_code == 201
    got = answer.get_json()
    assert got["member"]["phone"] == "+66812345678" and got["member"]["code"].startswith("M")
    assert (got["points_earned"], got["balance"], got["amount"]) == (14, 14, 350.5)
    assert got["already_recorded"] is False


def test_the_same_order_ref_again_changes_nothing(client: Any, key: str, engine: Engine) -> None:
    body = {"phone": "0812345678", "amount": 350, "order_ref": "A-1001"}
    first = post(client, key, "purchases", body).get_json()
    before = counts(engine)
    again = post(client, key, "purchases", body)
    assert again.status_code == 200 and again.get_json()["already_recorded"] is True
    assert again.get_json()["purchase_id"] == first["purchase_id"]
    assert counts(engine) == before


def test_an_idempotency_key_replays_the_first_answer(client: Any, key: str, engine: Engine) -> None:
    body = {"phone": "0812345678", "amount": 100}
    first = post(client, key, "purchases", body, **{"Idempotency-Key": "k-1"})
    before = counts(engine)
    again = post(client, key, "purchases", body, **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json() == {**first.get_json(), "already_recorded": True}
    assert counts(engine) == before
    other = post(client, key, "purchases", {**body, "amount": 200}, **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert counts(engine) == before


def test_wrong_or_missing_key_is_401_and_changes_nothing(
    client: Any, key: str, engine: Engine
) -> None:
    before = counts(engine)
    body = {"phone": "0812345678", "amount": 100}
    for headers in ({}, {"Authorization": "Bearer lk_wrong"}, {"Authorization": key}):
        answer = client.post("/api/v1/purchases", json=body, headers=headers)
        assert answer.status_code == 401
        assert answer.get_json()["error"] == "unauthorized"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/members/0812345678").status_code == 401
    assert counts(engine) == before


def test_a_revoked_key_stops_working(client: Any, key: str, engine: Engine) -> None:
    with transaction(engine) as session:
        assert api_keys.revoke(session, "till-1")
    assert post(client, key, "purchases", {"phone": "0812345678", "amount": 1}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "0812", "amount": 100}, "phone"),
        ({"phone": "0812345678", "amount": -5}, "amount"),
        ({"phone": "0812345678", "amount": "100"}, "amount"),
        ({"phone": "0812345678", "amount": 10.005}, "amount"),
        ({"phone": "0812345678"}, "amount"),
        ({"amount": 100}, "phone"),
        ({"phone": "0812345678", "amount": 1, "occurred_at": "2026-10-05 14:30"}, "occurred_at"),
        (
            {"phone": "0812345678", "amount": 1, "occurred_at": "2099-01-01T00:00:00Z"},
            "occurred_at",
        ),
        ({"phone": "0812345678", "amount": 1, "order_ref": " A"}, "order_ref"),
        ({"phone": "0812345678", "amount": 1, "ammount": 1}, "ammount"),
        ([1, 2], "body"),
    ],
)
def test_wrong_input_is_422_naming_the_field(
    client: Any, key: str, engine: Engine, body: Any, field: str
) -> None:
    before = counts(engine)
    answer = post(client, key, "purchases", body)
    assert answer.status_code == 422, answer.get_json()
    assert field in [e["field"] for e in answer.get_json()["errors"]]
    assert counts(engine) == before


def test_not_json_at_all_is_422(client: Any, key: str) -> None:
    answer = client.post(
        "/api/v1/purchases", data="amount=1", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "body"


def test_a_refund_takes_points_back_and_spent_points_become_a_debt(
    client: Any, key: str, engine: Engine
) -> None:
    post(client, key, "purchases", {"phone": "0812345678", "amount": 500, "order_ref": "A-1"})
    with transaction(engine) as session:
        member = session.exec(select(Member)).one()
        ledger.post_entry(session, tz=BKK, member=member, kind="redeem", points=-15, actor="t",
                          idempotency_key="spend")  # fmt: skip
    answer = post(client, key, "refunds", {"order_ref": "A-1"})
    assert answer.status_code == 201
    got = answer.get_json()
    assert (got["amount_refunded"], got["points_reversed"], got["points_owed"]) == (500, 5, 15)
    assert (got["balance"], got["points_debt"]) == (0, 15)
    later = post(
        client, key, "purchases", {"phone": "0812345678", "amount": 500, "order_ref": "A-2"}
    )
    assert later.get_json()["debt_paid"] == 15 and later.get_json()["balance"] == 5
    member_view = client.get(
        "/api/v1/members/+66812345678", headers={"Authorization": f"Bearer {key}"}
    ).get_json()
    assert (member_view["balance"], member_view["points_debt"]) == (5, 0)


def test_refund_mistakes(client: Any, key: str, engine: Engine) -> None:
    post(client, key, "purchases", {"phone": "0812345678", "amount": 100, "order_ref": "A-1"})
    before = counts(engine)
    missing = post(client, key, "refunds", {"order_ref": "nope"})
    assert missing.status_code == 404 and missing.get_json()["field"] == "order_ref"
    too_much = post(client, key, "refunds", {"order_ref": "A-1", "amount": 150})
    assert too_much.status_code == 422
    assert too_much.get_json()["errors"][0]["field"] == "amount"
    assert post(client, key, "refunds", {"amount": 1}).status_code == 422
    assert counts(engine) == before


def test_a_refund_retried_with_its_key_changes_nothing(
    client: Any, key: str, engine: Engine
) -> None:
    post(client, key, "purchases", {"phone": "0812345678", "amount": 1000, "order_ref": "A-1"})
    body = {"order_ref": "A-1", "amount": 300}
    first = post(client, key, "refunds", body, **{"Idempotency-Key": "r-1"})
    before = counts(engine)
    again = post(client, key, "refunds", body, **{"Idempotency-Key": "r-1"})
    assert again.get_json()["refund_id"] == first.get_json()["refund_id"]
    assert counts(engine) == before
    with transaction(engine) as session:
        assert len(session.exec(select(ApiCall)).all()) == 1


def test_member_view_for_the_till(client: Any, key: str) -> None:
    auth = {"Authorization": f"Bearer {key}"}
    post(client, key, "purchases", {"phone": "0812345678", "amount": 250})
    got = client.get("/api/v1/members/0812345678", headers=auth).get_json()
    assert (got["balance"], got["points_debt"], got["coupons"]) == (10, 0, [])
    assert got["tier"] == "member"
    assert client.get("/api/v1/members/0899999999", headers=auth).status_code == 404
    bad = client.get("/api/v1/members/hello", headers=auth)
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "phone"


def test_the_openapi_document_is_served(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and set(spec["paths"]) == {
        "/purchases",
        "/refunds",
        "/members/{phone}",
    }
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)  # OpenAPI 3.1 schemas are JSON Schema 2020-12
    assert spec["components"]["schemas"]["Purchase"]["anyOf"] == [
        {"required": ["phone"]},
        {"required": ["customer_ref"]},
    ]


@pytest.mark.parametrize("ref", ["A\x00B", "A\ud800B"])
def test_characters_a_database_cannot_keep_are_refused(
    client: Any, key: str, engine: Engine, ref: str
) -> None:
    before = counts(engine)
    answer = client.post(
        "/api/v1/purchases",
        data=json.dumps({"phone": "0812345678", "amount": 1, "order_ref": ref}),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["field"] == "order_ref"
    assert counts(engine) == before


def test_a_till_retrying_at_once_records_the_sale_once(app: Any, key: str, engine: Engine) -> None:
    """Eight copies of one call at the same moment (a till that retried too eagerly)."""

    def call(n: int) -> int:
        headers = {"Authorization": f"Bearer {key}"}
        if n % 2:
            headers["Idempotency-Key"] = "same-call"
        body = {"phone": "0812345678", "amount": 500, "order_ref": "A-7"}
        return int(
            app.test_client().post("/api/v1/purchases", json=body, headers=headers).status_code
        )

    statuses = run_together([lambda n=n: call(n) for n in range(8)])  # type: ignore[misc]
    assert sorted(statuses) == [200] * 7 + [201], statuses
    with transaction(engine) as session:
        assert len(session.exec(select(Purchase)).all()) == 1
        member = session.exec(select(Member)).one()
        assert member.points == 20 == ledger.ledger_sum(session, member.id)  # type: ignore[arg-type]
