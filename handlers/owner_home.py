"""The owner's home: `owner` opens a card with today's and this month's figures, the points
customers hold, and a button for each area; `settings` sums up how the shop is set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from handlers import insight_views as views
from handlers.coupon_views import show_date
from handlers.i18n import t
from handlers.router import Context, router
from handlers.views.home_card import HomeCard, HomeRow, home_bubble
from handlers.views.messages import Button, Choice, Message, flex, text
from storage import clock, home_figures, insights, periods, reward_costs
from storage.insights import Figures
from storage.models import Role

AREAS = (  # (label, command): one button each, in the order of the owner's day
    ("menu_stats", "stats"),
    ("menu_segments", "segments"),
    ("menu_broadcast", "broadcast"),
    ("menu_reward_list", "reward list"),
    ("menu_automations", "automations"),
    ("menu_staff", "staff list"),
    ("menu_settings", "settings"),
)


@dataclass(frozen=True)
class Counted:
    """Figures counted by the day they happened: (today, this month)."""

    back: tuple[int, int]
    used: tuple[int, int]


def area_buttons(lang: str) -> list[Button]:
    return [
        Button(t(lang, label), text=t(lang, f"cmd_{command.replace(' ', '_')}"), primary=i == 0)
        for i, (label, command) in enumerate(AREAS)
    ]


def _rows(lang: str, today: Figures, month: Figures, counted: Counted) -> list[HomeRow]:
    def row(key: str, get: Callable[[Figures], int]) -> HomeRow:
        return HomeRow(t(lang, key), f"{get(today):,}", f"{get(month):,}")

    return [
        HomeRow(
            t(lang, "home_sales"),
            f"฿{today.sales_satang / 100:,.0f}",
            f"฿{month.sales_satang / 100:,.0f}",
        ),
        row("home_bills", lambda f: f.purchases),
        row("home_new_members", lambda f: f.members_new),
        HomeRow(t(lang, "home_came_back"), f"{counted.back[0]:,}", f"{counted.back[1]:,}"),
        row("home_points_given", lambda f: f.points["issued"]),
        row("home_points_redeemed", lambda f: f.points["redeemed"]),
        HomeRow(t(lang, "home_coupons_used"), f"{counted.used[0]:,}", f"{counted.used[1]:,}"),
    ]


def held(lang: str, month: Figures) -> str:
    """The points customers hold now, in baht when rewards have a cost."""
    if month.liability_satang is None:
        return t(lang, "home_held_no_cost", points=month.outstanding)
    return t(lang, "home_held", points=month.outstanding, baht=views.baht(month.liability_satang))


def home_card(ctx: Context) -> HomeCard:
    now = clock.now()
    local = now.astimezone(ctx.shop.tz).date()
    day = periods.days_period(local, local, ctx.shop.tz)
    month = periods.month_of(now, ctx.shop.tz)
    got_today, got_month = insights.figures(ctx.session, day), insights.figures(ctx.session, month)
    counted = Counted(
        back=(home_figures.came_back(ctx.session, day), home_figures.came_back(ctx.session, month)),
        used=(
            home_figures.coupons_used(ctx.session, day),
            home_figures.coupons_used(ctx.session, month),
        ),
    )
    return HomeCard(
        shop_name=ctx.shop.name,
        title=ctx.t("home_title", date=show_date(ctx.lang, now, ctx.shop.tz)),
        today=ctx.t("home_today"),
        month=views.month_name(ctx.lang, month.label),
        rows=_rows(ctx.lang, got_today, got_month, counted),
        held_label=ctx.t("home_held_label"),
        held=held(ctx.lang, got_month),
        buttons=area_buttons(ctx.lang),
    )


@router.command("owner", min_role=Role.OWNER, slow=True)
def show_home(ctx: Context) -> list[Message]:
    """The owner's home card: today and this month, points held, and every area a tap away."""
    card = home_card(ctx)
    alt = ctx.t("home_alt", shop=ctx.shop.name, sales=card.rows[0].today, bills=card.rows[1].today)
    return [flex(alt, home_bubble(card, ctx.shop.colors), more_areas(ctx))]


def more_areas(ctx: Context) -> list[Choice]:
    """What the card has no room for: past campaigns, award limits, the other language."""
    other = "en" if ctx.lang == "th" else "th"
    return [
        Choice(ctx.t("qr_campaigns"), ctx.t("cmd_campaigns")),
        Choice(ctx.t("qr_award_limits"), ctx.t("cmd_award_limits")),
        Choice(ctx.t(f"qr_language_{other}"), f"{ctx.t('cmd_language')} {other}"),
    ]


@router.command("settings", min_role=Role.OWNER)
def show_settings(ctx: Context) -> list[Message]:
    """How the shop is set: its name, the earn rule, what a point costs, the owner's language."""
    value = reward_costs.point_value(ctx.session)
    worth = ctx.t("settings_no_cost") if value is None else f"฿{value / 100:,.2f}"
    body = ctx.t(
        "settings_summary",
        shop=ctx.shop.name,
        baht=ctx.shop.baht_per_point,
        worth=worth,
        language=ctx.t(f"settings_lang_{ctx.lang}"),
    )
    choices = [
        Choice(ctx.t("qr_home"), ctx.t("cmd_owner")),
        Choice(ctx.t("menu_reward_list"), ctx.t("cmd_reward_list")),
        Choice(ctx.t("menu_automations"), ctx.t("cmd_automations")),
        *more_areas(ctx),
    ]
    return [text(body, choices)]
