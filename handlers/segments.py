"""The owner's view of their customers: RFM segments as a chart and a summary to tap."""

from __future__ import annotations

from typing import Any

from handlers.dates import show_date
from handlers.i18n import means
from handlers.router import Context, router
from handlers.segment_rules import rules
from handlers.segment_scores import CHART, current_run
from handlers.views.messages import Choice, Message, flex, image, postback_data, text
from storage import audiences, media_files, segment_names, segments
from storage.models import Role


def money(satang: int) -> str:
    return f"฿{satang / 100:,.0f}"


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "0%"


def segment_name(ctx: Context, segment: str) -> str:
    return ctx.t(f"seg_{segment}")


def chart_url(ctx: Context, sizes: list[segments.SegmentSize], run: segments.Run) -> str:
    """Store the chart's numbers; LINE fetches the picture from BASE_URL under a token."""
    total = sum(s.members for s in sizes)
    spec = {
        "title": ctx.t("seg_chart_title"),
        "subtitle": ctx.t("seg_chart_subtitle", date=show_date(ctx.lang, run.as_of), total=total),
        "rows": [
            {"key": s.segment, "label": segment_name(ctx, s.segment), "value": s.members}
            for s in sizes
        ],
        "footer": ctx.t("seg_chart_footer"),
    }
    token = media_files.save_chart(ctx.session, spec)
    return f"{ctx.shop.base_url}/media/chart/{token}.png"


def _summary_row(ctx: Context, size: segments.SegmentSize, total: int) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "horizontal",
        "paddingAll": "sm",
        "action": {
            "type": "postback",
            "data": postback_data("segment", name=size.segment),
            "displayText": segment_name(ctx, size.segment),
        },
        "contents": [
            {"type": "text", "text": segment_name(ctx, size.segment), "size": "sm", "flex": 5},
            {"type": "text", "text": f"{size.members:,}", "size": "sm", "align": "end", "flex": 2},
            {
                "type": "text",
                "text": share(size.members, total),
                "size": "xs",
                "color": "#888888",
                "align": "end",
                "flex": 2,
            },
        ],
    }


def rule_line(ctx: Context, run: segments.Run) -> str:
    """Which rule gave the scores: ranks from 100 scored members up, thresholds below."""
    if run.by_ranks:
        return ctx.t("seg_rule_ranks", n=run.scored)
    return ctx.t("seg_rule_thresholds", n=run.scored)


def summary_bubble(
    ctx: Context, sizes: list[segments.SegmentSize], run: segments.Run
) -> dict[str, Any]:
    total = sum(s.members for s in sizes)
    colors = ctx.shop.colors
    return {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": colors.band,
            "contents": [
                {
                    "type": "text",
                    "text": ctx.t("seg_chart_title"),
                    "weight": "bold",
                    "size": "lg",
                    "color": colors.on_band,
                },
                {
                    "type": "text",
                    "text": ctx.t("seg_tap_hint", date=show_date(ctx.lang, run.as_of)),
                    "size": "xs",
                    "color": colors.on_band,
                    "wrap": True,
                },
                {
                    "type": "text",
                    "text": rule_line(ctx, run),
                    "size": "xxs",
                    "color": colors.on_band,
                    "wrap": True,
                },
            ],
        },
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "xs",
            "contents": [_summary_row(ctx, size, total) for size in sizes],
        },
    }


@router.command("segments", min_role=Role.OWNER)
def show_segments(ctx: Context) -> list[Message]:
    """Customer groups (RFM): a chart with counts and shares, and a summary to tap; scored
    now for a small shop, pushed by a job when ready for a bigger one."""
    if means(" ".join(ctx.args[:1]), "rules"):
        return rules(ctx, ctx.args[1:])
    refresh = means(" ".join(ctx.args[:1]), "refresh")
    run = current_run(ctx, show=CHART, refresh=refresh)
    if run is None:
        return [text(ctx.t("seg_working"))]
    return chart_messages(ctx, run)


def chart_messages(ctx: Context, run: segments.Run) -> list[Message]:
    """The chart of the stored groups and the summary to tap, with what to do next."""
    sizes = segments.segment_sizes(ctx.session)
    url = chart_url(ctx, sizes, run)
    choices = [
        Choice(ctx.t("qr_broadcast"), ctx.t("cmd_broadcast")),
        Choice(ctx.t("qr_seg_refresh"), f"{ctx.t('cmd_segments')} {ctx.t('word_refresh')}"),
        Choice(ctx.t("qr_seg_rules"), f"{ctx.t('cmd_segments')} {ctx.t('word_rules')}"),
    ]
    return [image(url), flex(ctx.t("seg_chart_title"), summary_bubble(ctx, sizes, run), choices)]


def _detail_bubble(ctx: Context, segment: str, lines: list[str]) -> dict[str, Any]:
    return {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {
                    "type": "text",
                    "text": segment_name(ctx, segment),
                    "weight": "bold",
                    "size": "xl",
                },
                *[{"type": "text", "text": line, "size": "sm", "wrap": True} for line in lines],
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "color": "#06C755",
                    "action": {
                        "type": "postback",
                        "label": ctx.t("seg_broadcast_button"),
                        "data": postback_data("broadcast", seg=segment),
                        "displayText": ctx.t("seg_broadcast_button"),
                    },
                }
            ],
        },
    }


@router.postback("segment", min_role=Role.OWNER)
def show_segment(ctx: Context) -> list[Message]:
    """One group: its size, spend, who can be reached, and the suggested action."""
    segment = ctx.data.get("name", "")
    if segment not in segment_names.ALL_SEGMENTS:
        return [text(ctx.t("seg_unknown"))]
    sizes = {s.segment: s for s in segments.segment_sizes(ctx.session)}
    size, total = sizes[segment], sum(s.members for s in sizes.values())
    reachable = audiences.audience_size(ctx.session, [segment], 0).reachable
    average = size.spend_satang // size.members if size.members else 0
    lines = [
        ctx.t("seg_size", n=size.members, share=share(size.members, total)),
        ctx.t("seg_spend", total=money(size.spend_satang), average=money(average)),
        ctx.t("seg_reachable", n=reachable),
        ctx.t("seg_action", action=ctx.t(f"seg_{segment}_action")),
    ]
    return [flex(segment_name(ctx, segment), _detail_bubble(ctx, segment, lines))]
