"""The owner's segments and broadcast story sends LINE only requests its OpenAPI allows."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from tests.contract.openapi import SPECS, errors
from tests.contract.test_messaging_api import REQUEST_SCHEMAS
from tests.handlers.test_segments_broadcast import flex_of, shop

pytestmark = pytest.mark.skipif(
    not (SPECS / "messaging-api.yml").exists(), reason="../shared/line-openapi is absent"
)


def test_segments_and_broadcast_requests_match_the_spec(line: Any, engine: Any) -> None:
    owner, _ = shop(line, engine)
    line.say(owner, "segments")
    shown = line.say(owner, "กลุ่มลูกค้า")
    row = flex_of(shown)["contents"]["body"]["contents"][0]
    line.tap(owner, row["action"]["data"])
    line.say(owner, "broadcast")
    line.say(owner, "12")
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "#00aa00").save(picture, format="PNG")
    line.fake.send_image(owner, picture.getvalue())
    line.say(owner, "สวัสดีค่ะ ลด 20% ทั้งร้าน")
    line.say(owner, "broadcast test")
    line.say(owner, "send")
    line.say(owner, "campaign report 1")
    checked = set()
    for call in line.fake.calls():
        schema = REQUEST_SCHEMAS.get(call.path)
        if schema is None:
            continue
        problems = errors("messaging-api.yml", schema, call.body)
        assert not problems, (call.path, problems[:5], call.body)
        checked.add(call.path)
    assert {"/v2/bot/message/reply", "/v2/bot/message/push", "/v2/bot/message/multicast"} <= checked
