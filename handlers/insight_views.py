"""How the shop's figures read in the chat, and the specs of their charts (in the owner's
language): shared by `stats` and the Monday summary."""

from __future__ import annotations

from datetime import timedelta, tzinfo
from typing import Any

from sqlmodel import Session

from handlers.coupon_views import show_date
from handlers.i18n import t
from storage import members
from storage.insight_series import Cohort, MonthRow
from storage.insights import FORMULAS, Figures
from storage.periods import Period

NONE = "—"


def baht(satang: float | None) -> str:
    return NONE if satang is None else f"{satang / 100:,.2f}"


def share(value: float | None) -> str:
    return NONE if value is None else f"{value:.1%}"


def decimal(value: float | None) -> str:
    return NONE if value is None else f"{value:,.2f}"


def month_name(lang: str, label: str, *, with_year: bool = True, short_year: bool = False) -> str:
    """`2026-10` as `ต.ค. 2569` / `Oct 2026` (or `ต.ค. 69` / `Oct 26`)."""
    year, month = (int(part) for part in label.split("-"))
    name = t(lang, "months").split()[month - 1]
    shown = year + int(t(lang, "year_offset"))
    if not with_year:
        return name
    return f"{name} {shown % 100:02d}" if short_year else f"{name} {shown}"


def period_name(lang: str, period: Period, tz: tzinfo) -> str:
    if period.label[:4].isdigit() and len(period.label) == 7:
        return month_name(lang, period.label)
    if period.label.isdigit() and len(period.label) == 4:
        return t(lang, "stats_year", year=int(period.label) + int(t(lang, "year_offset")))
    last = period.end - timedelta(seconds=1)
    span = f"{show_date(lang, period.start, tz)} – {show_date(lang, last, tz)}"
    if period.label.endswith("d"):
        return t(lang, "stats_last_days", days=period.label[:-1], span=span)
    return span


def who_sold(session: Session, lang: str, who: str) -> str:
    """A staff member's LINE name, a till's key name, or the channel."""
    if who.startswith("api:"):
        return t(lang, "stats_till", name=who[4:])
    person = members.get_line_user(session, who)
    if person is not None:
        return person.display_name or who[-6:]
    return t(lang, "stats_channel", channel=who)


def figure_values(lang: str, tz: tzinfo, got: Figures) -> dict[str, object]:
    """Every figure as it is shown, by the names the texts use."""
    moved = {name: f"{points:,}" for name, points in got.points.items()}
    return {
        "period": period_name(lang, got.period, tz),
        "total": got.members_total,
        "new": got.members_new,
        "line": got.members_line,
        "counter": got.members_counter_only,
        "buyers": got.buyers,
        "purchases": got.purchases,
        "sales": baht(got.sales_satang),
        "refunds": baht(got.refunds_satang),
        "rate": share(got.repeat_rate),
        "retention": share(got.retention_rate),
        "back": got.buyers - got.first_time_buyers,
        "previous": got.previous_buyers,
        "aov": baht(got.aov_satang),
        "frequency": decimal(got.frequency),
        "clv": baht(got.clv_satang),
        **moved,
        "adjusted": f"{got.points['adjusted']:+,}",
        "points": f"{got.outstanding:,}",
        "liability": baht(got.liability_satang),
        "coupons_issued": got.coupons_issued,
        "coupons_used": got.coupons_used,
        "coupon_rate": share(got.coupon_rate),
    }


def _or_why(lang: str, key: str, why: str | None, values: dict[str, object]) -> str:
    """The line `key`, or its `_none` form with `—` and the reason `why` when data is short."""
    if why is None:
        return t(lang, key, **values)
    return t(lang, f"{key}_none", why=t(lang, why, **values))


def plain_lines(lang: str, got: Figures, values: dict[str, object]) -> list[str]:
    """The figures that need enough data, each with a label an owner knows, or `—` and why."""
    days, lifespan = got.period.length.days, got.lifespan_periods or 0.0
    no_buyers = "stats_why_no_buyers" if not got.buyers else None
    too_new = no_buyers or ("stats_why_too_new" if lifespan <= 1 else None)
    history = {**values, "days": days, "stay": round(lifespan * days)}
    return [
        _or_why(lang, "stats_repeat", no_buyers, values),
        _or_why(lang, "stats_came_back", "stats_why_no_before" if not got.previous_buyers else None,
                values),
        _or_why(lang, "stats_bill", no_buyers, values),
        _or_why(lang, "stats_lifetime", too_new, history),
    ]  # fmt: skip


def stats_lines(session: Session, lang: str, tz: tzinfo, got: Figures) -> list[str]:
    """Every figure of the period, one topic per line, in words a shop owner knows."""
    values = figure_values(lang, tz, got)
    lines = [t(lang, key, **values) for key in ("stats_title", "stats_members", "stats_sales")]
    lines += plain_lines(lang, got, values)
    lines.append(t(lang, "stats_points", **values))
    held = "stats_outstanding" if got.liability_satang is not None else "stats_outstanding_no_cost"
    lines.append(t(lang, held, **values))
    no_coupons = "stats_why_no_coupons" if not got.coupons_issued else None
    lines.append(_or_why(lang, "stats_coupons", no_coupons, values))
    if got.top_rewards:
        lines.append(t(lang, "stats_top"))
        for n, (name_th, name_en, count, _) in enumerate(got.top_rewards, start=1):
            name = name_en if lang == "en" and name_en else name_th
            lines.append(f"{n}. {name} ×{count}")
    if got.by_staff:
        lines.append(t(lang, "stats_staff"))
        for who, purchases, sales in got.by_staff[:10]:
            name = who_sold(session, lang, who)
            lines.append(
                t(lang, "stats_staff_line", who=name, purchases=purchases, sales=baht(sales))
            )
    return lines


def formulas(lang: str) -> str:
    """The formulas behind `stats`, named as in the reply."""
    lines = [t(lang, "stats_formulas_title")]
    lines += [f"• {t(lang, 'formula_' + name)}" for name in FORMULAS]
    return "\n".join(lines)


def _month_lines(lang: str, rows: list[str]) -> list[list[str]]:
    """Month names under the bars; the year under the first month and under each January."""
    lines = []
    for i, label in enumerate(rows):
        name = month_name(lang, label, with_year=False)
        year = month_name(lang, label).split()[-1]
        lines.append([name, year] if i == 0 or label.endswith("-01") else [name])
    return lines


def _span(lang: str, labels: list[str]) -> str:
    return f"{month_name(lang, labels[0])} – {month_name(lang, labels[-1])}"


def members_chart(lang: str, shop_name: str, rows: list[MonthRow]) -> dict[str, Any]:
    labels = [row.label for row in rows]
    return {
        "kind": "members",
        "title": t(lang, "chart_members_title"),
        "subtitle": f"{shop_name} · {_span(lang, labels)}",
        "labels_lines": _month_lines(lang, labels),
        "overlay": True,
        "series": [
            {
                "name": t(lang, "chart_members"),
                "tone": "light",
                "values": [r.members for r in rows],
            },
            {"name": t(lang, "chart_buyers"), "tone": "strong", "values": [r.buyers for r in rows]},
        ],
    }


def points_chart(lang: str, shop_name: str, rows: list[MonthRow]) -> dict[str, Any]:
    labels = [row.label for row in rows]
    issued, redeemed = [r.issued for r in rows], [r.redeemed for r in rows]
    return {
        "kind": "points",
        "title": t(lang, "chart_points_title"),
        "subtitle": f"{shop_name} · {_span(lang, labels)}",
        "labels_lines": _month_lines(lang, labels),
        "series": [
            {"name": t(lang, "chart_issued", total=f"{sum(issued):,}"), "tone": "strong",
             "values": issued},
            {"name": t(lang, "chart_redeemed", total=f"{sum(redeemed):,}"), "tone": "accent",
             "values": redeemed},
        ],
    }  # fmt: skip


def cohort_chart(lang: str, shop_name: str, cohorts: list[Cohort]) -> dict[str, Any]:
    width = len(cohorts)
    return {
        "kind": "cohorts",
        "title": t(lang, "chart_cohorts_title"),
        "subtitle": t(lang, "chart_cohorts_subtitle"),
        "columns": [str(k) for k in range(width)],
        "columns_caption": t(lang, "chart_cohorts_columns"),
        "rows": [
            {
                "label": month_name(lang, c.label, short_year=True),
                "size": t(lang, "chart_cohort_size", count=c.size),
                "shares": [c.share(k) for k in range(width)],
            }
            for c in cohorts
        ],
        "footer": f"{shop_name} · {_span(lang, [cohorts[0].label, cohorts[-1].label])}",
    }
