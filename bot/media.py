"""Images LINE fetches from BASE_URL: member-card QR codes, charts and broadcast photos,
behind unguessable tokens."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app

from bot.charts import bar_chart
from bot.qr import qr_png
from storage import media_files, members
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


@bp.get("/file/<token>.<ext>")
def media_file(token: str, ext: str) -> Response:
    """A segment chart (drawn on first fetch, then kept) or a photo for a broadcast."""
    services = current_app.extensions["loyalty"]
    with transaction(services.engine) as session:
        row = media_files.find(session, token)
        if row is None:
            abort(404)
        if row.data is None and row.kind == "chart" and row.spec:
            media_files.keep_drawing(session, row, bar_chart(row.spec))
        data, content_type = row.data, row.content_type
    if data is None:
        abort(404)
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
