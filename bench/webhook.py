"""Webhook cost against the floor: signed events through gunicorn, the database and the fake LINE.

    .venv/bin/python bench/webhook.py [--events 2000] [--clients 16] [--runs 3]
        [--database sqlite|postgresql] [--command points award]

Starts the fake LINE platform and two apps under the same gunicorn settings (2
workers x 4 threads, as the Procfile) and the same load: the floor (`bench/floor_bot.py`: the
SDK's signature check and parser and one reply through a reused client, no database) and
the project (`bot.web.app:create_app()`, a fresh migrated database, one cashier, 500
members with LINE accounts, the per-person rate limit off). `--clients` threads send
`--events` signed webhooks: `points` from the members, or `award <phone> <baht>` from the
cashier. For each, the median of `--runs` runs: CPU per event of the web workers (from
/proc, after a warm-up), events/s, p50/p99 latency; then the ratio of the project to the
floor. The two servers run side by side and are measured in turns, floor then project, so
that each ratio compares runs seconds apart; the ratio printed is the median of the runs'
own. Pushes are queued (outbox + huey) but no consumer runs: this is the web path only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.demo.fakeline import FakeLine, sign  # noqa: E402
from handlers.customer import NOTICE_VERSION  # noqa: E402
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


def customer_id(n: int) -> str:
    return "U" + f"{n:032x}"


def seed(url: str, phones: list[str]) -> None:
    """A cashier and a member per phone, each with a LINE account that agreed to everything."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with transaction(engine) as session:
        members.set_role(session, members.upsert_line_user(session, line_user_id=STAFF), Role.STAFF)
        for n, phone in enumerate(phones):
            member = members.create_member(session, phone=phone)
            user = members.upsert_line_user(session, line_user_id=customer_id(n), following=True)
            user.service_consent_version = NOTICE_VERSION
            members.link(session, user, member)
    engine.dispose()


def floor_env(fake: FakeLine) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLOOR_SECRET": SECRET,
        "FLOOR_TOKEN": TOKEN,
        "FLOOR_API": fake.url,
    }


def project_env(url: str, fake: FakeLine, workdir: Path) -> dict[str, str]:
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
    return env


def start_web(app: str, env: dict[str, str], port: int, workdir: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
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


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes used so far."""
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def send_events(
    fake: FakeLine, port: int, command: str, phones: list[str], count: int, clients: int
) -> list[float]:
    """`count` signed webhooks from `clients` threads; the latency of each."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_client = max(1, count // clients)

    def one_event() -> bytes:
        if command == "award":
            text = f"award {random.choice(phones)} {random.randint(50, 900)}"
            return fake.webhook_body([fake.text_event(fake.users[STAFF], text)])
        who = fake.users[customer_id(random.randrange(len(phones)))]
        return fake.webhook_body([fake.text_event(who, "points")])

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        for _ in range(per_client):
            body = one_event()
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


@dataclass(frozen=True)
class Run:
    cpu_ms: float  # per event, web workers
    per_second: float
    p50_ms: float
    p99_ms: float


def measure(web: subprocess.Popen[bytes], send: Callable[[int], list[float]], events: int) -> Run:
    send(64)  # warm-up: imports, connections, first queries
    pids = worker_pids(web.pid)
    cpu_before, started = cpu_seconds(pids), time.perf_counter()
    latencies = sorted(send(events))
    elapsed, cpu = time.perf_counter() - started, cpu_seconds(pids) - cpu_before
    return Run(
        cpu_ms=1000 * cpu / len(latencies),
        per_second=len(latencies) / elapsed,
        p50_ms=1000 * statistics.median(latencies),
        p99_ms=1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
    )


def median_run(runs: list[Run]) -> Run:
    return Run(*(statistics.median(getattr(r, f) for r in runs) for f in Run.__dataclass_fields__))


def serve(app: str, env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    return start_web(app, env, port, workdir), port


def stop(web: subprocess.Popen[bytes]) -> None:
    web.send_signal(signal.SIGTERM)
    web.wait(timeout=20)


@dataclass(frozen=True)
class Pair:
    floor: Run
    project: Run

    @property
    def cpu_ratio(self) -> float:
        return self.project.cpu_ms / self.floor.cpu_ms

    @property
    def throughput_ratio(self) -> float:
        return self.project.per_second / self.floor.per_second


def measure_in_turns(
    floor: tuple[subprocess.Popen[bytes], int],
    project: tuple[subprocess.Popen[bytes], int],
    send: Callable[..., list[float]],
    events: int,
    runs: int,
) -> list[Pair]:
    """`runs` pairs, each the floor's run then the project's right after it, so both of a
    pair see the machine alike (its speed drifts by tens of percent within minutes here)."""
    pairs = []
    for _ in range(runs):
        floor_run = measure(floor[0], lambda n: send(floor[1], n), events)
        project_run = measure(project[0], lambda n: send(project[1], n), events)
        pairs.append(Pair(floor_run, project_run))
    return pairs


def _spread(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def show(name: str, run: Run) -> str:
    return (
        f"{name:<8} CPU {run.cpu_ms:5.2f} ms/event · {run.per_second:5.0f} events/s · "
        f"p50 {run.p50_ms:6.1f} ms · p99 {run.p99_ms:6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--command", nargs="+", choices=["points", "award"], default=["points", "award"]
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="loyalty-bench-"))
    phones = [f"+6681{n:07d}" for n in random.sample(range(10_000_000), 500)]
    app_url, admin_url = database(args.database, workdir)
    seed(app_url, phones)
    fake = FakeLine(channel_secret=SECRET, access_token=TOKEN).start()
    fake.add_user("Bench cashier", user_id=STAFF).following = True
    for n in range(len(phones)):
        fake.add_user(f"Member {n}", user_id=customer_id(n)).following = True
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores,"
        f" Python {platform.python_version()}, load {os.getloadavg()[0]:.2f}"
    )
    print(
        f"gunicorn 2 workers x 4 threads; {args.clients} clients; {args.events} events;"
        f" {args.runs} runs each, in turns; database {args.database}"
    )
    try:
        floor = serve("bench.floor_bot:create_app()", floor_env(fake), workdir)
        project = serve("bot.web.app:create_app()", project_env(app_url, fake, workdir), workdir)
        try:
            for command in args.command:

                def send(port: int, n: int, command: str = command) -> list[float]:
                    return send_events(fake, port, command, phones, n, args.clients)

                pairs = measure_in_turns(floor, project, send, args.events, args.runs)
                print(f"`{command}`")
                print("  " + show("floor", median_run([p.floor for p in pairs])))
                print("  " + show("project", median_run([p.project for p in pairs])))
                cpu, rate = [p.cpu_ratio for p in pairs], [p.throughput_ratio for p in pairs]
                print(
                    f"  ratio, median of the runs' own: CPU {statistics.median(cpu):.2f}x the"
                    f" floor (goal <= 1.6; runs {_spread(cpu)}), throughput"
                    f" {statistics.median(rate):.2f}x (goal >= 0.7; runs {_spread(rate)})"
                )
        finally:
            stop(floor[0])
            stop(project[0])
    finally:
        fake.stop()
        drop_schema(app_url, admin_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
