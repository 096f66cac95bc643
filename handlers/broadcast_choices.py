"""The buttons of each broadcast step: every answer the dialog gives while it is open ends
with the quick replies that step accepts, so a button never disappears mid-dialog.

LINE shows only the last message's quick replies, so they go on each answer's last message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.router import Context
from handlers.views.messages import MAX_QUICK_REPLIES, Choice
from storage import audiences, segment_names


def audience_choices() -> list[str]:
    """What the owner can pick, numbered from 1 in this order."""
    return [*segment_names.ALL_SEGMENTS, audiences.EVERYONE, *audiences.EXTRA_AUDIENCES]


def cancel(ctx: Context) -> Choice:
    return Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))


def _pick(ctx: Context, name: str) -> Choice:
    return Choice(ctx.t(f"seg_{name}"), str(audience_choices().index(name) + 1))


def audience(ctx: Context, counts: Mapping[str, int] | None = None) -> list[Choice]:
    """The audience step: everyone, then each group that has someone to reach (all of them
    while the sizes are not known), then cancel; at most LINE's 13 buttons."""
    groups = [
        name
        for name in audience_choices()
        if name != audiences.EVERYONE and (counts is None or counts.get(name, 0) > 0)
    ]
    room = MAX_QUICK_REPLIES - 2
    picks = [_pick(ctx, name) for name in [audiences.EVERYONE, *groups[:room]]]
    return [*picks, cancel(ctx)]


READY_TEXTS = ("miss_you", "new_menu", "thank_you")


def message(ctx: Context) -> list[Choice]:
    """The message step takes typed text or a photo; a few ready texts are a tap away."""
    ready = [
        Choice(ctx.t(f"qr_bc_ready_{name}"), ctx.t(f"bc_ready_{name}", shop=ctx.shop.name))
        for name in READY_TEXTS
    ]
    return [*ready, cancel(ctx)]


def confirm(ctx: Context, data: Mapping[str, Any], rewards: list[tuple[int, str]]) -> list[Choice]:
    """The preview: send, test, edit, take off what was added, attach a coupon, cancel."""
    choices = [
        Choice(ctx.t("qr_bc_send"), ctx.t("word_bc_send")),
        Choice(ctx.t("qr_bc_test"), ctx.t("word_bc_test")),
        Choice(ctx.t("qr_bc_edit"), ctx.t("word_bc_edit")),
    ]
    if data.get("photo"):
        choices.append(Choice(ctx.t("qr_bc_no_photo"), ctx.t("word_bc_no_photo")))
    if data.get("holdout"):
        choices.append(Choice(ctx.t("qr_bc_no_holdout"), ctx.t("word_bc_no_holdout")))
    if data.get("reward"):
        choices.append(Choice(ctx.t("qr_bc_no_coupon"), ctx.t("word_bc_no_coupon")))
    else:
        room = MAX_QUICK_REPLIES - len(choices) - 1
        choices += [
            Choice(f"🎁 {name}", f"{ctx.t('word_coupon')} {reward_id}")
            for reward_id, name in rewards[:room]
        ]
    return [*choices, cancel(ctx)]
