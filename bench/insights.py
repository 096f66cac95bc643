"""How long `stats` takes on a shop with a year of history, and the charts it draws.

    python bench/insights.py [--members 5000] [--purchases 50000] [--database-url URL]
                             [--keep FILE] [--runs 1] [--queries] [--charts DIR]

Makes its own data: members who joined over 14 months, purchases whose buyers come back
less often as months pass, points earned and some redeemed. It is generated in chunks
(written through the driver, COPY on PostgreSQL), so 1,000,000 members with 10,000,000
purchases fit in memory. By default in a fresh SQLite file in a temporary folder; --keep
FILE makes the SQLite file once and reuses it on later runs, and a --database-url that
already holds data of the same size is reused as it is (a new database is filled first).
A reused database gets the indexes the models have gained and loses those they dropped.
The members' purchase summaries (storage/purchase_summary.py) are left uncounted: nothing
`stats` computes reads them, and counting them would rewrite every member row.

Times what `stats` computes before answering (the figures of this month and of the last
90 days, the 12-month series with the cohorts) twice: counted from every purchase, and
from the tallies the worker keeps (storage/figure_snapshots.py: counted at 03:00 over the
purchases before 02:00, then moved on each hour, to 11:00 by the bench's "now", noon),
with the night's count and each hour's move timed apart. The goal of 1.5 s for 10,000,000
purchases is for the second, what an owner waits for during the day; --runs
N repeats each and prints the median and every run; --queries adds the twelve SQL
statements that took longest (milliseconds per run, executions per run).
With --charts, writes the three chart pictures there to look at.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, func, inspect, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlmodel import Session, SQLModel, select  # noqa: E402

from bot.jobs.tasks import count_figures, move_figures  # noqa: E402
from handlers import insight_views as views  # noqa: E402
from handlers.views.insight_charts import draw_chart  # noqa: E402
from storage import (  # noqa: E402
    clock,
    codes,
    events,
    figure_snapshots,
    insight_series,
    insights,
    periods,
)
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import LedgerEntry, Member, Purchase  # noqa: E402
from storage.purchase_stage import bulk_insert  # noqa: E402

TZ = ZoneInfo("Asia/Bangkok")
NOW = datetime(2026, 11, 20, 5, tzinfo=UTC)
DAYS = 425
LANG = "th"


CHUNK = 100_000
MEMBER_COLUMNS = "id, code, phone, points, card_token, created_at"
PURCHASE_COLUMNS = "id, member_id, amount_satang, occurred_at, channel, created_at"
ENTRY_COLUMNS = "id, member_id, kind, points, actor, idempotency_key, purchase_id, created_at"
GOAL = 1.5  # seconds for what `stats` computes before answering, at 10,000,000 purchases
STATS = (
    "figures, this month",
    "figures, last 90 days",
    "12-month series and cohorts",
)


def make_data(engine: Engine, n_members: int, n_purchases: int) -> None:
    """Members over 14 months; each purchase by a member who joined before it, with later
    months less likely (customers drift away); 1 point per 25 baht, a fifth redeemed.

    Streamed in chunks of 100,000 purchases (only the members' join times and balances are
    held), written as the import writes its staging table (`purchase_stage.bulk_insert`:
    COPY on PostgreSQL); the indexes of purchase and ledger_entry are built after the
    load."""
    rng = random.Random(11)
    start = NOW - timedelta(days=DAYS)
    joined = sorted(start + timedelta(days=DAYS * rng.random() ** 0.8) for _ in range(n_members))
    balances = [0] * n_members
    loaded = (Purchase.__table__, LedgerEntry.__table__)  # type: ignore[attr-defined]
    for table in loaded:
        for index in table.indexes:
            index.drop(engine)

    def write(table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        with transaction(engine) as session:
            bulk_insert(session, table, columns, rows)

    write(
        "member",
        MEMBER_COLUMNS,
        [
            (n + 1, f"M{n:07d}", f"+668{n:08d}", 0, codes.token(), when)
            for n, when in enumerate(joined)
        ],
    )
    purchases: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    entry = 0
    for n in range(n_purchases):
        who = min(n_members - 1, int(n_members * rng.random() ** 0.6))
        span = (NOW - joined[who]).total_seconds()
        when = joined[who] + timedelta(seconds=span * rng.random() ** 1.8)
        amount = rng.choice((45, 60, 85, 120, 150, 240, 350, 520)) * 100
        purchases.append((n + 1, who + 1, amount, when, "counter", when))
        points = amount // 2500
        balances[who] += points
        entry += 1
        entries.append((entry, who + 1, "earn", points, "bench", f"bench:{entry}", n + 1, when))
        if rng.random() < 0.2 and balances[who] >= 10:
            balances[who] -= 10
            entry += 1
            entries.append((entry, who + 1, "redeem", -10, "bench", f"bench:{entry}", None, when))
        if len(purchases) == CHUNK:
            write("purchase", PURCHASE_COLUMNS, purchases)
            write("ledger_entry", ENTRY_COLUMNS, entries)
            purchases.clear()
            entries.clear()
    write("purchase", PURCHASE_COLUMNS, purchases)
    write("ledger_entry", ENTRY_COLUMNS, entries)
    for table in loaded:
        for index in table.indexes:
            index.create(engine)
    with transaction(engine) as session:
        session.execute(
            text(
                "UPDATE member SET points = s.points FROM (SELECT member_id, sum(points) AS "
                "points FROM ledger_entry GROUP BY member_id) AS s WHERE member.id = s.member_id"
            )
        )
        if engine.dialect.name == "postgresql":
            for table in ("member", "purchase", "ledger_entry"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    _analyze(engine)


def _analyze(engine: Engine) -> None:
    """Statistics for the planner; on PostgreSQL a vacuum too, as autovacuum does after a
    load, so that the visibility map lets index-only scans skip the table."""
    statement = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text(statement))


def held(engine: Engine) -> tuple[int, int]:
    """(members, purchases) the database holds already; (0, 0) when it has no tables."""
    if not inspect(engine).has_table("purchase"):
        return 0, 0
    with Session(engine) as session:
        members = session.exec(select(func.count()).select_from(Member)).one()
        purchases = session.exec(select(func.count()).select_from(Purchase)).one()
    return int(members), int(purchases)


def follow_indexes(engine: Engine) -> None:
    """A kept database gets the indexes the tables have gained since it was made, and loses
    the (non-unique) ones they no longer have."""
    changed = False
    for name, table in SQLModel.metadata.tables.items():
        found = {index["name"]: index for index in inspect(engine).get_indexes(name)}
        for index in table.indexes:
            if index.name not in found:
                print(f"adding index {index.name}")
                index.create(engine)
                changed = True
        wanted = {index.name for index in table.indexes}
        for gone in sorted(set(found) - wanted):
            if not found[gone]["unique"]:
                print(f"dropping index {gone}")
                with engine.begin() as connection:
                    connection.execute(text(f"DROP INDEX {gone}"))
                changed = True
    if changed:
        _analyze(engine)


def timed(label: str, work: Callable[[], Any], rows: list[tuple[str, float]]) -> Any:
    began = time.perf_counter()
    result = work()
    rows.append((label, time.perf_counter() - began))
    return result


def webhook_waits(engine: Engine, work: Callable[[], Any]) -> tuple[list[float], int]:
    """Run `work` while a thread writes as a webhook's event would (its claim, in its own
    transaction) every 0.2 s; the seconds each of those writes took, and how many failed
    (SQLite's "database is locked" after its 30 s busy timeout)."""
    waits: list[float] = []
    failed = 0
    done = threading.Event()

    def claim_events() -> None:
        nonlocal failed
        while not done.is_set():
            began = time.perf_counter()
            try:
                with transaction(engine) as session:
                    events.claim_event(session, f"bench-{uuid.uuid4().hex}")
            except OperationalError:
                failed += 1
            waits.append(time.perf_counter() - began)
            done.wait(0.2)

    writer = threading.Thread(target=claim_events)
    writer.start()
    try:
        work()
    finally:
        done.set()
        writer.join()
    return waits, failed


def keep_tallies(engine: Engine) -> tuple[float, list[float]]:
    """What the worker keeps (`bot.jobs.tasks.keep_figures`) by the bench's "now": the
    night's count at 03:00, cut at 02:00, then moved on hour by hour to the latest whole
    hour an hour ago; returns the seconds the count took and those of each hour's move.
    Prints how long a webhook's write waited while the count ran."""
    night = datetime.combine(NOW.astimezone(TZ).date(), datetime.min.time(), TZ)
    cut = figure_snapshots.settled_hour(night + timedelta(hours=3))
    began = time.perf_counter()
    waits, failed = webhook_waits(engine, lambda: count_figures(engine, TZ, NOW, cut))
    counted = time.perf_counter() - began
    print(
        f"a webhook's write every 0.2 s during the night's count: {len(waits)} writes"
        f" ({failed} failed), median {statistics.median(waits) * 1000:,.1f} ms,"
        f" longest {max(waits) * 1000:,.0f} ms"
    )
    moves = []
    while cut < figure_snapshots.settled_hour(NOW):
        cut += timedelta(hours=1)
        began = time.perf_counter()
        move_figures(engine, TZ, NOW, cut)
        moves.append(time.perf_counter() - began)
    return counted, moves


def forget_tallies(engine: Engine) -> None:
    with transaction(engine) as session:
        figure_snapshots.forget(session)


def measure(engine: Engine, charts: Path | None, draw: bool) -> list[tuple[str, float]]:
    rows: list[tuple[str, float]] = []
    month = periods.month_of(NOW, TZ)
    with Session(engine) as session:
        timed(STATS[0], lambda: insights.figures(session, month), rows)
        ninety = periods.last_days(90, NOW.astimezone(TZ).date(), TZ)
        timed(STATS[1], lambda: insights.figures(session, ninety), rows)
        months = periods.months_up_to(month, TZ, 12)
        monthly, cohorts = timed(STATS[2], lambda: insight_series.series(session, months), rows)
    rows.append(("stats in all", sum(seconds for _, seconds in rows)))
    if not draw:
        return rows
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


def statement_times(engine: Engine) -> dict[str, list[float]]:
    """Seconds each SQL statement took, by its text, filled as statements run."""
    spent: dict[str, list[float]] = {}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        conn.info["began"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        spent.setdefault(statement, []).append(time.perf_counter() - conn.info.pop("began"))

    return spent


def report(runs: list[list[tuple[str, float]]], goal: bool | None) -> None:
    """The median and every run of each row; the verdict on the goal unless `goal` is None
    (False: the data is smaller than the goal's)."""
    for n, (label, value) in enumerate(runs[0]):
        if label.endswith("bytes"):
            print(f"{label:<40} {value:>10,.0f}")
            continue
        seconds = sorted(run[n][1] for run in runs if n < len(run))
        shown = f"{statistics.median(seconds) * 1000:,.0f} ms"
        each = " / ".join(f"{s * 1000:,.0f}" for s in seconds) if len(seconds) > 1 else ""
        print(f"{label:<40} {shown:>10}  {each}")
        if label == "stats in all" and goal is not None:
            verdict = "met" if statistics.median(seconds) <= GOAL else "not met"
            scope = "" if goal else " (the goal is for 10,000,000 purchases)"
            print(f"{'  goal <= 1.5 s':<40} {verdict:>10}{scope}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--purchases", type=int, default=50000)
    parser.add_argument("--database-url")
    parser.add_argument("--keep", type=Path, help="a SQLite file made once and reused")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--queries", action="store_true", help="time each SQL statement")
    parser.add_argument("--charts", type=Path)
    parser.add_argument("--language", choices=("th", "en"), default="th")
    args = parser.parse_args()
    global LANG
    LANG = args.language
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{args.keep or Path(folder) / 'bench.db'}"
        engine = make_engine(url)
        clock.freeze(NOW)
        found = held(engine)
        if found == (0, 0):
            SQLModel.metadata.create_all(engine)
            began = time.perf_counter()
            make_data(engine, args.members, args.purchases)
            made = f"made in {time.perf_counter() - began:.1f} s"
        elif found == (args.members, args.purchases):
            SQLModel.metadata.create_all(engine)  # the tables added since it was made
            follow_indexes(engine)
            made = "kept from an earlier run"
        else:
            sys.exit(f"the database holds {found[0]:,} members and {found[1]:,} purchases")
        sizes = f"{args.members:,} members, {args.purchases:,} purchases"
        print(f"{sizes} ({engine.dialect.name}), {made}")
        if args.charts:
            args.charts.mkdir(parents=True, exist_ok=True)
        spent = statement_times(engine) if args.queries else {}
        forget_tallies(engine)
        print("counted from every purchase:")
        runs = [measure(engine, args.charts, draw=n == 0) for n in range(args.runs)]
        report(runs, goal=None)
        night, moves = keep_tallies(engine)
        print(f"the night's count (4 periods and the 12 months): {night * 1000:,.0f} ms")
        each = " / ".join(f"{move * 1000:,.0f}" for move in moves)
        print(f"moving them on an hour, {len(moves)} times: {each} ms")
        print("from the kept tallies and the purchases since the last hour:")
        runs = [measure(engine, None, draw=False) for n in range(args.runs)]
        report(runs, goal=args.purchases >= 10_000_000)
        for statement, seconds in sorted(spent.items(), key=lambda kv: -sum(kv[1]))[:12]:
            print(
                f"{sum(seconds) / args.runs * 1000:8,.0f} ms  x{len(seconds) // args.runs}  "
                + " ".join(statement.split())[:200]
            )
        engine.dispose()


if __name__ == "__main__":
    main()
