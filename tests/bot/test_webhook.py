"""POST /callback as LINE calls it: signatures, sizes, bad bodies, redelivery, samples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.demo.fakeline import sign
from storage.models import Dialog, LedgerEntry, LineUser, ProcessedEvent, Role
from tests.support.line import SECRET, Line

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "line-webhook-samples"


def post(client: Any, body: bytes, signature: str | None = "auto") -> Any:
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        headers["X-Line-Signature"] = sign(body, SECRET)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/callback", data=body, headers=headers)


def count(engine: Any, table: Any) -> int:
    with Session(engine) as session:
        return len(session.exec(select(table)).all())


def test_empty_events_is_a_connection_check(client: Any) -> None:
    assert post(client, b'{"destination":"U0","events":[]}').status_code == 200


def test_forged_signature_is_refused_and_changes_nothing(
    line: Line, client: Any, engine: Any
) -> None:
    user = line.fake.add_user("Mallory")
    body = line.fake.webhook_body([line.fake._event(user.user_id, "follow")])
    assert post(client, body, signature=sign(body, "not-the-secret")).status_code == 400
    assert post(client, body, signature=None).status_code == 400
    assert count(engine, ProcessedEvent) == 0
    assert count(engine, LineUser) == 0


def test_oversized_body_is_413(client: Any) -> None:
    body = b'{"events":[],"pad":"' + b"x" * (1024 * 1024) + b'"}'
    assert post(client, body).status_code == 413


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"events": "nope"}', b""])
def test_malformed_body_is_400(client: Any, body: bytes) -> None:
    assert post(client, body).status_code == 400


def test_redelivered_event_changes_nothing(line: Line, client: Any, engine: Any) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    line.register(line.user("Pim"), "0899999999")
    event = line.fake.text_event(cashier, "award 0899999999 100")
    body = line.fake.webhook_body([event])
    assert post(client, body).status_code == 200
    event["deliveryContext"] = {"isRedelivery": True}
    again = line.fake.webhook_body([event])
    assert post(client, again).status_code == 200
    with Session(engine) as session:
        assert len(session.exec(select(LedgerEntry)).all()) == 1


def _samples() -> list[Path]:
    return sorted(SAMPLES.glob("*/webhook.json")) if SAMPLES.exists() else []


@pytest.mark.skipif(not SAMPLES.exists(), reason="../shared/line-webhook-samples is absent")
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.parent.name)
def test_every_line_sample_is_answered_200(client: Any, path: Path) -> None:
    payload = json.loads(path.read_text())
    body = json.dumps(payload).encode()
    assert post(client, body).status_code == 200
    for i, event in enumerate(payload["events"]):
        event["webhookEventId"] = f"01SAMPLE{i:018d}"
        one = json.dumps({"destination": payload["destination"], "events": [event]}).encode()
        assert post(client, one).status_code == 200, event["type"]


def test_unhandled_event_types_are_acknowledged(line: Line, client: Any) -> None:
    user = line.fake.add_user("Sticker fan")
    sticker = line.fake._event(
        user.user_id,
        "message",
        message={
            "id": "9",
            "type": "sticker",
            "packageId": "1",
            "stickerId": "1",
            "stickerResourceType": "STATIC",
        },
    )
    assert post(client, line.fake.webhook_body([sticker])).status_code == 200


def _standby(event: dict[str, Any]) -> dict[str, Any]:
    return {**event, "mode": "standby"}


def test_standby_events_are_acknowledged_and_change_nothing(
    line: Line, client: Any, engine: Any
) -> None:
    """LINE: in standby mode another bot has the chat; ignore its events, answer 200."""
    cashier = line.user("Bee", role=Role.STAFF)
    stranger = line.fake.add_user("Standby Sam")
    replies = len(line.fake.calls("/v2/bot/message/reply"))
    claimed = count(engine, ProcessedEvent)
    events = [
        _standby(line.fake.text_event(cashier, "award 0899999999 100")),
        _standby(line.fake._event(cashier.user_id, "postback", postback={"data": "action=x"})),
        _standby(line.fake._event(stranger.user_id, "follow", follow={"isUnblocked": False})),
    ]
    assert post(client, line.fake.webhook_body(events)).status_code == 200
    assert count(engine, LedgerEntry) == 0
    assert count(engine, ProcessedEvent) == claimed
    assert count(engine, LineUser) == 1
    assert len(line.fake.calls("/v2/bot/message/reply")) == replies
    assert len(line.fake.calls("/v2/bot/profile")) == 1  # the cashier's follow only


def test_text_a_database_cannot_keep_is_cleaned_at_the_edge(line: Line, engine: Any) -> None:
    """A NUL (PostgreSQL refuses it) or a lone surrogate in typed text: taken out, not a 500."""
    owner = line.user("Owner", "en", role=Role.OWNER)
    line.say(owner, "reward add")
    answer = line.ask(owner, "Iced\x00 latte \ud800")
    assert line.last_status == 200 and "English" in answer, answer
    with Session(engine) as session:
        (dialog,) = session.exec(select(Dialog)).all()
        assert dialog.data["name_th"] == "Iced latte ?"


@pytest.mark.parametrize(
    "field", ["webhookEventId", "userId", "messageId"], ids=lambda f: f"long-{f}"
)
def test_ids_of_a_shape_line_never_sends_are_ignored(
    line: Line, client: Any, engine: Any, field: str
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    before = count(engine, ProcessedEvent)
    event = line.fake.text_event(cashier, "award 0899999999 100")
    weird = "x" * 65 if field != "messageId" else "../../v2/bot/profile/\x00"
    if field == "userId":
        event["source"]["userId"] = weird
    elif field == "webhookEventId":
        event["webhookEventId"] = weird
    else:
        event["message"] = {"id": weird, "type": "image", "contentProvider": {"type": "line"}}
    assert post(client, line.fake.webhook_body([event])).status_code == 200
    assert count(engine, LedgerEntry) == 0
    if field == "webhookEventId":
        assert count(engine, ProcessedEvent) == before
    assert count(engine, LineUser) == 1
    assert not [c for c in line.fake.calls("/v2/bot/message/") if c.path.endswith("/content")]


@pytest.mark.parametrize("signature", ["é" * 44, "\x01", "x" * 10_000, " "])
def test_odd_signatures_are_400(client: Any, signature: str) -> None:
    assert post(client, b'{"destination":"U0","events":[]}', signature=signature).status_code == 400
