"""What the owner's broadcasts did: the last few, and one campaign's report."""

from __future__ import annotations

from handlers.dates import show_time
from handlers.numbers import whole_number
from handlers.router import Context, router
from handlers.views.messages import Choice, Message, text
from storage import campaign_report, campaigns
from storage.models import Role


@router.command("campaign report", min_role=Role.OWNER)
def show_campaign_report(ctx: Context) -> list[Message]:
    """`campaign report <id>`: sent, failed, skipped, and who came back vs the hold-out."""
    number = whole_number(ctx.args[0].lstrip("#")) if len(ctx.args) == 1 else None
    if number is None:
        return [text(ctx.t("bc_report_usage"))]
    campaign = campaigns.get_campaign(ctx.session, number)
    if campaign is None:
        return [text(ctx.t("bc_report_not_found", id=ctx.args[0]))]
    report = campaign_report.report(ctx.session, campaign, ctx.shop.coupons)
    back = [Choice(ctx.t("qr_campaigns"), ctx.t("cmd_campaigns"))]
    return [text(report_text(ctx, report), back)]


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
        until = show_time(ctx.lang, report.window_end, ctx.shop.tz)
        lines.append(ctx.t("bc_report_so_far", until=until))
    if report.coupons_used is not None:
        lines.append(ctx.t("bc_report_coupons", n=report.coupons_used))
    return "\n".join(lines)


@router.command("campaigns", min_role=Role.OWNER)
def list_campaigns(ctx: Context) -> list[Message]:
    """The last five broadcasts with their state."""
    recent = campaign_report.recent(ctx.session)
    if not recent:
        return [text(ctx.t("bc_none_yet"))]
    lines = [ctx.t("bc_list_title")]
    for campaign in recent:
        when = show_time(ctx.lang, campaign.created_at, ctx.shop.tz)
        status = ctx.t(f"bc_status_{campaign.status}")
        lines.append(f"#{campaign.id} · {when} · {status} · {campaign.recipients:,}")
    reports = [
        Choice(ctx.t("qr_campaign_report", id=c.id), f"{ctx.t('cmd_campaign_report')} {c.id}")
        for c in recent
    ]
    return [
        text("\n".join(lines), [*reports, Choice(ctx.t("qr_broadcast"), ctx.t("cmd_broadcast"))])
    ]
