"""RFM scoring speed: 1,000,000 members with 10,000,000 purchases, scored in the database.

    .venv/bin/python bench/rfm.py [--members 1000000] [--purchases 10000000]
                                  [--database postgresql|sqlite] [--first-night] [--fresh]
                                  [--later-purchase]

The data (CSV files) is generated once into $TMPDIR/loyalty-bench-rfm/ and reused; the
loaded database is kept too (a PostgreSQL schema `bench_rfm_<members>_<purchases>_<layout>`,
or a SQLite file beside the CSVs; <layout> is a hash of the tables' definitions, so a schema
change gets a database of its own), so reruns only time the scoring. PostgreSQL is loaded
with COPY, SQLite with executemany in big transactions, and the members' purchase summaries
are then counted from the purchases, as the write paths would have kept them.

Each run is the next night: the first scores as of 2025-06-30, every later one as of the day
after the stored scores, with that day's purchases added first (purchases / 730 of them, like
an average day of the generated data, written with their members' summaries), so a rerun
models a real nightly job, not a repeat where nothing changed. The generated purchases end
with the first as-of day, as a shop's do. `--later-purchase` adds one live purchase after
the as-of day, so that R, F and M are counted from the purchases instead of the members' kept
summaries (what every refresh did before 2026-12-04 evening, and still does for an earlier
as-of date). `--first-night` deletes the stored scores first: every row is then
inserted, as on a shop's first night. On PostgreSQL member_score and purchase are vacuumed
before the timed part, as autovacuum would have done since the previous night.

Prints the seconds `refresh_scores` took (one transaction: aggregate R, F and M per member
into a temporary table, find the score bounds, write the rows that changed), how many
member_score rows it wrote (changed or added, and removed: counted by comparing the table
with a copy taken before, untimed) and the segment sizes.
Wall seconds depend on what else the machine runs: quote the load average beside them.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.schema import CreateTable  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from storage import purchase_summary, segments  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import Purchase  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "loyalty-bench-rfm"
AS_OF = date(2025, 6, 30)
BANGKOK = ZoneInfo("Asia/Bangkok")
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def generate(members: int, purchases: int) -> tuple[Path, Path]:
    """Members and purchases as CSV (cached). Spend and visits are skewed like real shops."""
    member_file = CACHE / f"members-{members}.csv"
    purchase_file = CACHE / f"purchases-{members}-{purchases}-to-{AS_OF}.csv"
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(4)
    now = datetime(2025, 7, 1, tzinfo=UTC).strftime("%Y-%m-%d %H:%M:%S")
    if not member_file.exists():
        with open(member_file.with_suffix(".tmp"), "w", newline="") as out:
            writer = csv.writer(out)
            for i in range(1, members + 1):
                phone = f"+6681{i:07d}" if i % 3 else ""
                writer.writerow([i, f"B{i:08d}", phone, 0, f"tok{i}", now, f"ref{i}"])
        member_file.with_suffix(".tmp").rename(member_file)
    if not purchase_file.exists():
        start = datetime(2023, 7, 1, tzinfo=UTC).timestamp()
        span = datetime(2025, 7, 1, tzinfo=BANGKOK).timestamp() - start
        with open(purchase_file.with_suffix(".tmp"), "w", newline="") as out:
            writer = csv.writer(out)
            for _ in range(purchases):
                member = min(members, int(members * rng.random() ** 1.6) + 1)
                at = datetime.fromtimestamp(start + span * rng.random(), UTC)
                voided = now if rng.random() < 0.01 else ""
                amount = int(rng.lognormvariate(9.5, 0.9))
                stamp = at.strftime("%Y-%m-%d %H:%M:%S")
                writer.writerow([member, amount, stamp, "import", voided, now])
        purchase_file.with_suffix(".tmp").rename(purchase_file)
    return member_file, purchase_file


MEMBER_COLUMNS = "id, code, phone, points, card_token, created_at, customer_ref"
PURCHASE_COLUMNS = "member_id, amount_satang, occurred_at, channel, voided_at, created_at"


def load_postgresql(engine: Engine, member_file: Path, purchase_file: Path) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for table, columns, path in (
            ("member", MEMBER_COLUMNS, member_file),
            ("purchase", PURCHASE_COLUMNS, purchase_file),
        ):
            sql = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '')"
            with cursor.copy(sql) as copy, open(path, "rb") as source:  # type: ignore[attr-defined]
                while block := source.read(1 << 20):
                    copy.write(block)
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def load_sqlite(engine: Engine, member_file: Path, purchase_file: Path) -> None:
    def rows(path: Path) -> csv.reader:  # type: ignore[valid-type]
        return csv.reader(open(path, newline=""))  # noqa: SIM115

    def blank_is_null(row: list[str]) -> list[str | None]:
        return [value or None for value in row]

    raw = engine.raw_connection()
    cursor = raw.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    try:
        for table, columns, path in (
            ("member", MEMBER_COLUMNS, member_file),
            ("purchase", PURCHASE_COLUMNS, purchase_file),
        ):
            marks = ", ".join("?" * (columns.count(",") + 1))
            insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            batch: list[list[str | None]] = []
            for row in rows(path):
                batch.append(blank_is_null(row))
                if len(batch) == 500_000:
                    cursor.execute("BEGIN")
                    cursor.executemany(insert, batch)
                    cursor.execute("COMMIT")
                    batch.clear()
            cursor.execute("BEGIN")
            cursor.executemany(insert, batch)
            cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
    finally:
        raw.close()


def layout() -> str:
    """A short hash of every table's definition: a loaded database fits one layout only."""
    tables = sorted(SQLModel.metadata.tables.values(), key=lambda table: table.name)
    ddl = "".join(str(CreateTable(table)) for table in tables)
    return hashlib.sha256(ddl.encode()).hexdigest()[:8]


def database(kind: str, members: int, purchases: int, fresh: bool) -> Engine:
    """The loaded benchmark database (built once, then reused)."""
    name = f"bench_rfm_{members}_{purchases}_{layout()}"
    if kind == "sqlite":
        CACHE.mkdir(exist_ok=True)
        path = CACHE / f"{name}.db"
        if fresh:
            path.unlink(missing_ok=True)
        ready = path.exists()
        engine = make_engine(f"sqlite:///{path}")
    else:
        admin = make_engine(PG)
        with admin.begin() as connection:
            if fresh:
                connection.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
            found = connection.execute(
                text("SELECT 1 FROM pg_namespace WHERE nspname = :n"), {"n": name}
            ).first()
            if not found:
                connection.execute(text(f"CREATE SCHEMA {name}"))
        ready = found is not None
        engine = make_engine(PG, connect_args={"options": f"-csearch_path={name}"})
    if not ready:
        SQLModel.metadata.create_all(engine)
        for index in Purchase.__table__.indexes:  # type: ignore[attr-defined]
            index.drop(engine)  # built after the load: much faster than kept up row by row
        files = generate(members, purchases)
        started = time.perf_counter()
        (load_postgresql if kind == "postgresql" else load_sqlite)(engine, *files)
        with transaction(engine) as session:
            purchase_summary.recount(session)
        if kind == "postgresql":
            compact(engine)
        print(f"loaded {kind} in {time.perf_counter() - started:.1f} s")
    for index in Purchase.__table__.indexes:  # type: ignore[attr-defined]
        index.create(engine, checkfirst=True)  # a cached database gets indexes added later
    return engine


def compact(engine: Engine) -> None:
    """Rewrite the member table after its summaries were counted: a shop's member rows are
    written once and then updated in place, not three versions each as the load leaves them."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (FULL, ANALYZE) member"))


def tidy(engine: Engine) -> None:
    """Vacuum as autovacuum would between two nightly runs (a test server may run without
    it): otherwise every rewritten member_score row stays behind as a dead one that the
    next run wades through, and the figures grow with the number of runs."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM (ANALYZE) member_score, purchase, member"))


def tonight(engine: Engine, members: int, purchases: int, first: bool, later: bool) -> date:
    """The as-of day of this run; before a later night, that day's purchases are added,
    and with `later` one purchase the day after."""
    with transaction(engine) as session:
        run = segments.latest_run(session)
        if first:
            session.execute(text("DELETE FROM member_score"))
        day = AS_OF if run is None else run.as_of + timedelta(days=1)
        bought = a_day_of_purchases(day, members, purchases // 730) if run is not None else []
        if later:
            after = a_day_of_purchases(day + timedelta(days=1), members, 1)[0]
            bought.append({**after, "voided_at": None})
        if bought:
            session.execute(insert(Purchase), bought)
            purchase_summary.recount(session, {int(p["member_id"]) for p in bought})
    return day


def a_day_of_purchases(day: date, members: int, count: int) -> list[dict[str, object]]:
    """`count` purchases on `day`, spread like the generated ones."""
    rng = random.Random(day.toordinal())
    start = datetime(day.year, day.month, day.day, tzinfo=BANGKOK).timestamp()
    now = datetime.fromtimestamp(start + 86_400, UTC)
    return [
        {
            "member_id": min(members, int(members * rng.random() ** 1.6) + 1),
            "amount_satang": int(rng.lognormvariate(9.5, 0.9)),
            "occurred_at": datetime.fromtimestamp(start + 86_399 * rng.random(), UTC),
            "channel": "import",
            "voided_at": now if rng.random() < 0.01 else None,
            "created_at": now,
        }
        for _ in range(count)
    ]


def keep_copy(engine: Engine) -> None:
    with transaction(engine) as session:
        session.execute(text("DROP TABLE IF EXISTS bench_score_before"))
        session.execute(text("CREATE TABLE bench_score_before AS SELECT * FROM member_score"))


def rows_written(engine: Engine) -> tuple[int, int]:
    """member_score rows changed or added, and removed, since `keep_copy`."""
    with transaction(engine) as session:
        written = session.execute(
            text(
                "SELECT COUNT(*) FROM (SELECT * FROM member_score"
                " EXCEPT SELECT * FROM bench_score_before) w"
            )
        ).scalar_one()
        removed = session.execute(
            text(
                "SELECT COUNT(*) FROM bench_score_before b WHERE NOT EXISTS"
                " (SELECT 1 FROM member_score s WHERE s.member_id = b.member_id)"
            )
        ).scalar_one()
        session.execute(text("DROP TABLE bench_score_before"))
    return int(written), int(removed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--purchases", type=int, default=10_000_000)
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--first-night", action="store_true", help="delete the stored scores")
    parser.add_argument("--fresh", action="store_true", help="regenerate and reload")
    parser.add_argument(
        "--later-purchase", action="store_true", help="count from the purchases, not the summaries"
    )
    args = parser.parse_args()
    engine = database(args.database, args.members, args.purchases, args.fresh)
    as_of = tonight(engine, args.members, args.purchases, args.first_night, args.later_purchase)
    keep_copy(engine)
    if args.database == "postgresql":
        tidy(engine)
    started = time.perf_counter()
    with transaction(engine) as session:
        scored = segments.refresh_scores(session, as_of=as_of, tz=BANGKOK)
    seconds = time.perf_counter() - started
    written, removed = rows_written(engine)
    with transaction(engine) as session:
        sizes = segments.segment_sizes(session)
    print(
        f"{args.database}: scored {scored:,} of {args.members:,} members "
        f"({args.purchases:,} purchases) as of {as_of} in {seconds:.1f} s, "
        f"wrote {written:,} rows and removed {removed:,}, "
        f"on {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}"
    )
    for size in sizes:
        print(f"  {size.segment:<20} {size.members:>9,}  {size.spend_satang / 100:>16,.2f} baht")
    engine.dispose()


if __name__ == "__main__":
    main()
