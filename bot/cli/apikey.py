"""`loyalty apikey create|list|revoke`: keys for tills and web shops using the POS API."""

from __future__ import annotations

import click

from bot.cli.base import Stop, database
from storage import api_keys, audit
from storage.db import transaction
from storage.models import ApiKey, Role


@click.group("apikey")
def apikey() -> None:
    """Keys for the POS and web-shop API (one per till or shop)."""


@apikey.command("create")
@click.argument("name")
def create(name: str) -> None:
    """A new key for the till or shop NAME (e.g. till-1); it is shown once, keep it safe."""
    with database() as engine, transaction(engine) as session:
        try:
            key, _ = api_keys.create_key(session, name)
        except api_keys.KeyRefused as refused:
            raise Stop(str(refused)) from None
        audit.record(
            session, actor="cli", actor_role=Role.OWNER, action="apikey create", detail=name
        )
    click.echo(f"API key for {name} (shown once; only its hash is kept):\n{key}")
    click.echo("Send it as: Authorization: Bearer <key>")


def _shown(key: ApiKey) -> str:
    used = f"last used {key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never used"
    revoked = " (revoked)" if key.revoked_at else ""
    return f"{key.name:<20} {key.prefix}…  created {key.created_at:%Y-%m-%d}  {used}{revoked}"


@apikey.command("list")
def list_keys() -> None:
    """Every key: name, first characters, created, last used, revoked."""
    with database() as engine, transaction(engine) as session:
        lines = [_shown(key) for key in api_keys.list_keys(session)]
    click.echo("\n".join(lines) if lines else "no API keys yet: `loyalty apikey create <name>`")


@apikey.command("revoke")
@click.argument("name")
def revoke(name: str) -> None:
    """Stop NAME's key working at once (its order refs stay NAME's for a new key)."""
    with database() as engine, transaction(engine) as session:
        if not api_keys.revoke(session, name):
            raise Stop(f"{name} has no live key")
        audit.record(
            session, actor="cli", actor_role=Role.OWNER, action="apikey revoke", detail=name
        )
    click.echo(f"the key of {name} no longer works")
