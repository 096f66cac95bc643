"""The `loyalty` command: database migrations, the shop's owners, and the local demo."""

from __future__ import annotations

import re

import click

from bot.cli import base as cli_base
from bot.cli.apikey import apikey
from bot.cli.base import Stop, database
from bot.cli.report import report
from bot.cli.rewards import rewards_cli
from bot.cli.richmenu import richmenu
from bot.cli.segments import import_group, rfm
from bot.jobs.worker import run_worker
from bot.line.client import LineError
from richmenus.linking import link_for_role
from storage import members, migrations
from storage.db import transaction
from storage.models import LineUser, Role

LINE_USER_ID = re.compile(r"^U[0-9a-f]{32}$")


@click.group()
def cli() -> None:
    """line-loyalty: a LINE membership bot for shops (points, member cards, staff)."""


@cli.group()
def db() -> None:
    """The database schema (Alembic migrations)."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database up to the newest schema (safe to run on every deploy)."""
    with database(migrated=False) as engine:
        before = migrations.current(engine)
        migrations.upgrade(engine, revision, shop_timezone=cli_base.settings().shop_timezone)
        after = migrations.current(engine)
    if before == after:
        click.echo(f"database already at revision {after}; nothing to do")
    else:
        click.echo(f"database upgraded from revision {before or '(empty)'} to {after}")


@db.command("current")
def db_current() -> None:
    """Show the database's revision and whether it is the newest."""
    with database(migrated=False) as engine:
        at = migrations.current(engine)
    newest = migrations.head()
    if at == newest:
        click.echo(f"{at} (newest)")
    else:
        click.echo(f"{at or 'none'} (newest is {newest}: run `loyalty db upgrade`)")


@db.command("revision")
@click.option("-m", "--message", required=True, help="What changed, e.g. 'add rewards'.")
def db_revision(message: str) -> None:
    """For developers: write a migration for the changes made to the tables in storage/models/."""
    path = migrations.new_revision(message)
    click.echo(f"wrote {path}: read it, then run the tests")


def _line_user_id(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    value = value.strip()
    if not LINE_USER_ID.match(value):
        raise click.BadParameter(
            f"{value!r} is not a LINE user id: those are U followed by 32 characters 0-9 a-f "
            "(LINE Developers console, your channel, Basic settings, 'Your user ID')"
        )
    return value


@cli.group()
def owner() -> None:
    """The shop's owners: they can invite staff and everything staff can do."""


@owner.command("add")
@click.argument("user_id", callback=_line_user_id)
def owner_add(user_id: str) -> None:
    """Make the LINE user USER_ID an owner of the shop."""
    with database() as engine, transaction(engine) as session:
        user = members.upsert_line_user(session, line_user_id=user_id)
        if user.role == Role.OWNER:
            click.echo(f"{user_id} is already an owner")
            return
        members.set_role(session, user, Role.OWNER)
    click.echo(f"{user_id} is now an owner: send 'help' to the shop in LINE to see the commands")
    _show_menu_for(user_id, Role.OWNER)


@owner.command("list")
def owner_list() -> None:
    """List the owners."""
    with database() as engine, transaction(engine) as session:
        owners = [u for u in members.list_staff(session) if u.role == Role.OWNER]
        lines = [f"{u.line_user_id}  {u.display_name or ''}".rstrip() for u in owners]
    click.echo("\n".join(lines) if lines else "no owners yet: `loyalty owner add <LINE user id>`")


@owner.command("remove")
@click.argument("user_id", callback=_line_user_id)
def owner_remove(user_id: str) -> None:
    """Make the owner USER_ID an ordinary customer again."""
    with database() as engine, transaction(engine) as session:
        user = session.get(LineUser, user_id)
        if user is None or user.role != Role.OWNER:
            raise Stop(f"{user_id} is not an owner")
        members.set_role(session, user, Role.CUSTOMER)
    click.echo(f"{user_id} is no longer an owner")
    _show_menu_for(user_id, Role.CUSTOMER)


def _show_menu_for(user_id: str, role: Role) -> None:
    """Give the person the rich menu of their new role at once (when menus are deployed)."""
    services = cli_base.services()
    try:
        outcome = link_for_role(services.line, services.engine, user_id, role)
    except LineError as error:
        click.echo(f"warning: could not change the rich menu in LINE ({error})", err=True)
        return
    if outcome != "not deployed":
        click.echo(f"rich menu {outcome}")


@cli.command()
@click.option("-w", "--workers", default=4, show_default=True, help="Jobs run at once.")
@click.option(
    "-k",
    "--worker-type",
    type=click.Choice(["thread", "process", "greenlet"]),
    default="thread",
    show_default=True,
)
def worker(workers: int, worker_type: str) -> None:
    """Run the background jobs (pushes, SMS, broadcasts, schedules) until stopped."""
    run_worker(cli_base.services(), workers=workers, worker_type=worker_type)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--fresh", is_flag=True, help="Forget the demo database and start an empty shop (no sample)."
)
def demo(host: str, port: int, fresh: bool) -> None:
    """Run the shop on this computer with a fake LINE and a chat simulator in the browser."""
    try:
        from bot.demo.runner import run
    except ImportError as error:
        raise Stop(f"cannot start the demo: {error}") from None
    run(host, port, fresh=fresh)


cli.add_command(rewards_cli)
cli.add_command(richmenu)
cli.add_command(import_group)
cli.add_command(rfm)
cli.add_command(report)
cli.add_command(apikey)


def main() -> None:
    cli(prog_name="loyalty")


if __name__ == "__main__":
    main()
