"""The customer's rewards: browse the catalogue, redeem points, list coupons."""

from __future__ import annotations

from handlers import coupon_views as views
from handlers.customer import menu
from handlers.numbers import whole_number
from handlers.router import Context, router
from handlers.views.messages import (
    MAX_BUBBLES,
    Button,
    Choice,
    Message,
    carousel,
    postback_data,
    text,
)
from handlers.views.reward_cards import RewardCard, more_bubble, reward_bubble
from storage import codes, coupons, rewards
from storage.coupons import RedeemRefused
from storage.models import Member, Reward, id_of

MAX_KEY = 32  # the confirmation key our buttons carry is 12 characters


def _page(start: int, total: int) -> tuple[int, bool]:
    """How many items fit on this page, and whether a "more" bubble follows them."""
    left = total - start
    return (MAX_BUBBLES - 1, True) if left > MAX_BUBBLES else (left, False)


def _start(ctx: Context) -> int:
    return whole_number(ctx.data.get("from", "0")) or 0


@router.command("rewards")
def show_rewards(ctx: Context) -> list[Message]:
    """The catalogue as a carousel: cost, stock left, and whether the member can afford it."""
    return _catalogue(ctx, 0)


@router.postback("rewards")
def more_rewards(ctx: Context) -> list[Message]:
    """The next page of the catalogue."""
    return _catalogue(ctx, _start(ctx))


def _catalogue(ctx: Context, start: int) -> list[Message]:
    total = rewards.count_rewards(ctx.session, active_only=True)
    if start >= total:
        return [text(ctx.t("rewards_none"), menu(ctx))]
    count, more = _page(start, total)
    shown = rewards.list_rewards(ctx.session, active_only=True, offset=start, limit=count)
    member = ctx.member
    taken = (
        coupons.issued_counts(ctx.session, id_of(member), [id_of(r) for r in shown])
        if member
        else {}
    )
    cards = [reward_card(ctx, r, member, taken.get(id_of(r), 0)) for r in shown]
    bubbles = [reward_bubble(card, ctx.shop.colors) for card in cards]
    if more:
        button = Button(
            ctx.t("rewards_more"), data=postback_data("rewards", **{"from": start + count})
        )
        hint = ctx.t("rewards_more_hint", left=total - start - count)
        bubbles.append(more_bubble(hint, button, ctx.shop.colors))
    intro = ctx.t("rewards_intro", points=member.points) if member else ctx.t("rewards_intro_guest")
    return [
        text(intro),
        carousel(ctx.t("rewards_alt", shop=ctx.shop.name), bubbles, menu(ctx)),
    ]


def reward_card(ctx: Context, reward: Reward, member: Member | None, taken: int) -> RewardCard:
    facts = [views.stock_text(ctx, reward), ctx.t("reward_valid_days", days=reward.valid_days)]
    if reward.limit_per_member is not None:
        facts.append(ctx.t("reward_limit", limit=reward.limit_per_member))
    button, note = _action(ctx, reward, member, taken)
    return RewardCard(
        name=views.reward_name(reward, ctx.lang),
        cost=ctx.t("reward_cost", points=f"{reward.points_cost:,}"),
        facts=facts,
        picture_url=views.picture_url(ctx.shop, reward),
        buttons=[button] if button else [],
        note=note,
    )


def _action(
    ctx: Context, reward: Reward, member: Member | None, taken: int
) -> tuple[Button | None, str | None]:
    """The redeem button, or a short note saying why there is none."""
    if member is None:
        return Button(ctx.t("qr_register"), text=ctx.t("cmd_register"), primary=False), None
    if reward.stock is not None and reward.stock <= 0:
        return None, ctx.t("reward_sold_out")
    if reward.limit_per_member is not None and taken >= reward.limit_per_member:
        return None, ctx.t("reward_limit_reached")
    if member.points < reward.points_cost:
        return None, ctx.t("reward_short", points=f"{reward.points_cost - member.points:,}")
    return Button(ctx.t("reward_redeem"), data=postback_data("redeem", reward=id_of(reward))), None


@router.postback("redeem")
def ask_to_confirm(ctx: Context) -> list[Message]:
    """Tapped redeem: say what it costs and ask for a yes (a one-time key makes it once only)."""
    member, reward = ctx.member, _reward(ctx)
    if member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    if reward is None or not reward.active:
        return [text(ctx.t("redeem_paused"), menu(ctx))]
    if member.points < reward.points_cost:
        return [text(ctx.t("redeem_no_points", points=member.points), menu(ctx))]
    confirm = postback_data("redeem_confirm", reward=id_of(reward), key=codes.short_code(12))
    choices = [
        Choice(ctx.t("qr_confirm_redeem"), data=confirm),
        Choice(ctx.t("qr_decline_redeem"), data=postback_data("redeem_decline")),
    ]
    question = ctx.t(
        "redeem_confirm",
        reward=views.reward_name(reward, ctx.lang),
        cost=f"{reward.points_cost:,}",
        left=f"{member.points - reward.points_cost:,}",
    )
    return [text(question, choices)]


@router.postback("redeem_decline")
def decline(ctx: Context) -> list[Message]:
    """Said no to the confirmation: nothing is spent."""
    return [text(ctx.t("redeem_declined"), menu(ctx))]


def _reward(ctx: Context) -> Reward | None:
    number = whole_number(ctx.data.get("reward", ""))
    return rewards.get_reward(ctx.session, number) if number is not None else None


@router.postback("redeem_confirm")
def redeem(ctx: Context) -> list[Message]:
    """Confirmed: points, stock and coupon in this event's transaction; then the coupon."""
    member, reward, key = ctx.member, _reward(ctx), ctx.data.get("key", "")
    if member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    if reward is None or not (key.isascii() and key.isalnum() and len(key) <= MAX_KEY):
        return [text(ctx.t("redeem_paused"), menu(ctx))]
    try:
        coupon = coupons.redeem(
            ctx.session,
            member_id=member.id,  # type: ignore[arg-type]
            reward_id=reward.id,  # type: ignore[arg-type]
            actor=ctx.user.line_user_id,
            idempotency_key=f"redeem:{member.id}:{key}",
            tz=ctx.shop.tz,
        )
    except RedeemRefused as refused:
        key_text = f"redeem_{refused.reason.value}"
        return [text(ctx.t(key_text, points=member.points), menu(ctx))]
    done = ctx.t("redeem_done", reward=views.reward_name(reward, ctx.lang), points=member.points)
    return [text(done), *views.coupon_messages(ctx, coupon, reward)]


@router.command("coupons")
def show_coupons(ctx: Context) -> list[Message]:
    """The member's unused, unexpired coupons, newest first, ready to show at the counter."""
    return _coupons(ctx, 0)


@router.postback("coupons")
def more_coupons(ctx: Context) -> list[Message]:
    """The next page of coupons."""
    return _coupons(ctx, _start(ctx))


def _coupons(ctx: Context, start: int) -> list[Message]:
    member = ctx.member
    if member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    history = [Choice(ctx.t("qr_coupon_history"), ctx.t("cmd_coupons_history"))]
    total = coupons.count_live_coupons(ctx.session, member.id)  # type: ignore[arg-type]
    if start >= total:
        return [text(ctx.t("coupons_none"), history + menu(ctx))]
    count, more = _page(start, total)
    live = coupons.live_coupons(ctx.session, member.id, offset=start, limit=count)  # type: ignore[arg-type]
    bubbles = [views.coupon_bubble_for(ctx, c, r) for c, r in live]
    if more:
        button = Button(
            ctx.t("rewards_more"), data=postback_data("coupons", **{"from": start + count})
        )
        hint = ctx.t("coupons_more_hint", left=total - start - count)
        bubbles.append(more_bubble(hint, button, ctx.shop.colors))
    alt = ctx.t("coupons_alt", count=total, shop=ctx.shop.name)
    return [text(ctx.t("coupons_intro", count=total)), carousel(alt, bubbles, history)]


@router.command("coupons history")
def coupon_history(ctx: Context) -> list[Message]:
    """Used, expired and cancelled coupons (the last 20)."""
    member = ctx.member
    if member is None:
        return [text(ctx.t("not_member"), menu(ctx))]
    past = coupons.past_coupons(ctx.session, member.id)  # type: ignore[arg-type]
    if not past:
        return [text(ctx.t("coupon_history_none"), menu(ctx))]
    lines = [ctx.t("coupon_history_title")]
    lines += [views.history_line(ctx, c, r) for c, r in past]
    return [text("\n".join(lines), menu(ctx))]
