"""The owner's broadcast dialog: who, what, a preview exactly as customers see it, then send.

Steps: `audience` (numbers of segments, or everyone) -> `message` (the text; a photo may
be sent at any point) -> `confirm` (preview, recipients, quota; confirm, test, edit, photo
off, hold-out, coupon, or cancel). Sending is a background job; the chat only records it.
"""

from __future__ import annotations

import re

from linebot.v3.messaging import Message

from handlers.jobs import RefreshQuota, SendBroadcast
from handlers.numbers import whole_number
from handlers.router import Context, normalise, router
from handlers.views.messages import Choice, as_json, image, text
from storage import campaign_report, campaigns, dialogs, rewards, segments
from storage.models import Role

DIALOG = "broadcast"
MAX_HOLDOUT = 50
_HOLDOUT = re.compile(r"^(?:holdout|hold-out|กันไว้)\s*(\d{1,3})\s*%?$")
_COUPON = re.compile(r"^(?:coupon|คูปอง)\s*(\d{1,6})$")


def audiences() -> list[str]:
    """What the owner can pick, numbered from 1 in this order."""
    return [*segments.ALL_SEGMENTS, campaigns.EVERYONE, *campaigns.EXTRA_AUDIENCES]


def audience_label(ctx: Context, name: str) -> str:
    return ctx.t(f"seg_{name}")


def _cancel_choice(ctx: Context) -> Choice:
    return Choice(ctx.t("qr_cancel"), ctx.t("cmd_cancel"))


def _ask_audience(ctx: Context) -> list[Message]:
    counts = campaigns.reachable_by_audience(ctx.session, audiences())
    lines = [ctx.t("bc_pick")]
    for n, name in enumerate(audiences(), start=1):
        lines.append(f"{n}. {audience_label(ctx, name)} · {counts.get(name, 0):,}")
    choices = [Choice(ctx.t("seg_everyone"), str(audiences().index(campaigns.EVERYONE) + 1))]
    return [text("\n".join(lines), [*choices, _cancel_choice(ctx)])]


@router.command("broadcast", "บรอดแคสต์", "ส่งข่าว", min_role=Role.OWNER)
def start_broadcast(ctx: Context) -> list[Message]:
    """Start a broadcast: choose the groups first."""
    ctx.jobs.append(RefreshQuota())
    dialogs.start_dialog(ctx.session, ctx.user.line_user_id, DIALOG, "audience")
    return _ask_audience(ctx)


@router.postback("broadcast", min_role=Role.OWNER)
def broadcast_to_segment(ctx: Context) -> list[Message]:
    """The button under a segment: a broadcast to that group, straight to the message."""
    segment = ctx.data.get("seg", "")
    if not campaigns.known_audience(segment):
        return start_broadcast(ctx)
    ctx.jobs.append(RefreshQuota())
    data = {"audience": [segment], "holdout": campaigns.DEFAULT_HOLDOUT}
    dialogs.start_dialog(ctx.session, ctx.user.line_user_id, DIALOG, "message", data)
    return _ask_message(ctx, [segment])


def _ask_message(ctx: Context, audience: list[str]) -> list[Message]:
    names = ", ".join(audience_label(ctx, a) for a in audience)
    return [text(ctx.t("bc_ask_message", audience=names), [_cancel_choice(ctx)])]


@router.step(DIALOG, "audience", min_role=Role.OWNER)
def take_audience(ctx: Context) -> list[Message] | None:
    """The owner typed the numbers of the groups (e.g. `1 3 5`)."""
    if ctx.event.kind != "text":
        return [text(ctx.t("bc_pick_numbers"))]
    picked = [int(n) for n in re.findall(r"\d+", ctx.text)]
    options = audiences()
    if not picked and router.match(ctx.text) is not None:
        return None
    if not picked or any(not 1 <= n <= len(options) for n in picked):
        return [text(ctx.t("bc_pick_numbers"), [_cancel_choice(ctx)])]
    audience = list(dict.fromkeys(options[n - 1] for n in picked))
    assert ctx.dialog is not None
    dialogs.move_dialog(
        ctx.session, ctx.dialog, "message", audience=audience, holdout=campaigns.DEFAULT_HOLDOUT
    )
    return _ask_message(ctx, audience)


def _take_photo(ctx: Context) -> bool:
    """Keep the photo the owner sent (fetched by the bot layer into `event.photo`)."""
    if ctx.event.kind != "image" or not ctx.event.photo:
        return False
    assert ctx.dialog is not None
    token = rewards.store_picture(ctx.session, ctx.event.photo)
    dialogs.move_dialog(ctx.session, ctx.dialog, ctx.dialog.step, photo=token)
    return True


@router.step(DIALOG, "message", min_role=Role.OWNER)
def take_message(ctx: Context) -> list[Message] | None:
    """The text customers will get (a photo may come before it)."""
    if ctx.event.kind == "image":
        key = "bc_photo_added" if _take_photo(ctx) else "bc_photo_unreadable"
        return [text(ctx.t(key), [_cancel_choice(ctx)])]
    body = ctx.event.text.strip()
    if not body:
        return [text(ctx.t("bc_ask_text"))]
    assert ctx.dialog is not None
    dialogs.move_dialog(ctx.session, ctx.dialog, "confirm", body=body[:4000])
    return preview(ctx)


def campaign_messages(ctx: Context) -> list[Message]:
    """What every recipient will get: the text, the photo, and the coupon (when attached)."""
    assert ctx.dialog is not None
    data = ctx.dialog.data
    messages: list[Message] = [text(data["body"])]
    if data.get("photo"):
        messages.append(image(f"{ctx.shop.base_url}/media/picture/{data['photo']}.jpg"))
    if data.get("reward"):
        extra = ctx.shop.coupons.messages(ctx.session, int(data["reward"]), ctx.lang)
        messages += [Message.from_dict(m) for m in extra]  # type: ignore[misc]
    return messages


def _quota_line(ctx: Context, receiving: int) -> str:
    quota = campaigns.latest_quota(ctx.session)
    if quota is None:
        return ctx.t("bc_quota_unknown", n=receiving)
    if quota.limit is None:
        return ctx.t("bc_quota_unlimited", n=receiving, used=quota.used)
    left = max(quota.limit - quota.used, 0)
    when = quota.fetched_at.astimezone(ctx.shop.tz).strftime("%H:%M")
    line = ctx.t("bc_quota", n=receiving, used=quota.used, limit=quota.limit, left=left, when=when)
    return line + ("\n" + ctx.t("bc_quota_short", left=left) if receiving > left else "")


def _summary(ctx: Context) -> str:
    assert ctx.dialog is not None
    data = ctx.dialog.data
    size = campaigns.audience_size(ctx.session, data["audience"], data["holdout"])
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


def _confirm_choices(ctx: Context) -> list[Choice]:
    assert ctx.dialog is not None
    choices = [
        Choice(ctx.t("qr_bc_send"), ctx.t("cmd_bc_send")),
        Choice(ctx.t("qr_bc_test"), ctx.t("cmd_bc_test")),
        Choice(ctx.t("qr_bc_edit"), ctx.t("cmd_bc_edit")),
    ]
    if ctx.dialog.data.get("photo"):
        choices.append(Choice(ctx.t("qr_bc_no_photo"), ctx.t("cmd_bc_no_photo")))
    if ctx.dialog.data.get("holdout"):
        choices.append(Choice(ctx.t("qr_bc_no_holdout"), ctx.t("cmd_bc_no_holdout")))
    return [*choices, _cancel_choice(ctx)]


def preview(ctx: Context) -> list[Message]:
    """The campaign exactly as customers will see it, then the numbers and the choices."""
    messages = campaign_messages(ctx)
    intro = [text(ctx.t("bc_preview_intro", n=len(messages)))] if len(messages) <= 3 else []
    hints = ctx.t("bc_confirm_hint")
    rewards = ctx.shop.coupons.rewards(ctx.session, ctx.lang)
    hints += "\n" + ctx.t("bc_coupon_hint", rewards=", ".join(f"{i} {n}" for i, n in rewards))
    summary = text(_summary(ctx) + "\n\n" + hints, _confirm_choices(ctx))
    return [*intro, *messages, summary]


@router.step(DIALOG, "confirm", min_role=Role.OWNER)
def take_confirmation(ctx: Context) -> list[Message] | None:
    """Send, test, edit, change the photo, hold-out or coupon, or cancel."""
    if ctx.event.kind == "image":
        return preview(ctx) if _take_photo(ctx) else [text(ctx.t("bc_photo_unreadable"))]
    assert ctx.dialog is not None
    words = {
        ctx.t("cmd_bc_send"): _send,
        "confirm": _send,
        "ยืนยัน": _send,
        ctx.t("cmd_bc_test"): _send_test,
        "test": _send_test,
        "broadcast test": _send_test,
        ctx.t("cmd_bc_edit"): _edit,
        ctx.t("cmd_bc_no_photo"): _drop_photo,
        ctx.t("cmd_bc_no_holdout"): lambda c: _set_holdout(c, 0),
    }
    action = {normalise(word): act for word, act in words.items()}.get(ctx.text)
    if action is not None:
        return action(ctx)
    if match := _HOLDOUT.match(ctx.text):
        return _set_holdout(ctx, int(match.group(1)))
    if match := _COUPON.match(ctx.text):
        return _set_coupon(ctx, int(match.group(1)))
    if router.match(ctx.text) is not None:
        return None
    return [text(ctx.t("bc_confirm_hint"), _confirm_choices(ctx))]


def _send(ctx: Context) -> list[Message]:
    assert ctx.dialog is not None
    data = ctx.dialog.data
    campaign = campaigns.create_campaign(
        ctx.session,
        created_by=ctx.user.line_user_id,
        audience=data["audience"],
        messages=as_json(campaign_messages(ctx)),
        holdout_percent=data["holdout"],
        reward_id=data.get("reward"),
    )
    size = campaigns.audience_size(ctx.session, data["audience"], data["holdout"])
    dialogs.end_dialog(ctx.session, ctx.user.line_user_id)
    ctx.jobs.append(SendBroadcast(campaign_id=campaign.id))  # type: ignore[arg-type]
    return [text(ctx.t("bc_queued", id=campaign.id, n=size.receiving))]


def _send_test(ctx: Context) -> list[Message]:
    ctx.push(ctx.user, campaign_messages(ctx), purpose="broadcast_test")
    return [text(ctx.t("bc_test_sent"), _confirm_choices(ctx))]


def _edit(ctx: Context) -> list[Message]:
    assert ctx.dialog is not None
    dialogs.move_dialog(ctx.session, ctx.dialog, "message")
    return _ask_message(ctx, ctx.dialog.data["audience"])


def _drop_photo(ctx: Context) -> list[Message]:
    assert ctx.dialog is not None
    dialogs.move_dialog(ctx.session, ctx.dialog, "confirm", photo=None)
    return preview(ctx)


def _set_holdout(ctx: Context, percent: int) -> list[Message]:
    if percent > MAX_HOLDOUT:
        return [text(ctx.t("bc_holdout_too_big", most=MAX_HOLDOUT), _confirm_choices(ctx))]
    assert ctx.dialog is not None
    dialogs.move_dialog(ctx.session, ctx.dialog, "confirm", holdout=percent)
    return preview(ctx)


def _set_coupon(ctx: Context, reward_id: int) -> list[Message]:
    assert ctx.dialog is not None
    known = dict(ctx.shop.coupons.rewards(ctx.session, ctx.lang))
    if reward_id not in known:
        return [text(ctx.t("bc_coupon_unknown"), _confirm_choices(ctx))]
    dialogs.move_dialog(ctx.session, ctx.dialog, "confirm", reward=reward_id)
    return preview(ctx)


@router.command("broadcast test", "ทดสอบบรอดแคสต์", min_role=Role.OWNER)
def broadcast_test_outside(ctx: Context) -> list[Message]:
    """`broadcast test` with no broadcast being written: say how to start one."""
    return [text(ctx.t("bc_nothing_to_test"))]


@router.command("campaign report", "รายงานแคมเปญ", min_role=Role.OWNER)
def show_campaign_report(ctx: Context) -> list[Message]:
    """`campaign report <id>`: sent, failed, skipped, and who came back vs the hold-out."""
    number = whole_number(ctx.args[0].lstrip("#")) if len(ctx.args) == 1 else None
    if number is None:
        return [text(ctx.t("bc_report_usage"))]
    campaign = campaigns.get_campaign(ctx.session, number)
    if campaign is None:
        return [text(ctx.t("bc_report_not_found", id=ctx.args[0]))]
    report = campaign_report.report(ctx.session, campaign, ctx.shop.coupons)
    return [text(report_text(ctx, report))]


def _share(returned: campaign_report.Returned) -> str:
    return "-" if returned.share is None else f"{100 * returned.share:.1f}%"


def _reasons(ctx: Context, counts: dict[str, int]) -> str:
    return ", ".join(f"{ctx.t('bc_reason_' + r)} {n:,}" for r, n in sorted(counts.items())) or "-"


def report_text(ctx: Context, report: campaign_report.Report) -> str:
    campaign, result = report.campaign, report.outcome
    lines = [
        ctx.t("bc_report_title", id=campaign.id, status=ctx.t(f"bc_status_{campaign.status}")),
        ctx.t("bc_report_sent", n=result.sent),
        ctx.t("bc_report_failed", n=sum(result.failed.values()), why=_reasons(ctx, result.failed)),
        ctx.t(
            "bc_report_skipped", n=sum(result.skipped.values()), why=_reasons(ctx, result.skipped)
        ),
        ctx.t("bc_report_held_out", n=result.held_out),
        ctx.t(
            "bc_report_returned",
            recipients=_share(report.recipients),
            bought=report.recipients.bought,
            members=report.recipients.members,
            hold_out=_share(report.hold_out),
            held_bought=report.hold_out.bought,
            held_members=report.hold_out.members,
        ),
    ]
    if not report.window_over:
        until = report.window_end.astimezone(ctx.shop.tz).strftime("%d/%m %H:%M")
        lines.append(ctx.t("bc_report_so_far", until=until))
    if report.coupons_used is not None:
        lines.append(ctx.t("bc_report_coupons", n=report.coupons_used))
    return "\n".join(lines)


@router.command("campaigns", "แคมเปญ", min_role=Role.OWNER)
def list_campaigns(ctx: Context) -> list[Message]:
    """The last five broadcasts with their state."""
    recent = campaign_report.recent(ctx.session)
    if not recent:
        return [text(ctx.t("bc_none_yet"))]
    lines = [ctx.t("bc_list_title")]
    for campaign in recent:
        when = campaign.created_at.astimezone(ctx.shop.tz).strftime("%d/%m %H:%M")
        status = ctx.t(f"bc_status_{campaign.status}")
        lines.append(f"#{campaign.id} · {when} · {status} · {campaign.recipients:,}")
    return [text("\n".join(lines), [Choice(ctx.t("qr_broadcast"), ctx.t("cmd_broadcast"))])]
