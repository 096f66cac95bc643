"""The test session's environment, set before any `bot` module reads it: a temporary
instance folder (removed when the session ends), and no production Redis (huey then uses
a SQLite file there)."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

INSTANCE_DIR = tempfile.mkdtemp(prefix="loyalty-test-")
atexit.register(shutil.rmtree, INSTANCE_DIR, ignore_errors=True)
os.environ["INSTANCE_DIR"] = INSTANCE_DIR
os.environ.pop("REDIS_URL", None)
