"""`loyalty report --from DATE --to DATE [--csv]`: the figures of `stats` for accounting.

Dates are days in the shop's time zone, both included. The CSV has one figure a row
(`figure,value`): money in baht with two decimals, rates as fractions (0.6667), then the
top rewards and the sales of each staff member or till.
"""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

import click
from sqlmodel import Session

from bot.cli.base import Stop, database, settings
from handlers.insight_views import who_sold
from storage import insights, periods
from storage.db import transaction
from storage.insights import Figures

MAX_DAYS = 3660
DAY = click.DateTime(["%Y-%m-%d"])


def _money(satang: float | None) -> str:
    return "" if satang is None else f"{satang / 100:.2f}"


def _baht(satang: float | None) -> float | None:
    return None if satang is None else satang / 100


def _rate(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def figure_rows(session: Session, got: Figures, first: date, last: date) -> list[tuple[str, str]]:
    """Every figure of the period as (name, value) text, in the order of `stats`."""
    rows = [
        ("from", first.isoformat()),
        ("to", last.isoformat()),
        ("members_total", str(got.members_total)),
        ("members_new", str(got.members_new)),
        ("members_on_line", str(got.members_line)),
        ("members_counter_only", str(got.members_counter_only)),
        ("buyers", str(got.buyers)),
        ("purchases", str(got.purchases)),
        ("sales_baht", _money(got.sales_satang)),
        ("refunds_baht", _money(got.refunds_satang)),
        ("repeat_purchase_rate", _rate(got.repeat_rate)),
        ("first_time_buyers", str(got.first_time_buyers)),
        ("previous_period_buyers", str(got.previous_buyers)),
        ("customer_retention_rate", _rate(got.retention_rate)),
        ("average_order_value_baht", _money(got.aov_satang)),
        ("purchase_frequency", _rate(got.frequency)),
        ("average_lifespan_periods", _rate(got.lifespan_periods)),
        ("customer_lifetime_value_baht", _money(got.clv_satang)),
    ]
    rows += [(f"points_{name}", str(points)) for name, points in got.points.items()]
    rows += [
        ("points_outstanding", str(got.outstanding)),
        ("point_value_baht", _rate(_baht(got.point_value_satang))),
        ("liability_baht", _money(got.liability_satang)),
        ("coupons_issued", str(got.coupons_issued)),
        ("coupons_used", str(got.coupons_used)),
        ("coupon_redemption_rate", _rate(got.coupon_rate)),
        ("gift_coupons_given", str(got.gifts_given)),
        ("gift_coupons_used", str(got.gifts_used)),
    ]
    rows += [(f"top_reward:{th}", str(count)) for th, _, count, _ in got.top_rewards]
    for who, purchases, sales in got.by_staff:
        name = who_sold(session, "en", who)
        rows += [(f"sales_baht:{name}", _money(sales)), (f"purchases:{name}", str(purchases))]
    return rows


def _shop_tz() -> tzinfo:
    """The shop's time zone (a caller may give `timezone` in the command's obj)."""
    given = click.get_current_context().find_root().obj
    if isinstance(given, dict) and given.get("timezone"):
        return ZoneInfo(given["timezone"])
    return settings().tz


@click.command("report")
@click.option("--from", "first", required=True, type=DAY, help="First day, e.g. 2026-10-01.")
@click.option("--to", "last", required=True, type=DAY, help="Last day (included).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV (figure,value) for a spreadsheet.")
def report(first: datetime, last: datetime, as_csv: bool) -> None:
    """The shop's figures from --from to --to (days in the shop's time zone, both included)."""
    if last < first:
        raise Stop("--to is before --from")
    if (last - first).days >= MAX_DAYS:
        raise Stop(f"a report covers at most {MAX_DAYS} days")
    period = periods.days_period(first.date(), last.date(), _shop_tz())
    with database() as engine, transaction(engine) as session:
        rows = figure_rows(session, insights.figures(session, period), first.date(), last.date())
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["figure", "value"])
        writer.writerows(rows)
        return
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value or '-'}")
