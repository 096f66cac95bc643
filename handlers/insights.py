"""The owner's numbers: `stats` for a period with three charts, the formulas, the Monday
summary (and switching it off), and what rewards cost the shop."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

from sqlmodel import Session

from handlers import insight_views as views
from handlers.i18n import any_of, means, on_or_off, t
from handlers.numbers import whole_number
from handlers.router import Context, Shop, router
from handlers.staff import to_satang
from handlers.views.messages import Choice, Message, image, text
from storage import clock, insight_series, insights, periods, reward_costs, rewards, weekly
from storage.models import Role
from storage.periods import Period

MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR = re.compile(r"^(\d{4})$")
DAYS = re.compile(rf"^(\d{{1,3}})\s*{any_of('days')}$")
MAX_DAYS = 730
CHART_MONTHS = 12


def _gregorian(year: int) -> int:
    return year - 543 if year > 2400 else year


def year_period(year: int, tz: tzinfo) -> Period:
    return periods.days_period(date(year, 1, 1), date(year, 12, 31), tz, f"{year:04d}")


def parse_period(typed: str, now: datetime, tz: tzinfo) -> Period | None:
    """`` (this month), `2026-10` (or the Buddhist year `2569-10`), `2026` (the year),
    `90d` / `90 วัน`."""
    if not typed:
        return periods.month_of(now, tz)
    whole_year = YEAR.match(typed)
    if whole_year:
        number = _gregorian(int(whole_year.group(1)))
        return year_period(number, tz) if 2000 <= number <= 2100 else None
    month = MONTH.match(typed)
    if month:
        year, number = _gregorian(int(month.group(1))), int(month.group(2))
        return periods.month_period(year, number, tz) if 1 <= number <= 12 else None
    days = DAYS.match(typed)
    if days and 1 <= int(days.group(1)) <= MAX_DAYS:
        return periods.last_days(int(days.group(1)), now.astimezone(tz).date(), tz)
    return None


def _chart(ctx: Context, spec: dict[str, object]) -> Message:
    token = insight_series.keep_chart(ctx.session, spec)
    return image(f"{ctx.shop.base_url}/media/chart/{token}.png")


def charts(ctx: Context, period: Period) -> list[Message]:
    """Members and buyers, cohort retention, points issued vs redeemed: 12 months."""
    months = periods.months_up_to(period, ctx.shop.tz, CHART_MONTHS)
    rows, cohorts = insight_series.series(ctx.session, months)
    name = ctx.shop.name
    return [
        _chart(ctx, views.members_chart(ctx.lang, name, rows)),
        _chart(ctx, views.cohort_chart(ctx.lang, name, cohorts)),
        _chart(ctx, views.points_chart(ctx.lang, name, rows)),
    ]


def _month_text(lang: str, month: Period) -> str:
    year, number = month.label.split("-")
    return f"{t(lang, 'cmd_stats')} {int(year) + int(t(lang, 'year_offset'))}-{number}"


def period_choices(ctx: Context, now: datetime) -> list[Choice]:
    """Quick replies that switch the period: this month, last month, 90 days, this year,
    another month, and how the figures are computed."""
    stats, tz = ctx.t("cmd_stats"), ctx.shop.tz
    this_month = periods.month_of(now, tz)
    last_month = periods.month_of(this_month.start - timedelta(microseconds=1), tz)
    year = now.astimezone(tz).year + int(ctx.t("year_offset"))
    return [
        Choice(ctx.t("qr_stats_this_month"), stats),
        Choice(ctx.t("qr_stats_last_month"), _month_text(ctx.lang, last_month)),
        Choice(ctx.t("qr_stats_90d"), f"{stats} 90d"),
        Choice(ctx.t("qr_stats_this_year"), f"{stats} {year}"),
        Choice(ctx.t("qr_stats_other_month"), f"{stats} {ctx.t('word_months')}"),
        Choice(ctx.t("qr_stats_formulas"), f"{stats} {ctx.t('word_formulas')}"),
    ]


def pick_month(ctx: Context, now: datetime) -> list[Message]:
    """The last twelve months as quick replies (or type `stats 2026-05`)."""
    months = periods.months_up_to(periods.month_of(now, ctx.shop.tz), ctx.shop.tz, CHART_MONTHS)
    choices = [
        Choice(views.month_name(ctx.lang, month.label), _month_text(ctx.lang, month))
        for month in reversed(months)
    ]
    return [text(ctx.t("stats_pick_month"), choices)]


def kept_periods(now: datetime, tz: tzinfo) -> tuple[list[Period], list[Period]]:
    """What the nightly count keeps for `stats` (`storage/figure_snapshots.py`): the figures
    of the periods its quick replies offer (this month, last month, the last 90 days, this
    year) and the twelve months of this month's charts."""
    this_month = periods.month_of(now, tz)
    last_month = periods.month_of(this_month.start - timedelta(microseconds=1), tz)
    ninety = periods.last_days(90, now.astimezone(tz).date(), tz)
    this_year = year_period(now.astimezone(tz).year, tz)
    months = periods.months_up_to(this_month, tz, CHART_MONTHS)
    return [this_month, last_month, ninety, this_year], months


@router.command("stats", min_role=Role.OWNER, slow=True)
def show_stats(ctx: Context) -> list[Message]:
    """`stats`, `stats 2026-10`, `stats 2026`, `stats 90d`: the shop's figures and charts."""
    typed, now = " ".join(ctx.args), clock.now()
    if means(typed, "formulas"):
        return [text(views.formulas(ctx.lang))]
    if means(typed, "months"):
        return pick_month(ctx, now)
    period = parse_period(typed, now, ctx.shop.tz)
    if period is None:
        return [text(ctx.t("stats_usage"))]
    got = insights.figures(ctx.session, period)
    lines = views.stats_lines(ctx.session, ctx.lang, ctx.shop.tz, got)
    return [text("\n".join(lines), period_choices(ctx, now)), *charts(ctx, period)]


@router.command("weekly summary", min_role=Role.OWNER)
def weekly_summary_switch(ctx: Context) -> list[Message]:
    """`weekly summary on|off`: the Monday 09:00 summary of last week, for this owner."""
    wanted = on_or_off(" ".join(ctx.args))
    if wanted is None:
        state = ctx.t("word_on" if weekly.is_on(ctx.session, ctx.user.line_user_id) else "word_off")
        return [text(ctx.t("weekly_usage", state=state))]
    weekly.set_on(ctx.session, ctx.user.line_user_id, wanted)
    return [text(ctx.t("weekly_on" if wanted else "weekly_off"))]


@router.command("reward cost", min_role=Role.OWNER)
def set_reward_cost(ctx: Context) -> list[Message]:
    """`reward cost <number> <baht>`: what one unit costs the shop (values points in baht)."""
    number = whole_number(ctx.args[0].lstrip("#")) if len(ctx.args) == 2 else None
    reward = rewards.get_reward(ctx.session, number) if number is not None else None
    satang = to_satang(ctx.args[1]) if reward is not None else None
    if reward is None or satang is None:
        return [text(ctx.t("reward_cost_usage"))]
    reward_costs.set_reward_cost(ctx.session, reward, satang)
    return [
        text(ctx.t("reward_cost_set", id=reward.id, name=reward.name_th, cost=views.baht(satang)))
    ]


def _change(now: int, before: int) -> str:
    if not before:
        return views.NONE
    return f"{(now - before) / before:+.0%}"


def weekly_summary(session: Session, shop: Shop, lang: str, now: datetime) -> list[Message]:
    """Last week (Monday to Sunday) next to the week before, for an owner's Monday push."""
    week = weekly.last_week(now.astimezone(shop.tz).date(), shop.tz)
    got = insights.figures(session, week)
    before = insights.figures(session, week.previous)
    body = t(
        lang,
        "weekly_summary",
        shop=shop.name,
        span=views.period_name(lang, week, shop.tz),
        sales=views.baht(got.sales_satang),
        change=_change(got.sales_satang, before.sales_satang),
        purchases=got.purchases,
        buyers=got.buyers,
        new=got.members_new,
        issued=f"{got.points['issued']:,}",
        redeemed=f"{got.points['redeemed']:,}",
        coupons=got.coupons_used,
    )
    choices = [
        Choice(t(lang, "qr_stats"), t(lang, "cmd_stats")),
        Choice(t(lang, "qr_weekly_off"), f"{t(lang, 'cmd_weekly_summary')} {t(lang, 'word_off')}"),
    ]
    return [text(body, choices)]
