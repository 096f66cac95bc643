"""The owner's limits on awards, typed: the amount above which a cashier confirms an award,
and each cashier's daily ceiling (over it, an award waits for the owner's approval)."""

from __future__ import annotations

from linebot.v3.messaging import Message

from handlers.award_approval import baht
from handlers.i18n import means, normalise
from handlers.router import Context, router
from handlers.staff import to_satang
from handlers.views.messages import text
from storage import award_limits, members
from storage.models import LineUser, Role

Baht = int | None  # satang, or None for no limit


def _limit(typed: str) -> Baht | str:
    """`5000` -> satang, `off` (`0`, `ปิด`) -> None; anything else -> "bad"."""
    if means(typed, "off") or means(typed, "none"):
        return None
    satang = to_satang(typed)
    return satang if satang is not None and satang >= 100 else "bad"


def _shown(ctx: Context, satang: int | None) -> str:
    return ctx.t("limit_none") if satang is None else ctx.t("limit_baht", amount=baht(satang))


@router.command("award limits", min_role=Role.OWNER)
def show_limits(ctx: Context) -> list[Message]:
    """The limits on awards as they are, and how to change them."""
    session = ctx.session
    lines = [
        ctx.t("limits_confirm", amount=_shown(ctx, award_limits.confirm_above(session))),
        ctx.t("limits_daily", amount=_shown(ctx, award_limits.daily_ceiling(session, ""))),
    ]
    names = {person.line_user_id: _name(person) for person in members.list_staff(session)}
    for user_id, satang in award_limits.own_ceilings(session).items():
        if user_id in names:
            lines.append(
                ctx.t("limits_daily_own", cashier=names[user_id], amount=_shown(ctx, satang))
            )
    return [text("\n".join([*lines, "", ctx.t("limits_usage")]))]


@router.command("award confirm above", min_role=Role.OWNER)
def set_confirm_above(ctx: Context) -> list[Message]:
    """`award confirm above <baht | off>`: above it, the cashier confirms an award."""
    limit = _limit(ctx.args[0]) if len(ctx.args) == 1 else "bad"
    if isinstance(limit, str):
        return [text(ctx.t("limits_confirm_usage"))]
    award_limits.set_confirm_above(ctx.session, limit, set_by=ctx.user.line_user_id)
    return [text(ctx.t("limits_confirm_set", amount=_shown(ctx, limit)))]


@router.command("award daily limit", min_role=Role.OWNER)
def set_daily_limit(ctx: Context) -> list[Message]:
    """`award daily limit [cashier name] <baht | off>`: over it, the owner approves."""
    limit = _limit(ctx.args[-1]) if ctx.args else "bad"
    if isinstance(limit, str):
        return [text(ctx.t("limits_daily_usage"))]
    if len(ctx.args) == 1:
        award_limits.set_daily_ceiling(ctx.session, limit, set_by=ctx.user.line_user_id)
        return [text(ctx.t("limits_daily_set", amount=_shown(ctx, limit)))]
    typed = normalise(" ".join(ctx.args[:-1]))
    cashiers = [p for p in members.list_staff(ctx.session) if normalise(_name(p)) == typed]
    if len(cashiers) != 1:
        known = ", ".join(_name(p) for p in members.list_staff(ctx.session) if p.role == Role.STAFF)
        key = "limits_cashier_unknown" if not cashiers else "limits_cashier_twice"
        return [text(ctx.t(key, cashier=" ".join(ctx.args[:-1]), known=known or "-"))]
    cashier = cashiers[0]
    award_limits.set_daily_ceiling(
        ctx.session, limit, set_by=ctx.user.line_user_id, staff_user_id=cashier.line_user_id
    )
    return [text(ctx.t("limits_daily_own_set", cashier=_name(cashier), amount=_shown(ctx, limit)))]


def _name(person: LineUser) -> str:
    return person.display_name or person.line_user_id[-6:]
