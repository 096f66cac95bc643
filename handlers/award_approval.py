"""An award over a cashier's daily ceiling waits for the owner: the owner gets a card with
approve and decline, the cashier is told it waits (and, later, what the owner decided)."""

from __future__ import annotations

from datetime import datetime, time

from sqlmodel import Session, select

from handlers.i18n import t
from handlers.router import Context
from handlers.views.messages import (
    Button,
    Message,
    flex,
    flex_box,
    flex_row,
    flex_text,
    postback_data,
    text,
)
from storage import award_limits, clock, phones
from storage.models import AwardRequest, LineUser, Member, Role, id_of

APPROVE, DECLINE = "award_approve", "award_decline"


def baht(satang: int) -> str:
    return f"{satang / 100:,.2f}".removesuffix(".00")


def who(member: Member) -> str:
    return f"{member.code} ({phones.masked(member.phone)})" if member.phone else member.code


def start_of_today(ctx: Context) -> datetime:
    today = clock.now().astimezone(ctx.shop.tz).date()
    return datetime.combine(today, time(0), ctx.shop.tz)


def over_ceiling(ctx: Context, satang: int) -> tuple[int, int] | None:
    """(awarded today, ceiling) when this award would take the cashier over their ceiling."""
    if ctx.role != Role.STAFF:
        return None
    ceiling = award_limits.daily_ceiling(ctx.session, ctx.user.line_user_id)
    if ceiling is None:
        return None
    today = award_limits.awarded_since(ctx.session, ctx.user.line_user_id, start_of_today(ctx))
    return (today, ceiling) if today + satang > ceiling else None


def cashier_name(session: Session, line_user_id: str) -> str:
    person = session.get(LineUser, line_user_id)
    return (person.display_name if person and person.display_name else None) or line_user_id[-6:]


def ask_owner(
    ctx: Context, member: Member, satang: int, key: str, today: int, ceiling: int
) -> list[Message]:
    """Write the request (once per key), push it to every owner, tell the cashier."""
    request, new = award_limits.ask_approval(
        ctx.session,
        key=key,
        staff_user_id=ctx.user.line_user_id,
        member_id=id_of(member),
        satang=satang,
    )
    values = {"amount": baht(satang), "who": who(member), "today": baht(today)}
    values["ceiling"] = baht(ceiling)
    if new:
        owners = ctx.session.exec(select(LineUser).where(LineUser.role == Role.OWNER))
        for owner in owners:
            ctx.push(owner, [_card(ctx, owner.language, request, values)], "award_approval")
    return [text(ctx.t("approval_waiting", **values))]


def _card(ctx: Context, lang: str, request: AwardRequest, values: dict[str, str]) -> Message:
    """What an owner sees: who awards what to whom, today's total, approve or decline."""
    name = cashier_name(ctx.session, request.staff_user_id)
    title = t(lang, "approval_title", cashier=name, amount=values["amount"])
    number = id_of(request)
    buttons = [
        Button(t(lang, "approval_approve"), data=postback_data(APPROVE, request=number)),
        Button(
            t(lang, "approval_decline"), data=postback_data(DECLINE, request=number), primary=False
        ),
    ]
    colors = ctx.shop.colors
    bubble = {
        "type": "bubble",
        "body": flex_box(
            [
                flex_text(title, weight="bold"),
                flex_row(t(lang, "approval_member"), values["who"]),
                flex_row(t(lang, "approval_today"), values["today"]),
                flex_row(t(lang, "approval_ceiling"), values["ceiling"]),
            ],
            spacing="sm",
        ),
        "footer": flex_box([b.as_flex(colors) for b in buttons], spacing="sm"),
    }
    return flex(title, bubble)
