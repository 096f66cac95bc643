"""Images LINE fetches from BASE_URL, behind unguessable tokens: member-card QR codes,
coupons (ticket, preview, QR alone: drawn once, then kept), reward and broadcast pictures,
segment charts."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from flask import Blueprint, Response, abort
from sqlmodel import Session
from werkzeug.routing import BaseConverter

from bot.web import shell
from handlers.coupon_views import coupon_face
from handlers.scan_texts import award_text
from handlers.views.charts import bar_chart
from handlers.views.coupon_image import coupon_pictures
from handlers.views.insight_charts import draw_chart
from handlers.views.qr import qr_png
from storage import coupons, insight_series, media_files, members, rewards

bp = Blueprint("media", __name__, url_prefix="/media")


class TokenConverter(BaseConverter):
    """`<token:…>` in a route: only what `codes.token()` makes (URL-safe base64) matches, so
    a NUL, a non-ASCII character or a 5,000-character guess is a 404 before any query."""

    regex = r"[A-Za-z0-9_-]{1,64}"


def award_link(basic_id: str, member_code: str) -> str:
    """What a member card's QR holds: LINE opens the shop chat with `award <code>` typed."""
    return f"https://line.me/R/oaMessage/{basic_id}/?{quote(award_text(member_code))}"


def _member_code(session: Session, token: str) -> str | None:
    member = members.find_member_by_card_token(session, token)
    return member.code if member else None


@bp.get("/card/<token:token>.png")
def member_card_qr(token: str) -> Response:
    code = shell.look_up(token, _member_code)
    if code is None:
        abort(404)
    basic_id = shell.services().settings.basic_id
    response = Response(qr_png(award_link(basic_id, code)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


# rewards and coupons


def _coupon_part(part: str) -> Callable[[Session, str], bytes | None]:
    """Finds one of a coupon's pictures: kept since the first fetch of any of the three, or
    drawn now, all three from one drawing, and kept."""

    def find(session: Session, token: str) -> bytes | None:
        found = coupons.find_by_image_token(session, token)
        if found is None:
            return None
        kept = media_files.find_coupon_picture(session, token, part)
        if kept is not None:
            return kept
        drawn = coupon_pictures(coupon_face(shell.services().shop, *found))
        parts = {"full": drawn.full, "preview": drawn.preview, "qr": drawn.qr}
        media_files.keep_coupon_pictures(session, token, parts)
        return parts[part]

    return find


def _png(data: bytes) -> Response:
    response = Response(data, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


def _coupon_png(token: str, part: str) -> Response:
    data = shell.look_up(token, _coupon_part(part))
    if data is None:
        abort(404)
    return _png(data)


@bp.get("/coupon/<token:token>.png")
def coupon_picture(token: str) -> Response:
    """The coupon as a ticket: reward, QR, code, expiry, shop."""
    return _coupon_png(token, "full")


@bp.get("/coupon/<token:token>/preview.png")
def coupon_preview(token: str) -> Response:
    """The same ticket, small, for the chat's preview (LINE allows at most 1 MB)."""
    return _coupon_png(token, "preview")


@bp.get("/coupon/<token:token>/qr.png")
def coupon_qr(token: str) -> Response:
    """The coupon's QR alone, for the Flex card."""
    return _coupon_png(token, "qr")


def _picture(session: Session, token: str) -> tuple[bytes, str] | None:
    stored = rewards.find_picture(session, token)
    return (stored.data, stored.content_type) if stored else None


@bp.get("/picture/<token:token>.jpg")
def reward_picture(token: str) -> Response:
    """A reward's picture as the owner sent it (made at most 1024 px)."""
    found = shell.look_up(token, _picture)
    if found is None:
        abort(404)
    response = Response(found[0], mimetype=found[1])
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


# segments and broadcasts, insights


def _chart(session: Session, token: str) -> bytes | None:
    row = media_files.find(session, token)
    if row is None or not row.spec:
        return None
    if row.data is None:
        if row.kind == insight_series.CHART_KIND:
            drawn = draw_chart(row.spec, shell.services().settings.shop_color)
        else:
            drawn = bar_chart(row.spec)
        media_files.keep_drawing(session, row, drawn)
    return row.data


@bp.get("/chart/<token:token>.png")
def chart(token: str) -> Response:
    """A chart (segments, or the owner's statistics): drawn from its stored numbers on the
    first fetch, then kept."""
    data = shell.look_up(token, _chart)
    if data is None:
        abort(404)
    return _png(data)
