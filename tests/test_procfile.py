"""The Procfile's three processes point at things that exist and start as they should."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def procfile() -> dict[str, list[str]]:
    lines = (REPO / "Procfile").read_text().splitlines()
    entries = (line.split(":", 1) for line in lines if line.strip())
    return {name.strip(): shlex.split(command) for name, command in entries}


def python(code: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_there_are_web_worker_and_release_processes() -> None:
    entries = procfile()

    assert set(entries) == {"web", "worker", "release"}
    assert entries["web"][:2] == ["gunicorn", "bot.web.app:create_app()"]
    assert entries["worker"][:2] == ["loyalty", "worker"]
    assert entries["release"] == ["loyalty", "db", "upgrade"]


def test_the_worker_module_has_every_job_registered(tmp_path: Path) -> None:
    env = {
        "LINE_CHANNEL_SECRET": "secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "token",
        "LINE_BASIC_ID": "@shop",
        "BASE_URL": "https://shop.example.com",
        "INSTANCE_DIR": str(tmp_path),
    }
    code = (
        "from bot.jobs.schedule import make_jobs; from bot.services import build; "
        "from bot.settings import load_settings; "
        "print(*sorted(make_jobs(build(load_settings())).huey._registry._registry))"
    )

    run = python(code, env, tmp_path)

    assert run.returncode == 0, run.stderr
    jobs = run.stdout.split()
    for job in ("deliver_push", "send_sms", "refresh_profile", "resend_stale_pushes"):
        assert f"bot.jobs.tasks.{job}" in jobs


def test_the_worker_without_settings_stops_with_one_line(tmp_path: Path) -> None:
    run = python(
        "from bot.cli.main import cli; cli(['worker'])", {"INSTANCE_DIR": str(tmp_path)}, tmp_path
    )

    assert run.returncode == 2
    assert run.stderr == (
        "error: missing required setting LINE_CHANNEL_SECRET (see README: Configuration)\n"
    )
