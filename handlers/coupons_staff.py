"""The cashier's coupons: use one by code or scan (photos: handlers/photo_qr.py); the owner
cancels one."""

from __future__ import annotations

from sqlmodel import Session

from handlers import coupon_views as views
from handlers.customer import notify
from handlers.dates import show_time
from handlers.router import Context, router
from handlers.views.messages import Choice, Message, text
from storage import coupons, members, phones
from storage.coupons import Use, UseResult
from storage.models import LineUser, Member, Role


def _who(member: Member | None) -> str:
    if member is None:
        return "-"
    return f"{member.code} ({phones.masked(member.phone)})" if member.phone else member.code


def _staff_name(session: Session, line_user_id: str | None) -> str:
    if not line_user_id:
        return "-"
    person = members.get_line_user(session, line_user_id)
    return (person.display_name if person and person.display_name else None) or line_user_id[-6:]


@router.command("redeem", min_role=Role.STAFF)
def use_coupon(ctx: Context) -> list[Message]:
    """`redeem <code>` (what LINE's QR reader types in): use the coupon once."""
    code = coupons.normalise_code(" ".join(ctx.args)) if ctx.args else None
    if code is None:
        typed = " ".join(ctx.args)
        return [text(ctx.t("use_unknown", code=typed) if typed else ctx.t("use_usage"))]
    result = coupons.use_coupon(ctx.session, code=code, staff_user_id=ctx.user.line_user_id)
    ctx.audit_subject = result.member
    if result.outcome == Use.USED_NOW:
        _tell_customer(ctx, result, "coupon_used_notice")
    return [text(_answer(ctx, code, result))]


def _answer(ctx: Context, code: str, result: UseResult) -> str:
    """What the cashier reads: used now, used before (when, by whom), expired, cancelled."""
    coupon, reward = result.coupon, result.reward
    if coupon is None or reward is None:
        return ctx.t("use_unknown", code=code)
    values = {
        "code": code,
        "reward": views.reward_name(reward, ctx.lang),
        "who": _who(result.member),
        "points": f"{coupon.points:,}",
    }
    if coupon.used_at is not None:
        values["when"] = views.show_time(ctx.lang, coupon.used_at, ctx.shop.tz)
        values["staff"] = _staff_name(ctx.session, coupon.used_by)
    else:
        values["when"] = views.show_date(ctx.lang, coupon.expires_at, ctx.shop.tz)
    return ctx.t(f"use_{result.outcome.value}", **values)


def _tell_customer(ctx: Context, result: UseResult, key: str) -> None:
    assert result.member is not None and result.reward is not None and result.coupon is not None
    customer: LineUser | None = members.line_user_of(ctx.session, result.member)
    if customer is None:
        return
    notify(
        ctx,
        customer,
        key,
        reward=views.reward_name(result.reward, customer.language),
        code=result.coupon.code,
        points=f"{result.coupon.points:,}",
        balance=f"{result.member.points:,}",
    )


@router.command("coupon cancel", min_role=Role.OWNER)
def cancel_coupon(ctx: Context) -> list[Message]:
    """`coupon cancel <code>`: an unused coupon is void and its points go back to the member."""
    if not ctx.args:
        return _latest_to_cancel(ctx)
    code = coupons.normalise_code(" ".join(ctx.args))
    if code is None:
        return [text(ctx.t("use_unknown", code=" ".join(ctx.args)))]
    result = coupons.cancel_coupon(
        ctx.session, code=code, actor=ctx.user.line_user_id, tz=ctx.shop.tz
    )
    ctx.audit_subject = result.member
    if result.coupon is None or result.reward is None:
        return [text(ctx.t("use_unknown", code=code))]
    if result.member is None:
        if result.outcome == Use.ALREADY_USED:
            return [text(_answer(ctx, code, result))]
        return [text(ctx.t("cancel_coupon_already", code=code))]
    _tell_customer(ctx, result, "coupon_cancelled_notice")
    reply = ctx.t(
        "cancel_coupon_done",
        code=code,
        reward=views.reward_name(result.reward, ctx.lang),
        points=f"{result.coupon.points:,}",
        who=_who(result.member),
        balance=f"{result.member.points:,}",
    )
    return [text(reply)]


def _latest_to_cancel(ctx: Context) -> list[Message]:
    """No code: the newest unused paid coupons, each a tap away from `coupon cancel <code>`."""
    found = coupons.latest_paid_coupons(ctx.session)
    if not found:
        return [text(ctx.t("cancel_coupon_none"))]
    lines = [ctx.t("cancel_coupon_pick")]
    for coupon, reward, member in found:
        when = show_time(ctx.lang, coupon.issued_at, ctx.shop.tz)
        lines.append(
            f"{coupon.code} · {views.reward_name(reward, ctx.lang)} · {_who(member)} · {when}"
        )
    lines.append(ctx.t("cancel_coupon_usage"))
    command = ctx.t("cmd_coupon_cancel")
    picks = [Choice(coupon.code, f"{command} {coupon.code}") for coupon, _, _ in found]
    return [text("\n".join(lines), picks)]
