"""The owner's reward list: every reward, paused ones too, as text with the numbers the
typed commands take, and as cards with an edit and a pause (or resume) button each.

The buttons carry the reward's number and go the typed commands' way; more than a
carousel's worth of rewards pages with a "more" card.
"""

from __future__ import annotations

from dataclasses import replace

from handlers import coupon_views as views
from handlers.numbers import whole_number
from handlers.rewards import reward_card
from handlers.rewards_owner import owner_menu, set_active, start_edit
from handlers.router import Context, router
from handlers.views.messages import MAX_BUBBLES, Button, Message, carousel, postback_data, text
from handlers.views.reward_cards import more_bubble, reward_bubble
from storage import rewards
from storage.models import Reward, Role, id_of

PAGE, EDIT, ACTIVE = "reward_page", "reward_edit_tap", "reward_active"


@router.command("reward list", min_role=Role.OWNER)
def list_rewards(ctx: Context) -> list[Message]:
    """Every reward with its number, cost, stock and state; then the cards to manage them."""
    every = rewards.list_rewards(ctx.session, active_only=False)
    if not every:
        return [text(ctx.t("reward_list_empty"), owner_menu(ctx))]
    lines = [ctx.t("reward_list_title")] + [_line(ctx, r) for r in every]
    lines.append(ctx.t("reward_list_hint"))
    return [text("\n".join(lines)), _cards(ctx, every, 0)]


def _line(ctx: Context, reward: Reward) -> str:
    parts = [
        f"#{reward.id} {reward.name_th}",
        ctx.t("reward_cost", points=f"{reward.points_cost:,}"),
        views.stock_text(ctx, reward),
        ctx.t("reward_issued", count=f"{reward.issued:,}"),
    ]
    if not reward.active:
        parts.append(ctx.t("reward_is_paused"))
    return " · ".join(parts)


def _bubble(ctx: Context, reward: Reward) -> dict[str, object]:
    number = id_of(reward)
    switch = "reward_resume_button" if not reward.active else "reward_pause_button"
    buttons = [
        Button(ctx.t("reward_edit_button"), data=postback_data(EDIT, reward=number)),
        Button(
            ctx.t(switch),
            data=postback_data(ACTIVE, reward=number, on=0 if reward.active else 1),
            primary=False,
        ),
    ]
    facts = [ctx.t("reward_issued", count=f"{reward.issued:,}")]
    if not reward.active:
        facts.append(ctx.t("reward_is_paused"))
    card = reward_card(ctx, reward, None, 0)
    card = replace(
        card,
        name=f"#{number} {reward.name_th}",
        facts=card.facts + facts,
        buttons=buttons,
        note=None,
    )
    return reward_bubble(card, ctx.shop.colors)


def _cards(ctx: Context, every: list[Reward], start: int) -> Message:
    left = every[start:]
    shown = left if len(left) <= MAX_BUBBLES else left[: MAX_BUBBLES - 1]
    bubbles = [_bubble(ctx, reward) for reward in shown]
    if len(shown) < len(left):
        more = Button(
            ctx.t("rewards_more"), data=postback_data(PAGE, **{"from": start + len(shown)})
        )
        hint = ctx.t("rewards_more_hint", left=len(left) - len(shown))
        bubbles.append(more_bubble(hint, more, ctx.shop.colors))
    return carousel(ctx.t("reward_list_alt", count=len(every)), bubbles, owner_menu(ctx))


def _tapped(ctx: Context) -> Reward | None:
    number = whole_number(ctx.data.get("reward", ""))
    return rewards.get_reward(ctx.session, number) if number is not None else None


@router.postback(PAGE, min_role=Role.OWNER)
def more_rewards(ctx: Context) -> list[Message]:
    """The next cards of the list."""
    every = rewards.list_rewards(ctx.session, active_only=False)
    start = whole_number(ctx.data.get("from", "0")) or 0
    if start >= len(every):
        return list_rewards(ctx)
    return [_cards(ctx, every, start)]


@router.postback(EDIT, min_role=Role.OWNER)
def edit_tapped(ctx: Context) -> list[Message]:
    """A card's edit button: as `reward edit <n>`."""
    reward = _tapped(ctx)
    if reward is None:
        return [text(ctx.t("reward_tap_not_found"), owner_menu(ctx))]
    return start_edit(ctx, reward)


@router.postback(ACTIVE, min_role=Role.OWNER)
def pause_or_resume_tapped(ctx: Context) -> list[Message]:
    """A card's pause or resume button: as `reward pause <n>` / `reward resume <n>`."""
    reward, wanted = _tapped(ctx), ctx.data.get("on")
    if reward is None or wanted not in ("0", "1"):
        return [text(ctx.t("reward_tap_not_found"), owner_menu(ctx))]
    return set_active(ctx, reward, wanted == "1")
