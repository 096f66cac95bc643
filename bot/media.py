"""Images LINE fetches from BASE_URL: member-card QR codes, behind unguessable tokens."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app

from bot.qr import qr_png
from storage import members
from storage.db import transaction

bp = Blueprint("media", __name__, url_prefix="/media")


def award_link(basic_id: str, member_code: str) -> str:
    """What a member card's QR holds: LINE opens the shop chat with `award <code>` typed."""
    return f"https://line.me/R/oaMessage/{basic_id}/?{quote('award ' + member_code)}"


@bp.get("/card/<token>.png")
def member_card_qr(token: str) -> Response:
    services = current_app.extensions["loyalty"]
    with transaction(services.engine) as session:
        member = members.find_member_by_card_token(session, token)
        code = member.code if member else None
    if code is None:
        abort(404)
    response = Response(qr_png(award_link(services.settings.basic_id, code)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
