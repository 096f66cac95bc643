"""Fixtures: a fake LINE platform, a database per test (SQLite, and PostgreSQL when it
answers), the app wired to both, and `line`, a helper that chats as LINE users would.
What these fixtures build with lives in tests/support/."""

from __future__ import annotations

from tests.support import environment  # first: it sets the environment bot modules read

# isort: split

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeLine
from bot.jobs.queue import Jobs
from bot.jobs.schedule import make_jobs
from bot.services import Services, build
from bot.settings import Settings
from bot.web.app import create_app
from storage import clock
from tests.support import hypothesis_profiles  # noqa: F401  (ci by default; HYPOTHESIS_PROFILE=soak)
from tests.support.databases import (
    REDIS_URL,
    assert_summaries_hold,
    postgres_database,
    postgres_unreachable,
    redis_unreachable,
    sqlite_database,
)
from tests.support.line import SECRET, TOKEN, Line
from tests.support.pinned_clock import ENV as pinned_clock_env
from tests.support.pinned_clock import PINNED, Forbidden, anchor_text, from_env


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty database for one test: a SQLite file, or a PostgreSQL schema. After
    the test, every member's kept purchase summary must still match their purchases."""
    if request.param == "sqlite":
        with sqlite_database(tmp_path) as engine:
            yield engine
            assert_summaries_hold(engine)
        return
    reason = postgres_unreachable()
    if reason:
        pytest.skip(reason)
    with postgres_database() as engine:
        yield engine
        assert_summaries_hold(engine)


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
        instance_dir=Path(environment.INSTANCE_DIR),
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


@pytest.fixture
def line(fake: FakeLine, client: Any, engine: Engine) -> Line:
    return Line(fake, client, engine)


@pytest.fixture
def redis_url() -> str:
    """A Redis database for tests, or skip with the reason."""
    reason = redis_unreachable()
    if reason:
        pytest.skip(reason)
    return REDIS_URL


@pytest.fixture(autouse=True)
def pinned_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts at `PINNED` and cannot read the wall clock (tests/support/pinned_clock.py).

    A `real_clock` test's clock runs at real speed from `PINNED`, in this process and in
    the processes it starts through `tests.support.pinned_process`.
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
        pytest.fail(
            f"read the wall clock {forbidden.reads} time(s); see tests/support/pinned_clock.py"
        )


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
