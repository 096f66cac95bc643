"""Webhook throughput: signed award events through gunicorn, the database and the fake LINE.

    .venv/bin/python bench/webhook.py [--events 2000] [--clients 8] [--database sqlite|postgresql]

Starts the fake LINE platform, migrates a fresh database, starts `gunicorn
"bot.web.app:create_app()"` (2 workers x 4 threads, as the Procfile), makes one cashier (with
the per-person rate limit off) and 500 members, then sends `--events` signed
`award <phone> <baht>` webhooks from `--clients`
threads. Prints events/s, latency percentiles and the peak memory of each web worker.
Pushes are queued (outbox + huey) but no consumer runs: this measures the web path only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.demo.fakeline import FakeLine, sign  # noqa: E402
from storage import members  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import Role  # noqa: E402

SECRET, TOKEN = "bench-secret", "bench-token"
STAFF = "U" + "b" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database(kind: str, workdir: Path) -> tuple[str, str]:
    """A fresh database URL for the app, and one for this script (same database)."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        return url, url
    schema = "bench_" + uuid.uuid4().hex[:8]
    base = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    with make_engine(base).begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    return f"{base}?options=-csearch_path%3D{schema}", base


def drop_schema(app_url: str, admin_url: str) -> None:
    if "search_path%3D" in app_url:
        schema = app_url.rsplit("%3D", 1)[1]
        with make_engine(admin_url).begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def seed(url: str, phones: list[str]) -> None:
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with transaction(engine) as session:
        members.set_role(session, members.upsert_line_user(session, line_user_id=STAFF), Role.STAFF)
        for phone in phones:
            members.create_member(session, phone=phone)
    engine.dispose()


def start_web(url: str, fake: FakeLine, port: int, workdir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "INSTANCE_DIR": str(workdir),
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_BASIC_ID": "@bench",
        "LINE_API_ENDPOINT": fake.url,
        "LINE_API_DATA_ENDPOINT": fake.url,
        "BASE_URL": "https://bench.invalid",
        "RATE_LIMIT_PER_MINUTE": "0",
    }
    env.pop("REDIS_URL", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "bot.web.app:create_app()",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]
    web = subprocess.Popen(command, env=env, cwd=workdir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return web
        except OSError:
            time.sleep(0.2)
    web.kill()
    raise SystemExit("gunicorn did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def send_events(
    fake: FakeLine, port: int, phones: list[str], count: int, clients: int
) -> list[float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = count // clients

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        for _ in range(per_client):
            user = fake.users[STAFF]
            event = fake.text_event(
                user, f"award {random.choice(phones)} {random.randint(50, 900)}"
            )
            body = fake.webhook_body([event])
            headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, SECRET)}
            started = time.perf_counter()
            connection.request("POST", "/callback", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            assert response.status == 200, response.status
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    phones = [f"+6681{n:07d}" for n in random.sample(range(10_000_000), 500)]
    app_url, admin_url = database(args.database, workdir)
    seed(app_url, phones)
    fake = FakeLine(channel_secret=SECRET, access_token=TOKEN).start()
    fake.add_user("Bench cashier", user_id=STAFF).following = True
    port = free_port()
    web = start_web(app_url, fake, port, workdir)
    try:
        started = time.perf_counter()
        latencies = send_events(fake, port, phones, args.events, args.clients)
        elapsed = time.perf_counter() - started
        rss = [peak_rss_mb(pid) for pid in worker_pids(web.pid)]
    finally:
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=20)
        fake.stop()
        drop_schema(app_url, admin_url)
    replies = len(fake.calls("/v2/bot/message/reply", status=200))
    latencies.sort()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"database: {args.database}; gunicorn 2 workers x 4 threads; {args.clients} clients")
    print(
        f"award events: {len(latencies)} in {elapsed:.1f} s"
        f" = {len(latencies) / elapsed:.0f} events/s"
    )
    print(
        f"latency ms: p50 {1000 * statistics.median(latencies):.1f}, "
        f"p95 {1000 * latencies[int(0.95 * len(latencies))]:.1f}, "
        f"max {1000 * latencies[-1]:.1f}"
    )
    print(f"replies accepted by fake LINE: {replies}")
    print("peak RSS per web worker (MB): " + ", ".join(f"{r:.0f}" for r in rss))


if __name__ == "__main__":
    main()
