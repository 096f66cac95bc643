"""The test session's environment, set before any `bot` module reads it: a temporary
instance folder, and no production Redis (huey then uses a SQLite file there)."""

from __future__ import annotations

import os
import tempfile

INSTANCE_DIR = tempfile.mkdtemp(prefix="loyalty-test-")
os.environ["INSTANCE_DIR"] = INSTANCE_DIR
os.environ.pop("REDIS_URL", None)
