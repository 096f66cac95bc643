"""The owner's broadcast dialog: who, what, a preview exactly as customers see it, then send.

Steps: `audience` (numbers of segments, or everyone) -> `message` (the text; a photo may
be sent at any point) -> `confirm` (preview, recipients, quota; confirm, test, edit, photo
off, hold-out, coupon, or cancel). Sending is a background job; the chat only records it.
Every answer while the dialog is open ends with the buttons its step accepts
(handlers/broadcast_choices.py), and the group sizes are current (handlers/segment_scores.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from handlers import broadcast_choices as buttons
from handlers.broadcast_choices import audience_choices
from handlers.dates import show_time
from handlers.dialog import END, NOT_MINE, Dialog, End, Next, Outcome, Reply
from handlers.i18n import any_of, means
from handlers.jobs import RefreshQuota, SendBroadcast
from handlers.router import Context, StepContext, router
from handlers.segment_scores import PICKER, current_run
from handlers.views.messages import Choice, Message, image, text
from storage import audiences, campaigns, line_quota, rewards, segments
from storage.models import Role

AUDIENCE, MESSAGE, CONFIRM = "audience", "message", "confirm"
BROADCAST = router.dialog(
    Dialog(
        "broadcast",
        role=Role.OWNER,
        starts={AUDIENCE, MESSAGE},  # a segment's button skips the audience question
        moves={
            AUDIENCE: {MESSAGE},
            MESSAGE: {MESSAGE, CONFIRM},  # a photo first stays at the message
            CONFIRM: {CONFIRM, MESSAGE, END},  # change, edit the text, or send
        },
    )
)
Data = Mapping[str, Any]  # what the dialog remembers: audience, holdout, body, photo, reward
MAX_HOLDOUT = 50
_HOLDOUT = re.compile(rf"^{any_of('holdout')}\s*(\d{{1,3}})\s*%?$")
_COUPON = re.compile(rf"^{any_of('coupon')}\s*(\d{{1,6}})$")


def audience_label(ctx: Context, name: str) -> str:
    return ctx.t(f"seg_{name}")


def _counts(ctx: Context) -> dict[str, int]:
    return audiences.reachable_by_audience(ctx.session, audience_choices())


def ask_audience(ctx: Context, run: segments.Run) -> list[Message]:
    """The numbered groups with how many people each can reach now, a button for each."""
    counts = _counts(ctx)
    lines = [ctx.t("bc_pick")]
    for n, name in enumerate(audience_choices(), start=1):
        lines.append(f"{n}. {audience_label(ctx, name)} · {counts.get(name, 0):,}")
    lines.append(ctx.t("bc_pick_as_of", when=show_time(ctx.lang, run.computed_at, ctx.shop.tz)))
    return [text("\n".join(lines), buttons.audience(ctx, counts))]


@router.command("broadcast", min_role=Role.OWNER)
def start_broadcast(ctx: Context) -> list[Message]:
    """Start a broadcast: choose the groups first, by their sizes of now."""
    ctx.jobs.append(RefreshQuota())
    BROADCAST.start(ctx, AUDIENCE)
    run = current_run(ctx, show=PICKER)
    if run is None:  # a bigger shop's first scores: the job sends the picker when ready
        return [text(ctx.t("bc_pick_wait"), buttons.audience(ctx, {}))]
    return ask_audience(ctx, run)


@router.postback("broadcast", min_role=Role.OWNER)
def broadcast_to_segment(ctx: Context) -> list[Message]:
    """The button under a segment: a broadcast to that group, straight to the message."""
    segment = ctx.data.get("seg", "")
    if not audiences.known_audience(segment):
        return start_broadcast(ctx)
    ctx.jobs.append(RefreshQuota())
    BROADCAST.start(ctx, MESSAGE, audience=[segment], holdout=campaigns.DEFAULT_HOLDOUT)
    return _ask_message(ctx, [segment])


def _ask_message(ctx: Context, audience: list[str]) -> list[Message]:
    names = ", ".join(audience_label(ctx, a) for a in audience)
    return [text(ctx.t("bc_ask_message", audience=names), buttons.message(ctx))]


@BROADCAST.step(AUDIENCE)
def take_audience(ctx: StepContext) -> Outcome:
    """The owner typed the numbers of the groups (e.g. `1 3 5`)."""
    if ctx.event.kind != "text":
        return _pick_again(ctx)
    picked = [int(n) for n in re.findall(r"\d+", ctx.text)]
    options = audience_choices()
    if not picked and router.match(ctx.text) is not None:
        return NOT_MINE
    if not picked or any(not 1 <= n <= len(options) for n in picked):
        return _pick_again(ctx)
    audience = list(dict.fromkeys(options[n - 1] for n in picked))
    chosen = {"audience": audience, "holdout": campaigns.DEFAULT_HOLDOUT}
    return Next(MESSAGE, _ask_message(ctx, audience), chosen)


def _pick_again(ctx: StepContext) -> Reply:
    return Reply([text(ctx.t("bc_pick_numbers"), buttons.audience(ctx, _counts(ctx)))])


def _photo(ctx: Context) -> str | None:
    """Keep the photo the owner sent (fetched by the bot layer into `event.photo`): its token."""
    if ctx.event.kind != "image" or not ctx.event.photo:
        return None
    return rewards.store_picture(ctx.session, ctx.event.photo)


@BROADCAST.step(MESSAGE)
def take_message(ctx: StepContext) -> Outcome:
    """The text customers will get (a photo may come before it)."""
    if ctx.event.kind == "image":
        token = _photo(ctx)
        if token is None:
            return Reply([text(ctx.t("bc_photo_unreadable"), buttons.message(ctx))])
        added = text(ctx.t("bc_photo_added"), buttons.message(ctx))
        return Next(MESSAGE, [added], {"photo": token})
    body = ctx.event.text.strip()
    if not body:
        return Reply([text(ctx.t("bc_ask_text"), buttons.message(ctx))])
    return _change(ctx, body=body[:4000])


def _change(ctx: StepContext, **changes: Any) -> Next:
    """Remember `changes`, then show the preview again."""
    return Next(CONFIRM, preview(ctx, {**ctx.dialog.data, **changes}), changes)


def campaign_messages(ctx: Context, data: Data) -> list[Message]:
    """What every recipient will get: the text, the photo, and the coupon (when attached)."""
    messages: list[Message] = [text(data["body"])]
    if data.get("photo"):
        messages.append(image(f"{ctx.shop.base_url}/media/picture/{data['photo']}.jpg"))
    if data.get("reward"):
        extra = ctx.shop.coupons.messages(ctx.session, int(data["reward"]), ctx.lang)
        messages += extra
    return messages


def _quota_line(ctx: Context, receiving: int) -> str:
    quota = line_quota.latest_quota(ctx.session)
    if quota is None:
        return ctx.t("bc_quota_unknown", n=receiving)
    if quota.limit is None:
        return ctx.t("bc_quota_unlimited", n=receiving, used=quota.used)
    left = max(quota.limit - quota.used, 0)
    when = quota.fetched_at.astimezone(ctx.shop.tz).strftime("%H:%M")
    line = ctx.t("bc_quota", n=receiving, used=quota.used, limit=quota.limit, left=left, when=when)
    return line + ("\n" + ctx.t("bc_quota_short", left=left) if receiving > left else "")


def _summary(ctx: Context, data: Data) -> str:
    size = audiences.audience_size(ctx.session, data["audience"], data["holdout"])
    names = ", ".join(audience_label(ctx, a) for a in data["audience"])
    lines = [
        ctx.t("bc_to", audience=names),
        ctx.t("bc_chosen", n=size.chosen),
        ctx.t("bc_reachable", n=size.reachable),
        ctx.t("bc_held_out", n=size.held_out, percent=data["holdout"]),
        ctx.t("bc_receiving", n=size.receiving),
        _quota_line(ctx, size.receiving),
    ]
    return "\n".join(lines)


def _confirm(ctx: StepContext, key: str, **values: Any) -> Reply:
    """Stay at the preview: the text `key`, with the preview's buttons."""
    return Reply([text(ctx.t(key, **values), _confirm_choices(ctx, ctx.dialog.data))])


def _confirm_choices(ctx: Context, data: Data) -> list[Choice]:
    return buttons.confirm(ctx, data, ctx.shop.coupons.rewards(ctx.session, ctx.lang))


def _hints(ctx: Context, data: Data) -> str:
    """What the preview's buttons do, and what may be typed instead."""
    hints = [ctx.t("bc_confirm_hint")]
    rewards = ctx.shop.coupons.rewards(ctx.session, ctx.lang)
    if data.get("reward"):
        hints.append(ctx.t("bc_coupon_remove_hint"))
    elif rewards:
        listed = ", ".join(f"{i} {n}" for i, n in rewards)
        hints.append(ctx.t("bc_coupon_hint", rewards=listed))
    return "\n".join(hints)


def preview(ctx: Context, data: Data) -> list[Message]:
    """The campaign exactly as customers will see it, then the numbers and the choices."""
    messages = campaign_messages(ctx, data)
    intro = [text(ctx.t("bc_preview_intro", n=len(messages)))] if len(messages) <= 3 else []
    summary = text(_summary(ctx, data) + "\n\n" + _hints(ctx, data), _confirm_choices(ctx, data))
    return [*intro, *messages, summary]


@BROADCAST.step(CONFIRM)
def take_confirmation(ctx: StepContext) -> Outcome:
    """Send, test, edit, change the photo, hold-out or coupon, or cancel."""
    if ctx.event.kind == "image":
        token = _photo(ctx)
        return _change(ctx, photo=token) if token else _confirm(ctx, "bc_photo_unreadable")
    words: dict[str, Callable[[StepContext], Outcome]] = {
        "bc_send": _send,
        "bc_test": _send_test,
        "bc_edit": _edit,
        "bc_no_photo": _drop_photo,
        "bc_no_holdout": lambda c: _set_holdout(c, 0),
        "bc_no_coupon": lambda c: _change(c, reward=None),
    }
    action = next((act for word, act in words.items() if means(ctx.text, word)), None)
    if action is not None:
        return action(ctx)
    if match := _HOLDOUT.match(ctx.text):
        return _set_holdout(ctx, int(match.group(1)))
    if match := _COUPON.match(ctx.text):
        return _set_coupon(ctx, int(match.group(1)))
    if router.match(ctx.text) is not None:
        return NOT_MINE
    return _confirm(ctx, "bc_confirm_hint")


def _send(ctx: StepContext) -> Outcome:
    data = ctx.dialog.data
    campaign = campaigns.create_campaign(
        ctx.session,
        created_by=ctx.user.line_user_id,
        audience=data["audience"],
        messages=campaign_messages(ctx, data),
        holdout_percent=data["holdout"],
        reward_id=data.get("reward"),
    )
    size = audiences.audience_size(ctx.session, data["audience"], data["holdout"])
    ctx.jobs.append(SendBroadcast(campaign_id=campaign.id))  # type: ignore[arg-type]
    return End([text(ctx.t("bc_queued", id=campaign.id, n=size.receiving))])


def _send_test(ctx: StepContext) -> Outcome:
    """The campaign to the owner alone, as the answer itself (free, and in order): a push
    would arrive after the answer and take the preview's buttons away with it."""
    copy = campaign_messages(ctx, ctx.dialog.data)
    return Reply([*copy, *_confirm(ctx, "bc_test_sent").messages])


def _edit(ctx: StepContext) -> Outcome:
    return Next(MESSAGE, _ask_message(ctx, ctx.dialog.data["audience"]))


def _drop_photo(ctx: StepContext) -> Outcome:
    return _change(ctx, photo=None)


def _set_holdout(ctx: StepContext, percent: int) -> Outcome:
    if percent > MAX_HOLDOUT:
        return _confirm(ctx, "bc_holdout_too_big", most=MAX_HOLDOUT)
    return _change(ctx, holdout=percent)


def _set_coupon(ctx: StepContext, reward_id: int) -> Outcome:
    known = dict(ctx.shop.coupons.rewards(ctx.session, ctx.lang))
    if reward_id not in known:
        return _confirm(ctx, "bc_coupon_unknown")
    return _change(ctx, reward=reward_id)


@router.command("broadcast test", min_role=Role.OWNER)
def broadcast_test_outside(ctx: Context) -> list[Message]:
    """`broadcast test` with no broadcast being written: say how to start one."""
    return [text(ctx.t("bc_nothing_to_test"))]
