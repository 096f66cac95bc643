"""The `loyalty` command as a shop owner setting up uses it, and the server's start-up."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.line.client import LineClient
from storage import migrations
from storage.db import make_engine, transaction
from storage.models import LineUser, Role

OWNER = "U" + "4af4980629" * 3 + "ab"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The settings a real shop has, with its database in a temporary folder."""
    monkeypatch.chdir(tmp_path)
    return {
        "LINE_CHANNEL_SECRET": "secret",
        "LINE_CHANNEL_ACCESS_TOKEN": "token",
        "LINE_BASIC_ID": "@kafedee",
        "BASE_URL": "https://loyalty.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "INSTANCE_DIR": str(tmp_path / "instance"),
    }


def loyalty(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=env)


def role_of(env: dict[str, str], user_id: str) -> str | None:
    engine = make_engine(env["DATABASE_URL"])
    with transaction(engine) as session:
        user = session.get(LineUser, user_id)
        role = user.role if user else None
    engine.dispose()
    return role


def test_db_upgrade_creates_the_schema_then_has_nothing_to_do(env: dict[str, str]) -> None:
    first = loyalty(env, "db", "upgrade")
    second = loyalty(env, "db", "upgrade")

    assert first.exit_code == 0, first.output
    assert f"to {migrations.head()}" in first.output
    assert "nothing to do" in second.output
    assert loyalty(env, "db", "current").output.strip() == f"{migrations.head()} (newest)"


def test_db_current_on_an_empty_database_says_to_upgrade(env: dict[str, str]) -> None:
    result = loyalty(env, "db", "current")

    assert result.exit_code == 0
    assert "none" in result.output and "loyalty db upgrade" in result.output


def test_owner_add_makes_a_new_line_user_an_owner(env: dict[str, str]) -> None:
    loyalty(env, "db", "upgrade")

    result = loyalty(env, "owner", "add", OWNER)

    assert result.exit_code == 0, result.output
    assert "now an owner" in result.output
    assert role_of(env, OWNER) == Role.OWNER
    assert OWNER in loyalty(env, "owner", "list").output


def test_owner_add_twice_says_so(env: dict[str, str]) -> None:
    loyalty(env, "db", "upgrade")
    loyalty(env, "owner", "add", OWNER)

    result = loyalty(env, "owner", "add", OWNER)

    assert result.exit_code == 0
    assert "already an owner" in result.output


@pytest.mark.parametrize(
    "bad",
    ["@kafedee", "U123", OWNER.upper(), OWNER + "0", "C" + OWNER[1:], "Somchai"],
)
def test_owner_add_refuses_what_is_not_a_line_user_id(env: dict[str, str], bad: str) -> None:
    loyalty(env, "db", "upgrade")

    result = loyalty(env, "owner", "add", bad)

    assert result.exit_code == 2
    assert "not a LINE user id" in result.stderr
    assert "Your user ID" in result.stderr
    assert "no owners yet" in loyalty(env, "owner", "list").output


def test_owner_remove_makes_them_a_customer_again(env: dict[str, str]) -> None:
    loyalty(env, "db", "upgrade")
    loyalty(env, "owner", "add", OWNER)

    result = loyalty(env, "owner", "remove", OWNER)

    assert result.exit_code == 0
    assert role_of(env, OWNER) == Role.CUSTOMER
    again = loyalty(env, "owner", "remove", OWNER)
    assert again.exit_code == 2
    assert again.stderr == f"error: {OWNER} is not an owner\n"


def test_owner_add_before_db_upgrade_says_what_to_run(env: dict[str, str]) -> None:
    result = loyalty(env, "owner", "add", OWNER)

    assert result.exit_code == 2
    assert result.stderr == (
        "error: the database has no tables yet: run `loyalty db upgrade` first\n"
    )


def test_the_line_client_a_command_builds_is_closed_when_it_ends(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[LineClient] = []
    monkeypatch.setattr(LineClient, "close", lambda client: closed.append(client))
    loyalty(env, "db", "upgrade")

    result = loyalty(env, "richmenu", "show")

    assert result.exit_code == 0, result.output
    assert len(closed) == 1


@pytest.mark.parametrize("command", [["db", "upgrade"], ["owner", "add", OWNER], ["owner", "list"]])
def test_a_missing_setting_stops_with_one_line_naming_it(
    env: dict[str, str], command: list[str]
) -> None:
    result = CliRunner().invoke(cli, command, env={**env, "LINE_CHANNEL_SECRET": None})

    assert result.exit_code == 2
    assert result.stderr == (
        "error: missing required setting LINE_CHANNEL_SECRET (see README: Configuration)\n"
    )
    assert result.stdout == ""


def test_an_unreachable_database_is_one_line_too(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = "postgresql://shop:hunter2@127.0.0.1:1/shop"

    result = loyalty(env, "db", "upgrade")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot use the database postgresql+psycopg://shop:***@")
    assert "hunter2" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_database_url_of_the_wrong_kind_is_one_line(env: dict[str, str]) -> None:
    env["DATABASE_URL"] = "not a url"

    result = loyalty(env, "db", "upgrade")

    assert result.exit_code == 2
    assert result.stderr.startswith("error: DATABASE_URL is not a database this service can use")


def test_demo_runs_the_simulator_with_the_options(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, ...]] = []
    fake = types.ModuleType("bot.demo.runner")
    fake.run = lambda host, port, **options: calls.append((host, port, options))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "bot.demo.runner", fake)

    default = CliRunner().invoke(cli, ["demo"])
    chosen = CliRunner().invoke(cli, ["demo", "--host", "0.0.0.0", "--port", "9000", "--fresh"])

    assert default.exit_code == 0 and chosen.exit_code == 0
    assert calls == [("127.0.0.1", 8000, {"fresh": False}), ("0.0.0.0", 9000, {"fresh": True})]


@pytest.mark.allow_errors
def test_create_app_without_settings_logs_one_line_and_exits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.web.app import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)

    with caplog.at_level(logging.ERROR), pytest.raises(SystemExit) as stop:
        create_app()

    assert stop.value.code == 4
    assert [r.getMessage() for r in caplog.records] == [
        "missing required setting LINE_CHANNEL_SECRET (see README: Configuration)"
    ]


def test_gunicorn_without_settings_stops_with_the_setting_named(tmp_path: Path) -> None:
    """The Procfile's web line, started with nothing configured: it halts, no traceback."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed beside this Python")
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    command = [str(gunicorn), "bot.web.app:create_app()", "--bind", "127.0.0.1:0", "--workers", "1"]
    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    assert run.returncode == 4
    assert "missing required setting LINE_CHANNEL_SECRET" in run.stderr
    assert "Traceback" not in run.stderr
