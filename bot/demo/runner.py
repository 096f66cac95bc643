"""`loyalty demo`: the app, a fake LINE platform, the job consumer and the simulator in one process.

No LINE account and no configuration are needed: the app talks to the fake platform on
loopback exactly as it talks to LINE (signed webhooks in, Messaging API calls out), and the
simulator page acts as four people's LINE apps.
"""

from __future__ import annotations

import hashlib
import logging
import signal
import sys
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.error import HTTPError

from flask import Flask
from huey.consumer import Consumer
from werkzeug.serving import BaseWSGIServer, make_server

from bot.demo.console import PortInUse, banner, refuse_a_taken
from bot.demo.fakeline import FakeLine, FakeUser
from bot.demo.fakeline.simulator_api import Persona
from bot.demo.fakeline.simulator_routes import install
from bot.demo.sample_shop import build_sample
from bot.demo.scene import read_scene
from bot.demo.simulator import bp as simulator_bp
from bot.jobs.queue import Jobs
from bot.jobs.schedule import make_jobs
from bot.services import Services, build
from bot.settings import Settings, environment
from bot.web.app import create_app
from richmenus.deploy import deploy
from storage import members, migrations
from storage.db import make_engine, transaction
from storage.models import Role

log = logging.getLogger(__name__)

SECRET = "demo-channel-secret"
ACCESS_TOKEN = "demo-access-token"
BASIC_ID = "@linedemo"
BASE_URL = "https://demo.line-loyalty.invalid"
DEFAULT_SHOP_NAME = "Kafe Dee (demo)"


@dataclass(frozen=True)
class Character:
    """Someone in the demo: a LINE user with a role in the shop."""

    key: str
    name: str
    label: str
    role: Role
    language: str


CAST = (
    Character("nok", "Nok", "Nok", Role.CUSTOMER, "th"),
    Character("anna", "Anna", "Anna", Role.CUSTOMER, "en"),
    Character("bee", "Bee", "Bee (cashier)", Role.STAFF, "th"),
    Character("dang", "Owner Dang", "Owner Dang", Role.OWNER, "th"),
)


def demo_user_id(key: str) -> str:
    """The same LINE user id on every run, so a kept demo database still knows everyone."""
    return "U" + hashlib.sha256(f"line-loyalty demo {key}".encode()).hexdigest()[:32]


def demo_settings(fake_url: str, database_url: str, instance: Path) -> Settings:
    return Settings(
        channel_secret=SECRET,
        channel_access_token=ACCESS_TOKEN,
        basic_id=BASIC_ID,
        base_url=BASE_URL,
        database_url=database_url,
        api_endpoint=fake_url,
        api_data_endpoint=fake_url,
        shop_name=environment().get("SHOP_NAME", DEFAULT_SHOP_NAME),
        sms_provider="http",
        sms_http_url=f"{fake_url}/_sim/sms",
        instance_dir=instance,
        huey_sqlite=str(instance / "demo-jobs.db"),
    )


def prepare_database(url: str) -> None:
    """Bring the demo database to the latest migration, as `loyalty db upgrade` does."""
    engine = make_engine(url)
    try:
        migrations.upgrade(engine)
    finally:
        engine.dispose()


def seed_cast(services: Services, fake: FakeLine) -> list[Persona]:
    """Everyone in the demo as a fake LINE user; customers start as strangers to the shop."""
    personas = []
    with transaction(services.engine) as session:
        for character in CAST:
            user_id = demo_user_id(character.key)
            account = members.get_line_user(session, user_id)
            if account is None:
                account = members.upsert_line_user(
                    session,
                    line_user_id=user_id,
                    display_name=character.name,
                    language=character.language,
                    following=character.role != Role.CUSTOMER,
                )
                members.set_role(session, account, character.role)
            user: FakeUser = fake.add_user(character.name, character.language, user_id=user_id)
            user.following = account.following
            personas.append(Persona(user=user, label=character.label, role=character.role.value))
    return personas


def http_delivery(callback_url: str) -> Callable[[bytes, dict[str, str]], int]:
    """Webhooks go to the app's /callback over real HTTP, as LINE sends them."""

    def deliver(body: bytes, headers: dict[str, str]) -> int:
        request = urllib.request.Request(callback_url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return int(response.status)
        except HTTPError as error:
            return error.code

    return deliver


def start_jobs(jobs: Jobs) -> Consumer:
    """A huey consumer with worker threads inside this process (Ctrl-C stays ours)."""
    logging.getLogger("huey").setLevel(logging.WARNING)
    consumer = jobs.huey.create_consumer(
        workers=2, worker_type="thread", periodic=True, initial_delay=0.05, max_delay=0.5
    )
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()
    for signum, handler in handlers.items():
        signal.signal(signum, handler)
    return consumer


def deploy_menus(services: Services) -> threading.Thread:
    """Put the rich menus on the fake platform in the background (drawing takes seconds).

    The deployment links the cashier and the owner to their menus; customers see the
    default. The simulator shows each persona's menu as soon as it is there.
    """

    def work() -> None:
        try:
            report = deploy(services.line, services.look, services.engine)
        except Exception:
            log.exception("the demo's rich menus could not be deployed")
            return
        log.info("demo rich menus ready: %d created, %d linked", len(report.created), report.linked)

    thread = threading.Thread(target=work, name="demo-richmenus", daemon=True)
    thread.start()
    return thread


@dataclass
class Demo:
    """A running demo; `stop()` ends everything it started."""

    url: str
    fake: FakeLine
    services: Services
    personas: list[Persona]
    server: BaseWSGIServer
    consumer: Consumer
    instance_dir: Path
    serving: threading.Thread
    menus: threading.Thread

    @property
    def simulator_url(self) -> str:
        return f"{self.url}/simulator"

    def menus_ready(self, timeout: float = 60.0) -> bool:
        """Wait for the rich menus to be on the fake platform."""
        self.menus.join(timeout)
        return not self.menus.is_alive()

    def stop(self) -> None:
        self.menus.join()
        self.server.shutdown()
        self.server.server_close()
        self.serving.join(timeout=5)
        self.consumer.stop(graceful=True)
        self.fake.stop()
        self.services.line.close()
        self.services.engine.dispose()


def _forget_old_demo(instance: Path) -> None:
    for name in ("demo.db", "demo.db-wal", "demo.db-shm", "demo-jobs.db"):
        (instance / name).unlink(missing_ok=True)


def with_simulator(app: Flask) -> Flask:
    """The shop's app with the chat simulator's pages beside it (`/simulator`)."""
    app.register_blueprint(simulator_bp)
    return app


def start(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    fresh: bool = False,
    instance_dir: Path | None = None,
) -> Demo:
    """Start the fake platform, the app, the job consumer; returns at once (see `run`).

    A new demo database gets the sample shop (`sample_shop`); `fresh` forgets the old one
    and starts an empty shop, with only the cast. A kept database is used as it is.
    """
    refuse_a_taken(host, port)
    instance = (instance_dir or Path(environment().get("INSTANCE_DIR", "instance"))).resolve()
    instance.mkdir(parents=True, exist_ok=True)
    if fresh:
        _forget_old_demo(instance)
    sample = not fresh and not (instance / "demo.db").exists()
    database_url = f"sqlite:///{instance / 'demo.db'}"
    prepare_database(database_url)
    fake = FakeLine(channel_secret=SECRET, access_token=ACCESS_TOKEN).start()
    services = build(demo_settings(fake.url, database_url, instance))
    jobs = make_jobs(services)
    server = make_server(host, port, with_simulator(create_app(jobs=jobs)), threaded=True)
    local = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{server.server_port}"
    personas = seed_cast(services, fake)
    if sample:
        log.info("a new demo database: building the sample shop (a few seconds)")
        built = build_sample(services, cashier=demo_user_id("bee"), owner=demo_user_id("dang"))
        log.info("sample shop ready: %d members, %d purchases", built.members, built.purchases)
    install(fake, personas, basic_id=BASIC_ID, image_origins={BASE_URL: local})
    fake.deliver = http_delivery(f"{local}/callback")
    consumer = start_jobs(jobs)
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
    )
    serving.start()
    menus = deploy_menus(services)
    return Demo(
        url=local,
        fake=fake,
        services=services,
        personas=personas,
        server=server,
        consumer=consumer,
        instance_dir=instance,
        serving=serving,
        menus=menus,
    )


def run(host: str = "127.0.0.1", port: int = 8000, fresh: bool = False) -> None:
    """Serve the demo until Ctrl-C."""
    try:
        demo = start(host, port, fresh=fresh)
    except PortInUse as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    settings = demo.services.settings
    scene = read_scene(demo.services.engine, demo.personas)
    print(banner(settings.shop_name, demo.simulator_url, demo.instance_dir, scene), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        print("\n  Stopping the demo...", flush=True)
    finally:
        demo.stop()
