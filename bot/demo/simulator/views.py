"""The simulator page (demo mode only) and its proxy to the fake LINE platform's `/_sim` API."""

from __future__ import annotations

import re
import urllib.request
from urllib.error import HTTPError, URLError

from flask import (
    Blueprint,
    Response,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from bot.services import Services
from bot.web import shell
from handlers.views.fonts import emoji_font_path, font_path

bp = Blueprint(
    "simulator",
    __name__,
    url_prefix="/simulator",
    static_folder="static",
    template_folder="templates",
)

SAFE_PATH = re.compile(r"^[A-Za-z0-9_\-/]+$")
PROXY_TIMEOUT = 60.0


def _services() -> Services:
    return shell.services()


@bp.get("")
def page() -> str:
    settings = _services().settings
    return render_template(
        "simulator.html",
        shop_name=settings.shop_name,
        basic_id=settings.basic_id,
        base_url=settings.base_url,
        time_zone=settings.shop_timezone,
    )


@bp.get("/font/noto-sans-thai.ttf")
def thai_font() -> Response:
    """Noto Sans Thai from its pip package, so Thai renders without system fonts."""
    return send_file(font_path(), mimetype="font/ttf", max_age=86400)


@bp.get("/font/noto-emoji.ttf")
def emoji_font() -> Response:
    """Noto Emoji (the pictures' emoji font), so emoji in chats never show as boxes."""
    return send_file(emoji_font_path(), mimetype="font/ttf", max_age=86400)


@bp.route("/api/<path:path>", methods=["GET", "POST"])
def api(path: str) -> Response | tuple[Response, int]:
    """Forward a simulator call to the fake platform (the app's LINE API endpoint)."""
    if not SAFE_PATH.match(path):
        abort(404)
    target = f"{_services().settings.api_endpoint}/_sim/{path}"
    if request.query_string:
        target += "?" + request.query_string.decode("ascii", "replace")
    forwarded = urllib.request.Request(
        target,
        data=request.get_data() if request.method == "POST" else None,
        headers={"Content-Type": request.content_type or "application/json"},
        method=request.method,
    )
    try:
        with urllib.request.urlopen(forwarded, timeout=PROXY_TIMEOUT) as answer:  # noqa: S310
            body, status, kind = answer.read(), answer.status, answer.headers["Content-Type"]
    except HTTPError as error:
        body, status, kind = error.read(), error.code, error.headers["Content-Type"]
    except (URLError, OSError):
        return jsonify(ok=False, error="the fake LINE platform is not running"), 502
    return Response(body, status, content_type=kind or "application/json")


def home() -> ResponseReturnValue:
    return redirect(url_for("simulator.page"))


@bp.record_once
def _add_home(state: BlueprintSetupState) -> None:
    """In demo mode `/` opens the simulator."""
    state.app.add_url_rule("/", "simulator_home", home)
