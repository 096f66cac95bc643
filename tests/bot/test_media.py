"""Images LINE fetches from BASE_URL: the member card QR, behind an unguessable token."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import zxingcpp
from PIL import Image

from tests.support.line import Line


def card(line: Line, user: Any) -> dict[str, Any]:
    return next(m for m in line.say(user, "บัตร") if m["type"] == "flex")


def card_qr_url(line: Line, user: Any) -> str:
    return card(line, user)["contents"]["hero"]["url"]


def test_member_card_qr_opens_the_award_command_for_the_cashier(line: Line, client: Any) -> None:
    user = line.user()
    line.register(user)
    shown = card(line, user)
    url = shown["contents"]["hero"]["url"]
    assert url.startswith("https://loyalty.test/media/card/")
    response = client.get(url.removeprefix("https://loyalty.test"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size[0] >= 300
    (found,) = zxingcpp.read_barcodes(image)
    assert found.text.startswith("https://line.me/R/oaMessage/@loyaltytest/?award%20M")
    typed = unquote(found.text.rsplit("?", 1)[1])
    assert typed == "award " + shown["contents"]["body"]["contents"][0]["text"]


def test_a_guessed_token_is_404(client: Any) -> None:
    assert client.get("/media/card/not-a-real-token.png").status_code == 404


def test_card_token_is_unguessable(line: Line) -> None:
    user = line.user()
    line.register(user)
    token = card_qr_url(line, user).rsplit("/", 1)[1].removesuffix(".png")
    assert len(token) >= 22
