"""The member's own data, behind the one-time link `my data` gives (valid 24 hours).

Opening the link shows a page with a download button; only the button's POST hands the
file out and uses the link up, so LINE's link preview (which fetches the page) does not.
"""

from __future__ import annotations

import json
from html import escape

from flask import Blueprint, Response, send_file
from sqlmodel import Session

from bot.web import shell
from handlers.i18n import t
from handlers.views.fonts import font_path
from storage import members, privacy

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title>
<style>@font-face{{font-family:"Noto Sans Thai";src:url("/privacy/font/noto-sans-thai.ttf")
format("truetype");font-weight:100 900}}
body{{font-family:"Noto Sans Thai",sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;
line-height:1.5}}button{{font-size:1.1rem;padding:.7rem 1.2rem;border:0;border-radius:.5rem;
background:#06C755;color:#fff;font-family:inherit}}</style></head>
<body><h1>{title}</h1><p>{body}</p>{form}</body></html>"""


def _page(lang: str, body: str, form: str = "", status: int = 200) -> Response:
    shop = shell.services().settings.shop_name
    html = PAGE.format(
        lang=lang, title=escape(t(lang, "export_title", shop=shop)), body=escape(body), form=form
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _language(session: Session, token: str) -> str | None:
    """The owner's language if the link is still good, else None."""
    export = privacy.find_export(session, token)
    if export is None:
        return None
    user = members.get_line_user(session, export.line_user_id)
    return user.language if user is not None else "th"


@bp.get("/font/noto-sans-thai.ttf")
def thai_font() -> Response:
    """Noto Sans Thai from its pip package, so the page reads on a phone without Thai fonts."""
    return send_file(font_path(), mimetype="font/ttf", max_age=86400)


@bp.get("/export/<token:token>")
def export_page(token: str) -> Response:
    lang = shell.look_up(token, _language)
    if lang is None:
        return _page("th", f"{t('th', 'export_gone')}\n{t('en', 'export_gone')}", status=410)
    button = f'<form method="post"><button>{escape(t(lang, "export_button"))}</button></form>'
    return _page(lang, t(lang, "export_body"), button)


@bp.post("/export/<token:token>")
def export_download(token: str) -> Response:
    data = shell.look_up(token, privacy.take_export)
    if data is None:
        return _page("th", f"{t('th', 'export_gone')}\n{t('en', 'export_gone')}", status=410)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response.headers["Cache-Control"] = "no-store"
    return response
