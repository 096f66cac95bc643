"""The owner's weekly segment alert, and the one tap that sends those customers a win-back."""

from __future__ import annotations

from sqlmodel import Session

from handlers.i18n import t
from handlers.jobs import SendWinbackOffers
from handlers.router import Context, Shop, router
from handlers.views.messages import Choice, Message, postback_data, text
from storage import lifecycle, members, phones, segment_alert
from storage.models import Role
from storage.segment_alert import Fallen

MAX_LISTED = 20


def _who(session: Session, fallen: Fallen) -> str:
    member = fallen.member
    user = members.line_user_of(session, member)
    name = user.display_name if user is not None and user.display_name else None
    phone = phones.masked(member.phone) if member.phone else ""
    return " ".join(part for part in (name, member.code, phone) if part)


def alert_messages(session: Session, shop: Shop, lang: str, week: str) -> list[Message]:
    """This week's fallen good customers, and a button to send them the win-back offer."""
    fallen = segment_alert.drops_of(session, week)
    reachable = sum(
        lifecycle.may_market_to(members.line_user_of(session, f.member)) for f in fallen
    )
    lines = [t(lang, "alert_title", shop=shop.name, count=len(fallen))]
    for item in fallen[:MAX_LISTED]:
        was, now = t(lang, f"seg_{item.drop.was}"), t(lang, f"seg_{item.drop.now}")
        lines.append(f"• {_who(session, item)}: {was} → {now}")
    if len(fallen) > MAX_LISTED:
        lines.append(t(lang, "alert_more", count=len(fallen) - MAX_LISTED))
    lines.append(t(lang, "alert_reachable", count=reachable))
    offer = Choice(t(lang, "qr_winback_offer"), data=postback_data("winback_offer", week=week))
    return [text("\n".join(lines), [offer])]


@router.postback("winback_offer", min_role=Role.OWNER)
def send_winback_offer(ctx: Context) -> list[Message]:
    """One tap on the weekly alert: the win-back offer goes to that week's fallen customers."""
    week = ctx.data.get("week", "")
    fallen = segment_alert.drops_of(ctx.session, week)
    if not fallen:
        return [text(ctx.t("alert_offer_none"))]
    asked = segment_alert.request_offers(ctx.session, week, by=ctx.user.line_user_id)
    if asked == 0:
        return [text(ctx.t("alert_offer_already"))]
    ctx.jobs.append(SendWinbackOffers())
    return [text(ctx.t("alert_offer_queued", count=asked))]
