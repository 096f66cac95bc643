"""`loyalty richmenu`: deploy the rich menus to LINE, list what is deployed, preview pictures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from PIL import Image
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot.cli import base as cli_base
from richmenus import records
from richmenus.api import RichMenuError
from richmenus.deploy import Report, deploy
from richmenus.draw import render
from richmenus.layouts import MENUS, menu_for_role
from storage.db import transaction
from storage.models import Role


@contextmanager
def _database_ready() -> Iterator[None]:
    """A missing table or an unreachable database ends the command with one line."""
    try:
        yield
    except (OperationalError, ProgrammingError) as error:
        reason = str(error.orig or error).strip().splitlines()[0]
        raise click.ClickException(
            f"the database is not ready ({reason}): run `loyalty db upgrade` first"
        ) from None


def _summary(report: Report) -> list[str]:
    if not report.changed:
        return [f"rich menus already up to date ({len(report.kept)} menus): nothing changed"]
    lines = [f"created {key}" for key in report.created]
    lines += [f"kept {key}" for key in report.kept]
    lines += [f"updated alias {alias}" for alias in report.aliases]
    if report.default_set:
        lines.append("set the customer menu as the default")
    lines += [f"deleted old menu {menu_id}" for menu_id in report.deleted]
    lines.append(f"linked {report.linked} staff and owners to their new menus")
    return lines


@click.group("richmenu")
def richmenu() -> None:
    """The rich menus at the bottom of the chat (customer, staff and owner)."""


@richmenu.command("deploy")
def deploy_command() -> None:
    """Create or update the menus in LINE; running it again changes nothing."""
    services = cli_base.services()
    try:
        with _database_ready():
            report = deploy(services.line, services.look, services.engine)
    except RichMenuError as error:
        raise click.ClickException(f"LINE refused the rich menus: {error}") from None
    click.echo("\n".join(_summary(report)))


@richmenu.command("show")
def show_command() -> None:
    """List the deployed menus: key, LINE rich menu id, alias and when deployed."""
    services = cli_base.services()
    with _database_ready(), transaction(services.engine) as session:
        rows = sorted(records.deployed(session).values(), key=lambda r: r.key)
        lines = [
            f"{r.key:<14} {r.rich_menu_id}  {r.alias_id or '(default for customers)'}  "
            f"{r.deployed_at:%Y-%m-%d %H:%M} UTC  {r.content_hash[:12]}"
            for r in rows
        ]
    click.echo(
        "\n".join(lines) if lines else "no rich menus deployed: run `loyalty richmenu deploy`"
    )


@richmenu.command("preview")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
@click.option("--width", type=click.IntRange(800, 2500), default=2500, help="Scale to this width.")
@click.option("--roles", is_flag=True, help="Only each role's first menu, as richmenu-<role>.png.")
def preview_command(out: Path, width: int, roles: bool) -> None:
    """Draw the menus as PNGs in OUT (richmenu-<menu>.png) to look at before deploying."""
    look = cli_base.services().look
    out.mkdir(parents=True, exist_ok=True)
    chosen = [(r.value, menu_for_role(r)) for r in Role] if roles else [(m.key, m) for m in MENUS]
    for name, shown in chosen:
        image = render(shown, look)
        if width != image.width:
            height = round(image.height * width / image.width)
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        path = out / f"richmenu-{name}.png"
        image.save(path, optimize=True)
        click.echo(f"{path} ({path.stat().st_size:,} bytes)")
