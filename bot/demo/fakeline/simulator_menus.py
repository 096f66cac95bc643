"""The simulator's view of rich menus: the menu a persona's LINE app shows, and tapping it.

What the page draws is what the fake platform says the user sees
(`RichMenus.showing`), and a tap goes through `richmenu_api.tap_area`, so the bot gets
exactly the events LINE sends: a text message, a postback (with its display text), or,
for a tab, the switch to the aliased menu and its postback.
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request

from bot.demo.fakeline.richmenu_api import tap_area
from bot.demo.fakeline.richmenu_store import StoredMenu
from bot.demo.fakeline.simulator_api import SimulatorApi, SimulatorError


def menu_json(api: SimulatorApi, menu: StoredMenu) -> dict[str, Any]:
    """The menu as the page draws it: size, chat bar text, image and areas.

    An area that switches menus also names the menu it leads to, so the page can load
    that picture ahead and switch without a blank moment, as the LINE app does.
    """
    with api.fake.lock:
        aliases = dict(api.fake.richmenus.aliases)
    areas = []
    for area in menu.body["areas"]:
        target = aliases.get(area["action"].get("richMenuAliasId", ""))
        areas.append({**area, "switchesTo": target})
    return {
        "id": menu.rich_menu_id,
        "size": menu.body["size"],
        "chatBarText": menu.body["chatBarText"],
        "selected": bool(menu.body.get("selected")),
        "image": f"richmenu/{menu.rich_menu_id}/image",
        "areas": areas,
    }


def install_menus(api: SimulatorApi) -> None:
    """Add `/_sim/richmenu...` routes to the fake platform's app."""
    fake = api.fake

    def stored(menu_id: str) -> StoredMenu:
        with fake.lock:
            menu = fake.richmenus.menus.get(menu_id)
        if menu is None or menu.image is None:
            raise SimulatorError("no such rich menu", 404)
        return menu

    def showing() -> Response:
        """`?user=U...`: the menu that persona's LINE app shows, or null."""
        persona = api.persona(request.args.get("user"))
        menu_id = api.menu_id(persona.user.user_id)
        return jsonify(menu=menu_json(api, stored(menu_id)) if menu_id else None)

    def one(menu_id: str) -> Response:
        return jsonify(menu=menu_json(api, stored(menu_id)))

    def image(menu_id: str) -> Response:
        menu = stored(menu_id)
        answer = Response(menu.image, 200, mimetype=menu.content_type)
        answer.headers["Cache-Control"] = "max-age=3600, immutable"
        return answer

    def tap() -> Response:
        """`{user, menu, area}`: tap area number `area` of the menu the persona sees."""
        body = request.get_json(silent=True) or {}
        persona = api.persona(body.get("user"))
        api.require_friend(persona)
        menu_id = api.menu_id(persona.user.user_id)
        if menu_id is None or menu_id != body.get("menu"):
            raise SimulatorError("the menu has changed: look again", 409)
        index = body.get("area")
        if not isinstance(index, int) or not 0 <= index < len(stored(menu_id).body["areas"]):
            raise SimulatorError("no such area in this menu")
        return api.deliver(lambda: tap_area(fake, persona.user, index))

    app = fake.app
    app.add_url_rule("/_sim/richmenu", "sim_richmenu", showing, methods=["GET"])
    app.add_url_rule("/_sim/richmenu/tap", "sim_richmenu_tap", tap, methods=["POST"])
    app.add_url_rule("/_sim/richmenu/<menu_id>", "sim_richmenu_one", one, methods=["GET"])
    app.add_url_rule("/_sim/richmenu/<menu_id>/image", "sim_richmenu_image", image, methods=["GET"])
