"""What every `loyalty` subcommand shares: one-line errors, the settings and the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import click
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from bot.services import Services, build
from bot.settings import ConfigError, Settings, load_settings
from storage import migrations
from storage.db import make_engine


class Stop(click.ClickException):
    """Ends the command with one line on stderr, `error: ...`, and exit status 2."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def settings() -> Settings:
    """The shop's settings (or those a caller passed as `obj={"settings": ...}`)."""
    context = click.get_current_context(silent=True)
    given = context.find_root().obj if context is not None else None
    if isinstance(given, dict) and given.get("settings") is not None:
        return given["settings"]  # type: ignore[no-any-return]
    try:
        return load_settings()
    except ConfigError as error:
        raise Stop(str(error)) from None


def services() -> Services:
    """The services of this invocation (settings, engine, LINE client, SMS sender), built once
    from the settings as the web app and the worker build theirs; or those a caller passed as
    `obj=services` (tests, embedding). An `obj={"engine": ...}` engine is used in them.

    The LINE client built here is closed when the command ends; one a caller passed is
    theirs to close."""
    root = click.get_current_context().find_root()
    if isinstance(root.obj, Services):
        return root.obj
    given: dict[str, Any] = root.obj if isinstance(root.obj, dict) else {}
    if given.get("services") is None:
        try:
            given["services"] = build(settings(), given.get("engine"))
        except (ArgumentError, ImportError) as error:
            raise Stop(f"DATABASE_URL is not a database this service can use: {error}") from None
        root.obj = given
        root.call_on_close(given["services"].line.close)
    found: Services = given["services"]
    return found


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def database(*, migrated: bool = True) -> Iterator[Engine]:
    """The configured database; with `migrated`, it must already have the newest schema.

    A caller that runs a command with `obj={"engine": engine}` (tests, embedding) gets that
    engine instead.
    """
    context = click.get_current_context(silent=True)
    given = context.find_root().obj if context is not None else None
    if isinstance(given, dict) and given.get("engine") is not None:
        yield given["engine"]
        return
    url = settings().database_url
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError) as error:
        raise Stop(f"DATABASE_URL is not a database this service can use: {error}") from None
    try:
        if migrated:
            _require_newest_schema(engine)
        yield engine
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise Stop(f"cannot use the database {_shown(url)}: {reason}") from None
    finally:
        engine.dispose()


def _require_newest_schema(engine: Engine) -> None:
    at, newest = migrations.current(engine), migrations.head()
    if at != newest:
        state = "has no tables yet" if at is None else f"is at revision {at}, not {newest}"
        raise Stop(f"the database {state}: run `loyalty db upgrade` first")
