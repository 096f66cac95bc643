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

from typing import Any

from flask import Flask, Response, request

from bot.demo.fakeline import rules
from bot.demo.fakeline.platform import Platform
from bot.demo.fakeline.records import FakeUser
from bot.demo.fakeline.richmenu_rules import (
    ALIAS_ID,
    MAX_ALIASES,
    MAX_MENUS,
    check_image,
    check_menu,
)
from bot.demo.fakeline.richmenu_store import StoredMenu, new_menu_id


def register(app: Flask, fake: Platform) -> None:
    """Add the rich menu endpoints to the fake platform's app."""
    _menu_routes(app, fake)
    _default_and_link_routes(app, fake)
    _alias_routes(app, fake)


def _not_found(fake: Platform) -> Response:
    return fake._answer(404, {"message": "Not found"})


def _menu_routes(app: Flask, fake: Platform) -> None:
    state = fake.richmenus

    @app.post("/v2/bot/richmenu")
    def create_menu() -> Response:
        body = request.get_json(silent=True)
        problems = check_menu(body)
        if problems or not isinstance(body, dict):
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


def _usable(fake: Platform, menu_id: str) -> Response | None:
    """An error answer unless `menu_id` exists and has its image."""
    menu = fake.richmenus.menus.get(menu_id)
    if menu is None:
        return _not_found(fake)
    if menu.image is None:
        return fake._bad([("", "must upload richmenu image before applying it to user")])
    return None


def _default_and_link_routes(app: Flask, fake: Platform) -> None:
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


def _alias_routes(app: Flask, fake: Platform) -> None:
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


def tap_area(fake: Platform, user: FakeUser, index: int) -> dict[str, Any]:
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


def _switch(fake: Platform, user: FakeUser, action: dict[str, Any]) -> None:
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
