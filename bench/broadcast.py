"""Broadcast delivery: 100,000 recipients multicast to the fake LINE API, and 10,000 to compare.

    .venv/bin/python bench/broadcast.py [--sizes 10000,100000] [--database sqlite|postgresql]

For each size, a fresh process makes that many members on LINE (consented, following),
confirms a campaign to everyone (10% hold-out), and runs the delivery job in-process
(`bot.jobs.broadcast.send_campaign`) against the fake LINE platform, which runs in its own
process so its records do not count. Prints the time, the multicast requests, what LINE
counted as delivered, and the sender's peak memory: the Python heap peak during delivery
(tracemalloc) and the process's peak RSS. Flat memory means the two sizes show about the
same heap peak. The time comes from a run without tracemalloc (tracing every allocation
made delivery 3-5 times slower), the heap peak from a second run with it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

SECRET, TOKEN = "bench-secret", "bench-token"
PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
FAKE = """
import sys, time
from bot.demo.fakeline import FakeLine
fake = FakeLine(channel_secret="bench-secret", access_token="bench-token", quota=None).start()
print(fake.port, flush=True)
sys.stdin.read()
"""


def start_fake() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", FAKE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    port = process.stdout.readline().strip()  # type: ignore[union-attr]
    return process, f"http://127.0.0.1:{port}"


def database(kind: str, workdir: Path) -> tuple[Engine, str | None]:
    from storage.db import make_engine

    if kind == "sqlite":
        engine = make_engine(f"sqlite:///{workdir / 'broadcast.db'}")
        SQLModel.metadata.create_all(engine)
        return engine, None
    schema = "bench_bc_" + uuid.uuid4().hex[:8]
    with make_engine(PG).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(PG, connect_args={"options": f"-csearch_path={schema}"})
    SQLModel.metadata.create_all(engine)
    return engine, schema


def make_audience(engine: Engine, count: int) -> str:
    """`count` members on LINE who accept offers, and an owner; returns the owner's id."""
    from storage import clock
    from storage.db import transaction
    from storage.models import LineUser, Member

    now = clock.now()
    with transaction(engine) as session:
        for start in range(0, count, 10_000):
            size = min(10_000, count - start)
            session.execute(
                insert(Member.__table__),  # type: ignore[attr-defined]
                [
                    {"id": start + i + 1, "code": f"B{start + i:09d}", "points": 0,
                     "card_token": f"bench{start + i}", "created_at": now}
                    for i in range(size)
                ],
            )  # fmt: skip
            session.execute(
                insert(LineUser.__table__),  # type: ignore[attr-defined]
                [
                    {"line_user_id": f"U{start + i:032x}", "member_id": start + i + 1,
                     "role": "customer", "language": "th", "following": True,
                     "marketing_consent": True, "created_at": now}
                    for i in range(size)
                ],
            )  # fmt: skip
        owner = "U" + "f" * 32
        session.add(LineUser(line_user_id=owner, role="owner", language="en"))
    return owner


def consumed(fake_url: str) -> int:
    request = urllib.request.Request(
        f"{fake_url}/v2/bot/message/quota/consumption",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    with urllib.request.urlopen(request) as response:
        return int(json.load(response)["totalUsage"])


def one_size(size: int, kind: str, heap: bool) -> dict[str, float]:
    from bot.jobs import broadcast
    from bot.jobs.schedule import make_jobs
    from bot.services import build
    from bot.settings import Settings
    from storage import audiences, campaigns
    from storage.db import transaction

    fake, url = start_fake()
    workdir = Path(tempfile.mkdtemp(prefix="loyalty-bench-broadcast-"))
    engine, schema = database(kind, workdir)
    try:
        owner = make_audience(engine, size)
        settings = Settings(
            channel_secret=SECRET, channel_access_token=TOKEN, basic_id="@bench",
            base_url="https://bench.test", database_url="unused", api_endpoint=url,
            api_data_endpoint=url,
        )  # fmt: skip
        jobs = make_jobs(build(settings, engine), immediate=True)  # the owner's summary too
        with transaction(engine) as session:
            campaign_id = campaigns.create_campaign(
                session,
                created_by=owner,
                audience=[audiences.EVERYONE],
                messages=[{"type": "text", "text": "Flash sale: 20% off today only"}],
            ).id
        if heap:
            tracemalloc.start()
        started = time.perf_counter()
        assert broadcast.send_campaign(jobs, campaign_id) == "done"  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        heap_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        delivered = consumed(url) - 1  # the owner's summary push
        return {
            "recipients": size,
            "seconds": seconds,
            "requests": -(-(size - size // 10) // 500),
            "delivered": delivered,
            "heap_mb": heap_mb,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
        fake.stdin.close()  # type: ignore[union-attr]
        fake.wait(10)
        if schema:
            from storage.db import make_engine

            with make_engine(PG).begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--heap", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.database, args.heap)))
        return
    print(f"{args.database}, {os.cpu_count()} cores; fake LINE in its own process")
    print(f"{'recipients':>10} {'seconds':>8} {'multicasts':>10} {'delivered':>9} "
          f"{'recipients/s':>12} {'heap peak MB':>12} {'RSS peak MB':>11}")  # fmt: skip
    for size in [int(s) for s in args.sizes.split(",")]:
        timed, traced = (
            json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--one", str(size), "--database", args.database,
                     *flags],
                    check=True, capture_output=True, text=True,
                ).stdout.strip().splitlines()[-1]
            )
            for flags in ([], ["--heap"])
        )  # fmt: skip
        r = {**timed, "heap_mb": traced["heap_mb"]}
        print(
            f"{r['recipients']:>10,} {r['seconds']:>8.1f} {r['requests']:>10,} "
            f"{r['delivered']:>9,} {r['delivered'] / r['seconds']:>12,.0f} "
            f"{r['heap_mb']:>12.1f} {r['rss_mb']:>11.0f}"
        )


if __name__ == "__main__":
    main()
