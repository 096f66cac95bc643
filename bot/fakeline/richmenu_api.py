"""The fake platform's rich menu endpoints, with LINE's limits on them.

Menus (create, list, get, delete), their images (upload to the data endpoint, download),
the default menu, per-user links and aliases. What LINE documents is enforced: image
800-2500 px wide, at least 250 high, width/height at least 1.45, at most 1 MB, PNG or JPEG
of exactly the menu's size, one image per menu; at most 20 areas, each inside the image;
chat bar text at most 14 characters; action limits; an image before a menu is shown to
anyone. Where LINE's behaviour is not documented the fake is the stricter one: a menu
that an alias still points to cannot be deleted.

`tap_area` does what the LINE app does when a user taps part of their menu.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, request
from PIL import Image, UnidentifiedImageError

from bot.fakeline import rules

if TYPE_CHECKING:
    from bot.fakeline.server import FakeLine, FakeUser

MAX_MENUS = 1000
MAX_ALIASES = 1000
MAX_AREAS = 20
MAX_CHAT_BAR = 14
MAX_NAME = 300
MAX_IMAGE_BYTES = 1024 * 1024
MIN_WIDTH, MAX_WIDTH, MIN_HEIGHT, MIN_RATIO = 800, 2500, 250, 1.45
MAX_ACTION_LABEL = 20
ALIAS_ID = re.compile(r"^[a-z0-9_-]{1,32}$")
IMAGE_TYPES = {"image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass
class StoredMenu:
    rich_menu_id: str
    body: dict[str, Any]
    image: bytes | None = None
    content_type: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"richMenuId": self.rich_menu_id, **self.body}

    @property
    def size(self) -> tuple[int, int]:
        return self.body["size"]["width"], self.body["size"]["height"]


@dataclass
class RichMenus:
    """What the platform keeps: menus, the default, links per user, aliases, tabs shown."""

    menus: dict[str, StoredMenu] = field(default_factory=dict)
    default: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def linked(self, user_id: str) -> StoredMenu | None:
        """The menu linked to the user alone (not the default)."""
        menu_id = self.links.get(user_id)
        return self.menus.get(menu_id) if menu_id else None

    def showing(self, user_id: str) -> StoredMenu | None:
        """The menu the user's LINE app shows now: a switched-to tab, their own, or the default."""
        for menu_id in (self.shown.get(user_id), self.links.get(user_id), self.default):
            if menu_id and menu_id in self.menus:
                return self.menus[menu_id]
        return None

    def forget(self, menu_id: str) -> None:
        self.menus.pop(menu_id, None)
        if self.default == menu_id:
            self.default = None
        for table in (self.links, self.shown):
            for user_id in [u for u, m in table.items() if m == menu_id]:
                del table[user_id]


def check_size(size: Any) -> rules.Problems:
    if not isinstance(size, dict):
        return [("size", "must be an object with width and height")]
    width, height = size.get("width"), size.get("height")
    if not isinstance(width, int) or not MIN_WIDTH <= width <= MAX_WIDTH:
        return [("size.width", f"must be between {MIN_WIDTH} and {MAX_WIDTH}")]
    if not isinstance(height, int) or height < MIN_HEIGHT:
        return [("size.height", f"must be at least {MIN_HEIGHT}")]
    if width / height < MIN_RATIO:
        return [("size", f"width/height must be at least {MIN_RATIO}")]
    return []


def check_bounds(bounds: Any, size: tuple[int, int], where: str) -> rules.Problems:
    if not isinstance(bounds, dict):
        return [(where, "must be an object")]
    values = [bounds.get(k) for k in ("x", "y", "width", "height")]
    if not all(isinstance(v, int) for v in values):
        return [(where, "x, y, width and height must be integers")]
    x, y, width, height = values
    if x < 0 or y < 0 or width < 1 or height < 1:
        return [(where, "x and y must be 0 or more, width and height 1 or more")]
    if x + width > size[0] or y + height > size[1]:
        return [(where, "the area must be inside the rich menu image")]
    return []


def check_area_action(action: Any, where: str) -> rules.Problems:
    problems = rules.check_action(action, where, MAX_ACTION_LABEL)
    if isinstance(action, dict) and action.get("type") == "richmenuswitch":
        alias = action.get("richMenuAliasId")
        if not isinstance(alias, str) or not ALIAS_ID.match(alias):
            problems.append((f"{where}.richMenuAliasId", "must match ^[a-z0-9_-]{1,32}$"))
        data = action.get("data")
        if not isinstance(data, str) or not 0 < len(data) <= rules.MAX_POSTBACK_DATA:
            problems.append((f"{where}.data", "Length must be between 1 and 300"))
    return problems


def check_menu(body: Any) -> rules.Problems:
    """Every way `body` breaks LINE's rules for a rich menu object."""
    if not isinstance(body, dict):
        return [("", "must be a rich menu object")]
    problems = check_size(body.get("size"))
    if not isinstance(body.get("selected"), bool):
        problems.append(("selected", "must be true or false"))
    name = body.get("name")
    if not isinstance(name, str) or not 0 < len(name) <= MAX_NAME:
        problems.append(("name", f"Length must be between 1 and {MAX_NAME}"))
    bar = body.get("chatBarText")
    if not isinstance(bar, str) or not 0 < len(bar) <= MAX_CHAT_BAR:
        problems.append(("chatBarText", f"Length must be between 1 and {MAX_CHAT_BAR}"))
    areas = body.get("areas")
    if not isinstance(areas, list) or len(areas) > MAX_AREAS:
        return problems + [("areas", f"must be an array of at most {MAX_AREAS} areas")]
    if problems:
        return problems
    size = (body["size"]["width"], body["size"]["height"])
    for i, area in enumerate(areas):
        area = area if isinstance(area, dict) else {}
        problems += check_bounds(area.get("bounds"), size, f"areas[{i}].bounds")
        problems += check_area_action(area.get("action"), f"areas[{i}].action")
    return problems


def check_image(data: bytes, content_type: str, size: tuple[int, int]) -> str | None:
    """Why LINE would refuse `data` as the image of a menu of `size`; None if it is fine."""
    expected = IMAGE_TYPES.get(content_type.split(";")[0].strip().lower())
    if expected is None:
        return "Content-Type must be image/png or image/jpeg"
    if len(data) > MAX_IMAGE_BYTES:
        return f"image is {len(data)} bytes, over {MAX_IMAGE_BYTES}"
    try:
        with Image.open(io.BytesIO(data)) as image:
            found, dimensions = image.format, image.size
    except (UnidentifiedImageError, OSError):
        return "not an image"
    if found != expected:
        return f"the image is {found}, not {expected} as Content-Type says"
    if dimensions != size:
        return f"image is {dimensions[0]}x{dimensions[1]}, the rich menu is {size[0]}x{size[1]}"
    return None


def new_menu_id() -> str:
    return "richmenu-" + uuid.uuid4().hex


def register(app: Flask, fake: FakeLine) -> None:
    """Add the rich menu endpoints to the fake platform's app."""
    _menu_routes(app, fake)
    _default_and_link_routes(app, fake)
    _alias_routes(app, fake)


def _not_found(fake: FakeLine) -> Response:
    return fake._answer(404, {"message": "Not found"})


def _menu_routes(app: Flask, fake: FakeLine) -> None:
    state = fake.richmenus

    @app.post("/v2/bot/richmenu")
    def create_menu() -> Response:
        body = request.get_json(silent=True)
        problems = check_menu(body)
        if problems:
            return fake._bad(problems)
        with fake.lock:
            if len(state.menus) >= MAX_MENUS:
                return fake._bad([("", f"at most {MAX_MENUS} rich menus per channel")])
            menu = StoredMenu(new_menu_id(), body)
            state.menus[menu.rich_menu_id] = menu
        return fake._answer(200, {"richMenuId": menu.rich_menu_id})

    @app.get("/v2/bot/richmenu/list")
    def list_menus() -> Response:
        with fake.lock:
            menus = [menu.as_json() for menu in state.menus.values()]
        return fake._answer(200, {"richmenus": menus})

    @app.get("/v2/bot/richmenu/<menu_id>")
    def get_menu(menu_id: str) -> Response:
        menu = state.menus.get(menu_id)
        return fake._answer(200, menu.as_json()) if menu else _not_found(fake)

    @app.delete("/v2/bot/richmenu/<menu_id>")
    def delete_menu(menu_id: str) -> Response:
        with fake.lock:
            if menu_id not in state.menus:
                return _not_found(fake)
            if menu_id in state.aliases.values():
                return fake._bad([("richMenuId", "the rich menu is used by a rich menu alias")])
            state.forget(menu_id)
        return fake._answer(200, {})

    @app.post("/v2/bot/richmenu/<menu_id>/content")
    def upload_image(menu_id: str) -> Response:
        data = request.get_data()
        with fake.lock:
            menu = state.menus.get(menu_id)
            if menu is None:
                return _not_found(fake)
            if menu.image is not None:
                return fake._bad([("", "An image has already been uploaded to the richmenu")])
            problem = check_image(data, request.content_type or "", menu.size)
            if problem:
                return fake._bad([("", problem)])
            menu.image, menu.content_type = data, request.content_type
        return fake._answer(200, {})

    @app.get("/v2/bot/richmenu/<menu_id>/content")
    def download_image(menu_id: str) -> Response:
        menu = state.menus.get(menu_id)
        if menu is None or menu.image is None:
            return _not_found(fake)
        fake._record(200, None)
        return Response(menu.image, 200, mimetype=menu.content_type)


def _usable(fake: FakeLine, menu_id: str) -> Response | None:
    """An error answer unless `menu_id` exists and has its image."""
    menu = fake.richmenus.menus.get(menu_id)
    if menu is None:
        return _not_found(fake)
    if menu.image is None:
        return fake._bad([("", "must upload richmenu image before applying it to user")])
    return None


def _default_and_link_routes(app: Flask, fake: FakeLine) -> None:
    state = fake.richmenus

    @app.post("/v2/bot/user/all/richmenu/<menu_id>")
    def set_default(menu_id: str) -> Response:
        with fake.lock:
            refused = _usable(fake, menu_id)
            if refused:
                return refused
            state.default = menu_id
        return fake._answer(200, {})

    @app.get("/v2/bot/user/all/richmenu")
    def get_default() -> Response:
        if state.default is None:
            return _not_found(fake)
        return fake._answer(200, {"richMenuId": state.default})

    @app.delete("/v2/bot/user/all/richmenu")
    def clear_default() -> Response:
        with fake.lock:
            state.default = None
        return fake._answer(200, {})

    @app.post("/v2/bot/user/<user_id>/richmenu/<menu_id>")
    def link(user_id: str, menu_id: str) -> Response:
        if not rules.USER_ID.match(user_id):
            return fake._bad([("userId", "must be a user id (U and 32 hex digits)")])
        with fake.lock:
            refused = _usable(fake, menu_id)
            if refused:
                return refused
            state.links[user_id] = menu_id
            state.shown.pop(user_id, None)
        return fake._answer(200, {})

    @app.get("/v2/bot/user/<user_id>/richmenu")
    def linked(user_id: str) -> Response:
        menu_id = state.links.get(user_id)
        return fake._answer(200, {"richMenuId": menu_id}) if menu_id else _not_found(fake)

    @app.delete("/v2/bot/user/<user_id>/richmenu")
    def unlink(user_id: str) -> Response:
        if not rules.USER_ID.match(user_id):
            return fake._bad([("userId", "must be a user id (U and 32 hex digits)")])
        with fake.lock:
            state.links.pop(user_id, None)
            state.shown.pop(user_id, None)
        return fake._answer(200, {})


def _alias_routes(app: Flask, fake: FakeLine) -> None:
    state = fake.richmenus

    @app.post("/v2/bot/richmenu/alias")
    def create_alias() -> Response:
        body = request.get_json(silent=True) or {}
        alias_id, menu_id = body.get("richMenuAliasId"), body.get("richMenuId")
        if not isinstance(alias_id, str) or not ALIAS_ID.match(alias_id):
            return fake._bad([("richMenuAliasId", "must match ^[a-z0-9_-]{1,32}$")])
        with fake.lock:
            if alias_id in state.aliases:
                return fake._bad([("richMenuAliasId", "conflict: the alias already exists")])
            if len(state.aliases) >= MAX_ALIASES:
                return fake._bad([("", f"at most {MAX_ALIASES} rich menu aliases")])
            refused = _usable(fake, str(menu_id))
            if refused:
                return fake._bad([("richMenuId", "no such rich menu with an image")])
            state.aliases[alias_id] = str(menu_id)
        return fake._answer(200, {})

    @app.get("/v2/bot/richmenu/alias/list")
    def list_aliases() -> Response:
        with fake.lock:
            aliases = [{"richMenuAliasId": a, "richMenuId": m} for a, m in state.aliases.items()]
        return fake._answer(200, {"aliases": aliases})

    @app.get("/v2/bot/richmenu/alias/<alias_id>")
    def get_alias(alias_id: str) -> Response:
        menu_id = state.aliases.get(alias_id)
        if menu_id is None:
            return _not_found(fake)
        return fake._answer(200, {"richMenuAliasId": alias_id, "richMenuId": menu_id})

    @app.post("/v2/bot/richmenu/alias/<alias_id>")
    def update_alias(alias_id: str) -> Response:
        menu_id = (request.get_json(silent=True) or {}).get("richMenuId")
        with fake.lock:
            if alias_id not in state.aliases:
                return fake._bad([("richMenuAliasId", "richmenu alias id not found")])
            if _usable(fake, str(menu_id)):
                return fake._bad([("richMenuId", "no such rich menu with an image")])
            state.aliases[alias_id] = str(menu_id)
        return fake._answer(200, {})

    @app.delete("/v2/bot/richmenu/alias/<alias_id>")
    def delete_alias(alias_id: str) -> Response:
        with fake.lock:
            if state.aliases.pop(alias_id, None) is None:
                return fake._bad([("richMenuAliasId", "richmenu alias id not found")])
        return fake._answer(200, {})


def tap_area(fake: FakeLine, user: FakeUser, index: int) -> dict[str, Any]:
    """The user taps area `index` of the menu their LINE app shows; returns the action."""
    menu = fake.richmenus.showing(user.user_id)
    if menu is None:
        raise LookupError(f"{user.display_name} has no rich menu")
    action: dict[str, Any] = menu.body["areas"][index]["action"]
    kind = action["type"]
    if kind == "message":
        fake.say(user, action["text"])
    elif kind == "postback":
        fake.tap(user, action["data"], action.get("displayText"))
    elif kind == "richmenuswitch":
        _switch(fake, user, action)
    else:
        raise NotImplementedError(f"the fake cannot tap a {kind} action")
    return action


def _switch(fake: FakeLine, user: FakeUser, action: dict[str, Any]) -> None:
    """Show the aliased menu and tell the bot, as LINE does, with a postback event."""
    with fake.lock:
        target = fake.richmenus.aliases.get(action["richMenuAliasId"])
        if target is not None:
            fake.richmenus.shown[user.user_id] = target
    status = "SUCCESS" if target else "RICHMENU_ALIAS_ID_NOTFOUND"
    params = {"newRichMenuAliasId": action["richMenuAliasId"], "status": status}
    event = fake._event(
        user.user_id, "postback", postback={"data": action["data"], "params": params}
    )
    fake.post_webhook([event])
