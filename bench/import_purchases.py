"""Import speed and memory: a generated CSV of 1,000,000 purchases through `import_purchases`.

    .venv/bin/python bench/import_purchases.py [--rows 1000000] [--customers 200000]
                                               [--database sqlite|postgresql] [--award-points]

The CSV (half phone, half customer_ref customers, every row with an order ref) is made
once in $TMPDIR/loyalty-bench-import/ and reused. Each run imports it into a fresh
database, then imports it again (every row skipped: the re-import path). Prints rows/s
and the process's peak memory, sampled after every batch to show it stays flat.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from storage import purchases_import  # noqa: E402
from storage.db import make_engine  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "loyalty-bench-import"
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def generate(rows: int, customers: int) -> Path:
    path = CACHE / f"purchases-{rows}-{customers}.csv"
    if path.exists():
        return path
    CACHE.mkdir(exist_ok=True)
    rng = random.Random(7)
    first = date(2023, 1, 1)
    with open(path.with_suffix(".tmp"), "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["phone", "customer_ref", "occurred_at", "amount", "ref"])
        for n in range(rows):
            who = rng.randrange(customers)
            phone, ref = (f"08{who:08d}", "") if who % 2 else ("", f"POS-{who}")
            day = first + timedelta(days=rng.randrange(700))
            when = day.isoformat() if n % 2 else f"{day.isoformat()}T{rng.randrange(24):02d}:15:00"
            amount = f"{rng.randrange(2000, 500000) / 100:.2f}"
            writer.writerow([phone, ref, when, amount, f"ORD-{n}"])
    path.with_suffix(".tmp").rename(path)
    return path


def fresh_database(kind: str) -> tuple[Engine, str | None]:
    if kind == "sqlite":
        db = CACHE / "import.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{db}")
        SQLModel.metadata.create_all(engine)
        return engine, None
    schema = "bench_import_" + uuid.uuid4().hex[:8]
    with make_engine(PG).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(engine)
    return engine, schema


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(engine: Engine, path: Path, award: bool) -> tuple[float, purchases_import.Report]:
    options = purchases_import.Options(
        tz=ZoneInfo("Asia/Bangkok"),
        file_key=purchases_import.file_digest(path),
        award_points=award,
    )
    samples: list[float] = []
    started = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as source:
        report = purchases_import.import_purchases(
            engine, source, options, lambda: samples.append(peak_mb())
        )
    seconds = time.perf_counter() - started
    quarter = max(1, len(samples) // 4)
    trail = ", ".join(f"{s:.0f}" for s in samples[quarter - 1 :: quarter])
    print(f"  peak memory (MB) after each quarter of the batches: {trail}")
    return seconds, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--award-points", action="store_true")
    args = parser.parse_args()
    path = generate(args.rows, args.customers)
    engine, schema = fresh_database(args.database)
    print(f"{args.database}: importing {args.rows:,} rows ({path.stat().st_size >> 20} MB)")
    for attempt in ("first import", "re-import"):
        seconds, report = run_import(engine, path, args.award_points)
        print(
            f"  {attempt}: {seconds:.1f} s, {report.rows / seconds:,.0f} rows/s; imported "
            f"{report.imported:,}, skipped {report.already_imported:,}, new members "
            f"{report.new_members:,}, bad {report.bad_count:,}, points {report.points:,}"
        )
    print(f"  process peak memory {peak_mb():.0f} MB on {os.cpu_count()} cores")
    engine.dispose()
    if schema:
        with make_engine(PG).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = 1 << 16
    main()
