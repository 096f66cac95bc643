"""The huey instance: Redis when REDIS_URL is set, else a SQLite file beside the database."""

from __future__ import annotations

import os
from pathlib import Path

from dotenv import load_dotenv
from huey import Huey, RedisHuey, SqliteHuey


def make_huey() -> Huey:
    load_dotenv(Path.cwd() / ".env")  # as load_settings does: web and worker must agree
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("line-loyalty", url=redis_url)
    path = Path(
        os.environ.get("HUEY_SQLITE", Path(os.environ.get("INSTANCE_DIR", "instance")) / "jobs.db")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("line-loyalty", filename=str(path))


huey = make_huey()
