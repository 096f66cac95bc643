"""A photo from staff: what the QR in it may do.

A QR in a photo did not come from the cashier's own typing: anyone can print one and hold
it up at the counter. So a photo only does what photos are for, and never more than a tap
would: use a coupon (`redeem <coupon code>`, or the bare code), or open the amount question
for a member card (`award <member code>`, no amount). Anything else the QR says, or any
extra word after the code, is shown to the cashier and nothing runs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from urllib.parse import unquote

from handlers.coupons_staff import use_coupon
from handlers.customer import picture_received
from handlers.router import Context, Shop, normalise, router
from handlers.scan_texts import award_text, redeem_text
from handlers.staff import award, is_member_code
from handlers.views.messages import Message, text
from storage import coupons
from storage.models import Role

MAX_SHOWN = 300  # characters of a QR's text shown back to the cashier


def _said(shop: Shop, found: str) -> str:
    """What the QR would type in: the text of a link to this shop's chat, else all of it."""
    base = shop.oa_message_base
    return unquote(found[len(base) :]) if found.startswith(base) else found


def photo_command(shop: Shop, found: str) -> str | None:
    """The command a photographed QR may run (`redeem C-…` or `award M…`), or None."""
    words = normalise(_said(shop, found)).split()
    if len(words) == 1:
        code = coupons.normalise_code(words[0])
        return redeem_text(code) if code else None
    if len(words) != 2:
        return None
    matched = router.match(" ".join(words))
    if matched is None or len(matched[1]) != 1:
        return None
    command, (argument,) = matched
    if command.handler is use_coupon:
        code = coupons.normalise_code(argument)
        return redeem_text(code) if code else None
    if command.handler is award and is_member_code(argument):
        return award_text(argument.upper())
    return None


def what_it_says(shop: Shop, found: str) -> str:
    """The QR's text as a person reads it: a shop link shows the text it would type in."""
    said = _said(shop, found)
    shown = "".join(c if c == "\n" or unicodedata.category(c)[0] != "C" else "\ufffd" for c in said)
    return shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 1] + "…"


@router.on("image")
def read_photo(ctx: Context) -> list[Message]:
    """A photo from staff: a coupon's QR is used, a member card's QR asks the amount."""
    if ctx.role.rank < Role.STAFF.rank:
        return picture_received(ctx)
    found = ctx.event.decoded_text
    if not found:
        return [text(ctx.t("photo_no_qr"))]
    typed = photo_command(ctx.shop, found)
    if typed is None:
        return [text(ctx.t("photo_qr_says", said=what_it_says(ctx.shop, found)))]
    # Answered as the command itself, never as an answer to a dialog the cashier left open.
    ctx.event = replace(ctx.event, kind="text", text=typed)
    ctx.dialog = None
    return router.dispatch(ctx)
