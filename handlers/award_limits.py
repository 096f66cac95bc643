"""The owner's limits on awards: the amount above which a cashier confirms an award, and
each cashier's daily ceiling (over it, an award waits for the owner's approval).

Typed in full (`award confirm above 5000`) or tapped: each answer offers the next step as
quick replies that send the same words, so a tap and a typed command are one path.
"""

from __future__ import annotations

from handlers.award_approval import baht
from handlers.i18n import means, normalise
from handlers.router import Context, router
from handlers.staff import to_satang
from handlers.views.messages import Choice, Message, text
from storage import award_limits, members
from storage.models import LineUser, Role

Baht = int | None  # satang, or None for no limit
CONFIRM_STEPS = (3_000, 5_000, 10_000, 20_000)
DAILY_STEPS = (10_000, 20_000, 50_000, 100_000)


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
    choices = [
        Choice(ctx.t("qr_limits_confirm"), ctx.t("cmd_award_confirm_above")),
        Choice(ctx.t("qr_limits_daily"), ctx.t("cmd_award_daily_limit")),
        *[
            Choice(
                ctx.t("qr_limits_cashier", cashier=name),
                f"{ctx.t('cmd_award_daily_limit')} {name}",
            )
            for name in _cashier_names(ctx)
        ],
    ]
    return [text("\n".join([*lines, "", ctx.t("limits_usage")]), choices)]


def _cashier_names(ctx: Context) -> list[str]:
    people = members.list_staff(ctx.session)
    return [_name(p) for p in people if p.role == Role.STAFF][:10]


def _amounts(ctx: Context, command: str, steps: tuple[int, ...]) -> list[Choice]:
    """A quick reply per amount and one for none, each sending `command <amount>`."""
    said = [Choice(f"฿{amount:,}", f"{command} {amount}") for amount in steps]
    return [*said, Choice(ctx.t("limit_none"), f"{command} {ctx.t('word_off')}")]


@router.command("award confirm above", min_role=Role.OWNER)
def set_confirm_above(ctx: Context) -> list[Message]:
    """`award confirm above <baht | off>`: above it, the cashier confirms an award."""
    limit = _limit(ctx.args[0]) if len(ctx.args) == 1 else "bad"
    if isinstance(limit, str):
        command = ctx.t("cmd_award_confirm_above")
        return [text(ctx.t("limits_confirm_usage"), _amounts(ctx, command, CONFIRM_STEPS))]
    award_limits.set_confirm_above(ctx.session, limit, set_by=ctx.user.line_user_id)
    return [text(ctx.t("limits_confirm_set", amount=_shown(ctx, limit)))]


@router.command("award daily limit", min_role=Role.OWNER)
def set_daily_limit(ctx: Context) -> list[Message]:
    """`award daily limit [cashier name] <baht | off>`: over it, the owner approves."""
    limit = _limit(ctx.args[-1]) if ctx.args else "bad"
    if isinstance(limit, str):
        return _ask_daily(ctx)
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


def _ask_daily(ctx: Context) -> list[Message]:
    """No amount yet: amounts for every cashier, or for the cashier named."""
    command = ctx.t("cmd_award_daily_limit")
    typed = " ".join(ctx.args)
    named = [n for n in _cashier_names(ctx) if typed and normalise(n) == normalise(typed)]
    if named:
        amounts = _amounts(ctx, f"{command} {named[0]}", DAILY_STEPS)
        return [text(ctx.t("limits_daily_ask_own", cashier=named[0]), amounts)]
    cashiers = [
        Choice(ctx.t("qr_limits_cashier", cashier=name), f"{command} {name}")
        for name in _cashier_names(ctx)
    ]
    amounts = _amounts(ctx, command, DAILY_STEPS)
    return [text(ctx.t("limits_daily_usage"), [*amounts, *cashiers])]


def _name(person: LineUser) -> str:
    return person.display_name or person.line_user_id[-6:]
