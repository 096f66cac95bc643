"""Faults on the wire: PostgreSQL and Redis cut through a proxy the test owns, and a web
worker killed with SIGKILL, while signed webhooks arrive at real gunicorn workers. After
LINE's redeliveries nothing is lost or doubled, and LINE got a 5xx for exactly the events
that were not committed (a killed worker answers nothing: LINE delivers those again too).

Real processes keep real time, so this test says so (`real_clock`)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.demo.fakeline import FakeLine
from bot.demo.fakeline.records import sign
from bot.jobs.queue import Jobs, run_lost_jobs
from bot.jobs.tasks import resend_stale_pushes
from storage import clock
from storage.db import transaction
from storage.models import (
    EntryKind,
    LedgerEntry,
    Member,
    OutboxMessage,
    ProcessedEvent,
    QueuedJob,
    Role,
)
from tests.support import factories
from tests.support.line import SECRET, Line
from tests.support.proxy import Proxy
from tests.support.workers import worker_env

pytestmark = pytest.mark.real_clock

CUSTOMERS = [f"08133300{i:02d}" for i in range(6)]  # in LINE: each award is also a push
COUNTER = [f"08944400{i:02d}" for i in range(6)]  # at the counter only
PHONES = CUSTOMERS + COUNTER


def proxied_url(engine: Engine, port: int) -> str:
    url = engine.url.set(port=port).render_as_string(hide_password=False)
    options = engine.test_connect_args.get("options")  # type: ignore[attr-defined]
    return url + ("?options=" + options.replace("=", "%3D") if options else "")


def free_port() -> int:
    with Proxy(1) as probe:  # any free port
        return probe.port


@pytest.fixture
def web(engine: Engine, fake: FakeLine, redis_url: str, tmp_path: Path) -> Iterator[Any]:
    """Two gunicorn workers on this test's database and Redis, both through proxies."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the database is cut on the wire: PostgreSQL only")
    redis.Redis.from_url(redis_url).flushdb()
    database = Proxy(engine.url.port or 5432)
    queue = Proxy(redis.Redis.from_url(redis_url).connection_pool.connection_kwargs["port"])
    db_number = redis_url.rsplit("/", 1)[1]
    port = free_port()
    env = worker_env(
        engine,
        fake,
        DATABASE_URL=proxied_url(engine, database.port),
        REDIS_URL=f"redis://127.0.0.1:{queue.port}/{db_number}",
        RATE_LIMIT_PER_MINUTE="0",
        INSTANCE_DIR=str(tmp_path),
    )
    command = [
        sys.executable,
        "-m",
        "tests.support.pinned_process",
        "gunicorn",
        "bot.web.app:create_app()",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--log-level",
        "error",
    ]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.DEVNULL)
    try:
        assert _wait_healthy(port), "gunicorn did not start"
        yield type("Web", (), {"port": port, "pid": server.pid, "db": database, "queue": queue})
    finally:
        server.terminate()
        server.wait(timeout=20)
        database.close()
        queue.close()
        redis.Redis.from_url(redis_url).flushdb()


def _wait_healthy(port: int) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    return False


def post(port: int, event: dict[str, Any], redelivery: bool = False) -> int | None:
    """Deliver one event as LINE does; the status, or None when the bot answered nothing."""
    event = {**event, "deliveryContext": {"isRedelivery": redelivery}}
    body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}).encode()
    headers = {"Content-Type": "application/json", "X-Line-Signature": sign(body, SECRET)}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("POST", "/callback", body=body, headers=headers)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        connection.close()


def workers_of(master: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return found


def committed(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(ProcessedEvent.webhook_event_id)))


def test_cut_database_and_queue_and_a_killed_worker_lose_and_double_nothing(
    jobs: Jobs, line: Line, engine: Engine, web: Any
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    readers = [line.user(f"Reader {i}") for i in range(len(CUSTOMERS))]
    for reader, phone in zip(readers, CUSTOMERS, strict=True):
        line.register(reader, phone)
    with transaction(engine) as session:  # counter members exist: no "new member?" question
        for phone in COUNTER:
            factories.member(session, phone=phone)
    events = [line.fake.text_event(cashier, f"award {PHONES[i % 12]} 100") for i in range(40)]
    ids = [e["webhookEventId"] for e in events]
    first: dict[str, int | None] = {}

    def send(span: range) -> None:
        for i in span:
            first[ids[i]] = post(web.port, events[i])

    send(range(0, 8))
    web.db.sever()
    send(range(8, 14))  # the database is gone: nothing commits, LINE is told 503
    web.db.restore()
    send(range(14, 18))
    web.queue.sever()
    send(range(18, 26))  # the queue is gone: committed, answered 200, jobs wait in the database
    web.queue.restore()
    senders = [threading.Thread(target=send, args=(range(n, 40, 4),)) for n in range(26, 30)]
    for sender in senders:
        sender.start()
    deadline = time.monotonic() + 10
    while len(first) < 28 and time.monotonic() < deadline:  # four senders are mid-request
        time.sleep(0.001)
    victims = workers_of(web.pid)
    assert victims, "no gunicorn worker found"
    for victim in victims:  # each has requests in flight; gunicorn starts new ones
        os.kill(victim, signal.SIGKILL)
    for sender in senders:
        sender.join(timeout=60)

    done = committed(engine)
    assert all(first[i] == 503 for i in ids[8:14])
    assert all(first[i] == 200 for i in ids[18:26])
    assert {i for i in ids if first[i] == 200} <= done
    assert {i for i in ids if first[i] is not None and first[i] >= 500} == set(ids) - done - {
        i for i in ids if first[i] is None
    }
    assert set(first.values()) <= {200, 503, None}
    assert None in first.values(), "the kill hit no request in flight"

    for _ in range(5):  # LINE redelivers what was not answered 200
        again = [i for i in ids if first[i] != 200]
        for i in again:
            first[i] = post(web.port, events[ids.index(i)], redelivery=True)
    assert set(first.values()) == {200}

    clock.advance(timedelta(minutes=3))  # the worker's minute sweeps, once the queue is back
    run_lost_jobs(jobs)
    resend_stale_pushes(jobs)

    assert set(ids) <= committed(engine)
    with Session(engine) as session:
        earned = session.exec(
            select(LedgerEntry).where(col(LedgerEntry.kind) == EntryKind.EARN)
        ).all()
        balances = {m.phone: m.points for m in session.exec(select(Member))}
        pushes = list(session.exec(select(OutboxMessage)))
        waiting = session.exec(select(QueuedJob).where(QueuedJob.status != "done")).all()
    assert len(earned) == 40
    assert all(balances[f"+66{p[1:]}"] == 4 * (4 if n < 4 else 3) for n, p in enumerate(PHONES))
    assert {p.status for p in pushes} == {"sent"} and not waiting
    delivered = Counter(
        c.headers["X-Line-Retry-Key"] for c in line.fake.calls("/v2/bot/message/push", status=200)
    )
    assert set(delivered.values()) == {1} and len(delivered) == len(pushes)
    got = Counter(c.body["to"] for c in line.fake.calls("/v2/bot/message/push", status=200))
    assert [got[r.user_id] for r in readers] == [4 if n < 4 else 3 for n in range(6)]
