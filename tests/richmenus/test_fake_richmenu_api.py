"""The fake platform's rich menu endpoints refuse what LINE refuses."""

from __future__ import annotations

import io
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from PIL import Image

from bot.demo.fakeline import FakeLine
from tests.support.line import TOKEN

USER = "U" + "a" * 32


def call(
    fake: FakeLine,
    method: str,
    path: str,
    body: Any = None,
    content_type: str = "application/json",
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        fake.url + path,
        data=data,
        method=method,
        headers={"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"},
    )
    try:
        with urllib.request.urlopen(request) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw[:1] == b"{" else raw
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def menu(width: int = 2500, height: int = 1686, **changes: Any) -> dict[str, Any]:
    area = {
        "bounds": {"x": 0, "y": 0, "width": width, "height": height},
        "action": {"type": "message", "label": "แต้ม", "text": "แต้ม"},
    }
    body = {
        "size": {"width": width, "height": height},
        "selected": True,
        "name": "test",
        "chatBarText": "เมนู",
        "areas": [area],
    }
    return {**body, **changes}


def png(width: int = 2500, height: int = 1686, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (6, 199, 85)).save(buffer, format=fmt)
    return buffer.getvalue()


def created(fake: FakeLine, image: bool = True) -> str:
    status, answer = call(fake, "POST", "/v2/bot/richmenu", menu())
    assert status == 200, answer
    if image:
        assert (
            call(
                fake, "POST", f"/v2/bot/richmenu/{answer['richMenuId']}/content", png(), "image/png"
            )[0]
            == 200
        )
    return answer["richMenuId"]


def area(x: int, y: int, width: int, height: int, action: dict[str, Any]) -> dict[str, Any]:
    return {"bounds": {"x": x, "y": y, "width": width, "height": height}, "action": action}


@pytest.mark.parametrize(
    "body",
    [
        menu(799, 500),
        menu(2501, 1686),
        menu(2500, 249),
        menu(1000, 700),
        menu(chatBarText="เมนูสมาชิกของร้านกาแฟ"),
        menu(chatBarText=""),
        menu(name="x" * 301),
        menu(selected="yes"),
        menu(areas=[area(0, 0, 100, 100, {"type": "message", "text": "a"})] * 21),
        menu(areas=[area(2000, 0, 501, 100, {"type": "message", "text": "a"})]),
        menu(areas=[area(0, 1600, 100, 87, {"type": "message", "text": "a"})]),
        menu(areas=[area(0, 0, 100, 100, {"type": "message", "label": "ก" * 21, "text": "a"})]),
        menu(areas=[area(0, 0, 100, 100, {"type": "message", "text": "a" * 301})]),
        menu(areas=[area(0, 0, 100, 100, {"type": "postback", "data": "d" * 301})]),
        menu(areas=[area(0, 0, 100, 100, {"type": "richmenuswitch", "data": "x"})]),
        menu(
            areas=[
                area(
                    0,
                    0,
                    100,
                    100,
                    {"type": "richmenuswitch", "richMenuAliasId": "Tab A", "data": "x"},
                )
            ]
        ),
        menu(areas=[area(0, 0, 100, 100, {"type": "teleport"})]),
    ],
    ids=[
        "narrow",
        "wide",
        "low",
        "ratio",
        "chat-bar-long",
        "chat-bar-empty",
        "name-long",
        "selected",
        "21-areas",
        "area-right",
        "area-below",
        "label-long",
        "text-long",
        "data-long",
        "switch-no-alias",
        "switch-bad-alias",
        "unknown-action",
    ],
)
def test_a_menu_breaking_lines_rules_is_refused(fake: FakeLine, body: dict[str, Any]) -> None:
    status, answer = call(fake, "POST", "/v2/bot/richmenu", body)
    assert status == 400, answer
    assert not fake.richmenus.menus


def test_compact_and_smallest_menus_are_accepted(fake: FakeLine) -> None:
    for size in ((2500, 843), (800, 250), (1200, 810)):
        assert call(fake, "POST", "/v2/bot/richmenu", menu(*size))[0] == 200


@pytest.mark.parametrize(
    ("image", "content_type", "why"),
    [
        (png(1250, 843), "image/png", "is 1250x843"),
        (png(fmt="JPEG"), "image/png", "JPEG, not PNG"),
        (png(), "image/gif", "image/png or image/jpeg"),
        (b"not an image", "image/png", "not an image"),
        (png() + b"\0" * (1024 * 1024), "image/png", "over 1048576"),
    ],
    ids=["size", "format", "type", "garbage", "too-big"],
)
def test_an_image_that_does_not_fit_is_refused(
    fake: FakeLine, image: bytes, content_type: str, why: str
) -> None:
    menu_id = created(fake, image=False)
    status, answer = call(fake, "POST", f"/v2/bot/richmenu/{menu_id}/content", image, content_type)
    assert status == 400 and why in answer["details"][0]["message"]


def test_a_menu_takes_one_image_and_gives_it_back(fake: FakeLine) -> None:
    menu_id = created(fake, image=False)
    assert (
        call(fake, "POST", f"/v2/bot/richmenu/{menu_id}/content", png(fmt="JPEG"), "image/jpeg")[0]
        == 200
    )
    assert call(fake, "POST", f"/v2/bot/richmenu/{menu_id}/content", png(), "image/png")[0] == 400
    status, raw = call(fake, "GET", f"/v2/bot/richmenu/{menu_id}/content")
    assert status == 200 and raw == png(fmt="JPEG")
    assert (
        call(fake, "POST", "/v2/bot/richmenu/richmenu-nope/content", png(), "image/png")[0] == 404
    )


def test_no_menu_is_shown_before_it_has_an_image(fake: FakeLine) -> None:
    menu_id = created(fake, image=False)
    assert call(fake, "POST", f"/v2/bot/user/all/richmenu/{menu_id}")[0] == 400
    assert call(fake, "POST", f"/v2/bot/user/{USER}/richmenu/{menu_id}")[0] == 400
    alias = {"richMenuAliasId": "tab-a", "richMenuId": menu_id}
    assert call(fake, "POST", "/v2/bot/richmenu/alias", alias)[0] == 400


def test_default_and_per_user_menus(fake: FakeLine) -> None:
    first, second = created(fake), created(fake)
    assert call(fake, "GET", "/v2/bot/user/all/richmenu")[0] == 404
    assert call(fake, "POST", f"/v2/bot/user/all/richmenu/{first}")[0] == 200
    assert call(fake, "GET", "/v2/bot/user/all/richmenu") == (200, {"richMenuId": first})
    assert fake.richmenus.showing(USER).rich_menu_id == first  # type: ignore[union-attr]
    assert call(fake, "POST", f"/v2/bot/user/{USER}/richmenu/{second}")[0] == 200
    assert call(fake, "GET", f"/v2/bot/user/{USER}/richmenu") == (200, {"richMenuId": second})
    assert fake.richmenus.showing(USER).rich_menu_id == second  # type: ignore[union-attr]
    assert call(fake, "POST", f"/v2/bot/user/not-a-user/richmenu/{second}")[0] == 400
    assert call(fake, "DELETE", f"/v2/bot/user/{USER}/richmenu")[0] == 200
    assert call(fake, "GET", f"/v2/bot/user/{USER}/richmenu")[0] == 404
    assert fake.richmenus.showing(USER).rich_menu_id == first  # type: ignore[union-attr]
    assert call(fake, "DELETE", "/v2/bot/user/all/richmenu")[0] == 200
    assert fake.richmenus.showing(USER) is None


def test_aliases(fake: FakeLine) -> None:
    first, second = created(fake), created(fake)
    assert (
        call(
            fake, "POST", "/v2/bot/richmenu/alias", {"richMenuAliasId": "Tab", "richMenuId": first}
        )[0]
        == 400
    )
    assert (
        call(
            fake,
            "POST",
            "/v2/bot/richmenu/alias",
            {"richMenuAliasId": "tab-a", "richMenuId": first},
        )[0]
        == 200
    )
    assert (
        call(
            fake,
            "POST",
            "/v2/bot/richmenu/alias",
            {"richMenuAliasId": "tab-a", "richMenuId": second},
        )[0]
        == 400
    )
    assert call(fake, "POST", "/v2/bot/richmenu/alias/tab-a", {"richMenuId": second})[0] == 200
    assert call(fake, "GET", "/v2/bot/richmenu/alias/tab-a") == (
        200,
        {"richMenuAliasId": "tab-a", "richMenuId": second},
    )
    assert call(fake, "GET", "/v2/bot/richmenu/alias/list") == (
        200,
        {"aliases": [{"richMenuAliasId": "tab-a", "richMenuId": second}]},
    )
    assert call(fake, "POST", "/v2/bot/richmenu/alias/tab-b", {"richMenuId": second})[0] == 400
    assert call(fake, "DELETE", f"/v2/bot/richmenu/{second}")[0] == 400
    assert call(fake, "DELETE", "/v2/bot/richmenu/alias/tab-a")[0] == 200
    assert call(fake, "DELETE", "/v2/bot/richmenu/alias/tab-a")[0] == 400


def test_deleting_a_menu_takes_it_from_the_default_and_from_users(fake: FakeLine) -> None:
    menu_id = created(fake)
    call(fake, "POST", f"/v2/bot/user/all/richmenu/{menu_id}")
    call(fake, "POST", f"/v2/bot/user/{USER}/richmenu/{menu_id}")
    assert call(fake, "DELETE", f"/v2/bot/richmenu/{menu_id}")[0] == 200
    assert call(fake, "DELETE", f"/v2/bot/richmenu/{menu_id}")[0] == 404
    assert call(fake, "GET", "/v2/bot/richmenu/list") == (200, {"richmenus": []})
    assert fake.richmenus.default is None and not fake.richmenus.links
