"""Real huey consumers for tests: the environment a worker process gets, starting one, waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeLine
from tests.support.line import SECRET, TOKEN

ROOT = Path(__file__).resolve().parents[2]


def worker_env(engine: Engine, fake: FakeLine, **extra: str) -> dict[str, str]:
    """The settings of a worker on this test's database and fake LINE (queue in `extra`)."""
    url = engine.url.render_as_string(hide_password=False)
    options = engine.test_connect_args.get("options")  # type: ignore[attr-defined]
    if options:
        url += "?options=" + options.replace("=", "%3D")
    inherited = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "HUEY_SQLITE")}
    return {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "LINE_CHANNEL_SECRET": SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_BASIC_ID": "@loyaltytest",
        "LINE_API_ENDPOINT": fake.url,
        "LINE_API_DATA_ENDPOINT": fake.url,
        "BASE_URL": "https://loyalty.test",
        **extra,
    }


def start_consumer(
    env: dict[str, str], cwd: Path, *, quiet: bool = True
) -> subprocess.Popen[bytes]:
    """`loyalty worker` with two thread workers, as a separate process (as the Procfile's).

    Its clock runs from the test's pinned instant (tests/support/pinned_clock.py): the test that
    starts one is a `real_clock` test.
    """
    output = subprocess.DEVNULL if quiet else subprocess.PIPE
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.support.pinned_process",
            "bot.cli.main",
            "worker",
            "-w",
            "2",
            "-k",
            "thread",
        ],
        env=env,
        cwd=cwd,
        stdout=output,
        stderr=subprocess.STDOUT if not quiet else subprocess.DEVNULL,
    )


def run_python(code: str, env: dict[str, str], cwd: Path) -> None:
    """Run `code` in a new process on the test's clock, as a web process would enqueue."""
    command = [sys.executable, "-m", "tests.support.pinned_process", "-c", code]
    subprocess.run(command, env=env, cwd=cwd, check=True, timeout=30)


HAND_OVER = (
    "from bot.jobs.schedule import make_jobs; from bot.services import build; "
    "from bot.settings import load_settings; from handlers import jobs; "
    "make_jobs(build(load_settings())).send(jobs.{job})"
)


def hand_over(job: str, env: dict[str, str], cwd: Path) -> None:
    """Hand `job` (e.g. "DeliverPush(7)") to the queue from a new process, as the web does."""
    run_python(HAND_OVER.format(job=job), env, cwd)


def wait_for(check: Callable[[], object], seconds: float) -> bool:
    """True as soon as `check()` is truthy; False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False
