"""How long `stats` takes on a shop with a year of history, and the charts it draws.

    python bench/insights.py [--members 5000] [--purchases 50000] [--database-url URL]
                             [--charts DIR]

Makes its own data in a fresh SQLite file in a temporary folder unless --database-url is
given (a PostgreSQL schema works too): members who joined over 14 months, purchases whose
buyers come back less often as months pass, points earned and some redeemed. Prints a
table of timings; with --charts, writes the three chart pictures there to look at.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from handlers import insight_views as views  # noqa: E402
from handlers.views.insight_charts import draw_chart  # noqa: E402
from storage import clock, codes, insight_series, insights, periods  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import LedgerEntry, Member, Purchase  # noqa: E402

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 20, 5, tzinfo=UTC)
DAYS = 425
LANG = "th"


def make_data(engine: Engine, n_members: int, n_purchases: int) -> None:
    """Members over 14 months; each purchase by a member who joined before it, with later
    months less likely (customers drift away); 1 point per 25 baht, a fifth redeemed."""
    rng = random.Random(11)
    start = NOW - timedelta(days=DAYS)
    joined = sorted(start + timedelta(days=DAYS * rng.random() ** 0.8) for _ in range(n_members))
    members = [
        {
            "id": n + 1,
            "code": f"M{n:07d}",
            "phone": f"+668{n:08d}",
            "points": 0,
            "card_token": codes.token(),
            "created_at": when,
        }
        for n, when in enumerate(joined)
    ]
    purchases, entries = [], []
    for n in range(n_purchases):
        who = members[min(n_members - 1, int(n_members * rng.random() ** 0.6))]
        span = (NOW - who["created_at"]).total_seconds()
        when = who["created_at"] + timedelta(seconds=span * rng.random() ** 1.8)
        amount = rng.choice((45, 60, 85, 120, 150, 240, 350, 520)) * 100
        purchases.append(
            {
                "id": n + 1,
                "member_id": who["id"],
                "amount_satang": amount,
                "occurred_at": when,
                "channel": "counter",
                "created_at": when,
            }
        )
        points = amount // 2500
        who["points"] += points
        entries.append(_entry(len(entries) + 1, who["id"], "earn", points, when, n + 1))
        if rng.random() < 0.2 and who["points"] >= 10:
            who["points"] -= 10
            entries.append(_entry(len(entries) + 1, who["id"], "redeem", -10, when, None))
    with transaction(engine) as session:
        for table, rows in ((Member, members), (Purchase, purchases), (LedgerEntry, entries)):
            for chunk in range(0, len(rows), 5000):
                session.execute(insert(table), rows[chunk : chunk + 5000])


def _entry(n: int, member: int, kind: str, points: int, when: datetime, sale: int | None) -> Any:
    return {
        "id": n,
        "member_id": member,
        "kind": kind,
        "points": points,
        "actor": "bench",
        "idempotency_key": f"bench:{n}",
        "purchase_id": sale,
        "created_at": when,
    }


def timed(label: str, work: Callable[[], Any], rows: list[tuple[str, float]]) -> Any:
    began = time.perf_counter()
    result = work()
    rows.append((label, time.perf_counter() - began))
    return result


def measure(engine: Engine, charts: Path | None) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    month = periods.month_of(NOW, TZ)
    with Session(engine) as session:
        timed("figures, this month", lambda: insights.figures(session, month), rows)
        ninety = periods.last_days(90, NOW.astimezone(TZ).date(), TZ)
        timed("figures, last 90 days", lambda: insights.figures(session, ninety), rows)
        months = periods.months_up_to(month, TZ, 12)
        monthly = timed(
            "12 months of members, buyers, points",
            lambda: insight_series.monthly(session, months),
            rows,
        )
        cohorts = timed("12 monthly cohorts", lambda: insight_series.cohorts(session, months), rows)
    specs = {
        "members": views.members_chart(LANG, "กาแฟดี Kafe Dee", monthly),
        "cohorts": views.cohort_chart(LANG, "กาแฟดี Kafe Dee", cohorts),
        "points": views.points_chart(LANG, "กาแฟดี Kafe Dee", monthly),
    }
    for name, spec in specs.items():
        png = timed(f"draw {name} chart", lambda spec=spec: draw_chart(spec, "#06C755"), rows)
        rows.append((f"  {name} chart bytes", len(png)))
        if charts is not None:
            (charts / f"{name}.png").write_bytes(png)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--purchases", type=int, default=50000)
    parser.add_argument("--database-url")
    parser.add_argument("--charts", type=Path)
    parser.add_argument("--language", choices=("th", "en"), default="th")
    args = parser.parse_args()
    global LANG
    LANG = args.language
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}")
        SQLModel.metadata.create_all(engine)
        clock.freeze(NOW)
        began = time.perf_counter()
        make_data(engine, args.members, args.purchases)
        print(
            f"{args.members:,} members, {args.purchases:,} purchases "
            f"({engine.dialect.name}), made in {time.perf_counter() - began:.1f} s"
        )
        if args.charts:
            args.charts.mkdir(parents=True, exist_ok=True)
        for label, value in measure(engine, args.charts):
            shown = f"{value:,.0f}" if label.endswith("bytes") else f"{value * 1000:,.0f} ms"
            print(f"{label:<40} {shown:>10}")
        engine.dispose()


if __name__ == "__main__":
    main()
