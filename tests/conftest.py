"""Fixtures: a fake LINE platform, a database per test (SQLite, and PostgreSQL when it
answers), the app wired to both, and `line`, a helper that chats as LINE users would."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_instance = tempfile.mkdtemp(prefix="loyalty-test-")
os.environ["INSTANCE_DIR"] = _instance
os.environ.pop("REDIS_URL", None)

from sqlalchemy import text as sql  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from bot.demo.fakeline import FakeLine, FakeUser  # noqa: E402
from bot.jobs.queue import Jobs  # noqa: E402
from bot.jobs.schedule import make_jobs  # noqa: E402
from bot.services import Services, build  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.web.app import create_app  # noqa: E402
from storage import clock, members  # noqa: E402
from storage.db import make_engine, transaction  # noqa: E402
from storage.models import Role  # noqa: E402
from tests import hypothesis_profiles  # noqa: E402, F401  (ci by default; HYPOTHESIS_PROFILE=soak)
from tests.pinned_clock import ENV as pinned_clock_env  # noqa: E402
from tests.pinned_clock import PINNED, Forbidden, anchor_text, from_env  # noqa: E402

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
SECRET = "test-channel-secret"
TOKEN = "test-access-token"


def _postgres_answers() -> str | None:
    """None if PostgreSQL is reachable, else the reason to skip."""
    try:
        engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(sql("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}"
    return None


_PG_SKIP = _postgres_answers()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty database for one test: a SQLite file, or a PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'loyalty.db'}")
        engine.test_connect_args = {}  # type: ignore[attr-defined]
        SQLModel.metadata.create_all(engine)
        yield engine
        engine.dispose()
        return
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sql(f"CREATE SCHEMA {schema}"))
    connect_args = {"options": f"-csearch_path={schema}"}
    engine = make_engine(POSTGRES_URL, connect_args=connect_args)
    engine.test_connect_args = connect_args  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(sql(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def fake() -> Iterator[FakeLine]:
    server = FakeLine(channel_secret=SECRET, access_token=TOKEN).start()
    yield server
    server.stop()


@pytest.fixture
def settings(fake: FakeLine) -> Settings:
    return Settings(
        channel_secret=SECRET,
        channel_access_token=TOKEN,
        basic_id="@loyaltytest",
        base_url="https://loyalty.test",
        database_url="unused: the engine fixture provides the database",
        api_endpoint=fake.url,
        api_data_endpoint=fake.url,
        shop_name="Kafe Dee",
        sms_provider="http",
        sms_http_url=f"{fake.url}/_sim/sms",
        instance_dir=Path(_instance),
    )


@pytest.fixture
def services(settings: Settings, engine: Engine) -> Iterator[Services]:
    built = build(settings, engine)
    yield built
    built.line.close()


@pytest.fixture
def jobs(services: Services) -> Jobs:
    """The queue in immediate mode: a job runs as soon as it is handed over."""
    return make_jobs(services, immediate=True)


@pytest.fixture
def app(jobs: Jobs) -> Iterator[Any]:
    application = create_app(jobs=jobs)
    application.config["TESTING"] = True
    yield application
    clock.reset()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


class Line:
    """Chat with the bot as LINE users do, through the fake platform and signed webhooks."""

    def __init__(self, fake: FakeLine, client: Any, engine: Engine) -> None:
        self.fake = fake
        self.client = client
        self.engine = engine
        self.last_status = 0
        fake.deliver = self._deliver

    def _deliver(self, body: bytes, headers: dict[str, str]) -> int:
        response = self.client.post("/callback", data=body, headers=headers)
        self.last_status = response.status_code
        return response.status_code

    def user(self, name: str = "Somchai", language: str = "th", follow: bool = True) -> FakeUser:
        user = self.fake.add_user(name, language)
        if follow:
            self.fake.follow(user)
        return user

    def _after(self, user: FakeUser, action: Any) -> list[dict[str, Any]]:
        before = len(self.fake.bot_messages(user.user_id))
        action()
        return self.fake.bot_messages(user.user_id)[before:]

    def say(self, user: FakeUser, text: str) -> list[dict[str, Any]]:
        """Send `text` as `user`; returns the messages the bot showed them in answer."""
        return self._after(user, lambda: self.fake.say(user, text))

    def tap(self, user: FakeUser, data: str) -> list[dict[str, Any]]:
        return self._after(user, lambda: self.fake.tap(user, data))

    def ask(self, user: FakeUser, text: str) -> str:
        """Send `text`; returns the bot's text answers joined (for readable assertions)."""
        return "\n".join(texts(self.say(user, text)))

    def register(self, user: FakeUser, phone: str = "0812345678") -> None:
        """Consent to everything and register `phone`."""
        self.tap(user, "action=consent&choice=all")
        self.say(user, phone)

    def make(self, user: FakeUser, role: Role) -> None:
        with transaction(self.engine) as session:
            account = members.upsert_line_user(session, line_user_id=user.user_id)
            members.set_role(session, account, role)

    def sms_code(self) -> str:
        """The code in the last SMS the fake gateway received."""
        import re

        match = re.search(r"\b(\d{6})\b", self.fake.sms[-1]["text"])
        assert match, self.fake.sms
        return match.group(1)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("type") == "text"]


@pytest.fixture
def line(fake: FakeLine, client: Any, engine: Engine) -> Line:
    return Line(fake, client, engine)


@pytest.fixture
def redis_url() -> str:
    """A Redis database for tests, or skip with the reason."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {type(error).__name__}")
    return REDIS_URL


@pytest.fixture(autouse=True)
def pinned_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts at `PINNED` and cannot read the wall clock (tests/pinned_clock.py).

    A `real_clock` test's clock runs at real speed from `PINNED`, in this process and in
    the processes it starts through `tests.pinned_process`.
    """
    anchor = anchor_text(PINNED)
    monkeypatch.setenv(pinned_clock_env, anchor)
    forbidden = Forbidden()
    if request.node.get_closest_marker("real_clock"):
        clock.use_source(from_env(anchor))
    else:
        clock.use_source(forbidden)
        clock.freeze(PINNED)
    yield
    clock.reset()
    clock.use_source(clock.wall_clock)
    if forbidden.reads:
        pytest.fail(f"read the wall clock {forbidden.reads} time(s); see tests/pinned_clock.py")


@pytest.fixture(autouse=True)
def no_unexpected_errors(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    """Fail a test whose code logged an ERROR (e.g. a job that crashed in immediate mode)."""
    yield
    if request.node.get_closest_marker("allow_errors"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= 40]
    assert not errors, [f"{r.name}: {r.getMessage()}" for r in errors]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "allow_errors: the test expects ERROR log records")
    config.addinivalue_line(
        "markers", "real_clock: the test means real time; its clock runs from PINNED at real speed"
    )
