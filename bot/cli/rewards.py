"""`loyalty rewards import <csv> [--dry-run]`: a whole reward catalogue from a spreadsheet.

Columns (header row required, UTF-8; Excel's BOM is fine): `name_th`, `points` (required);
`name_en`, `stock` (blank or `unlimited` = no limit), `valid_days` (default 30),
`limit_per_member` (blank = no limit), `picture` (an image file, relative to the CSV),
`active` (yes/no, default yes). A row whose `name_th` matches a reward updates it.
Every row is checked first; one bad row and nothing is written.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.cli.base import database
from bot.web.photos import normalise_picture
from storage import rewards
from storage.db import transaction

UNLIMITED = {"", "unlimited", "none", "-", "ไม่จำกัด"}
YES = {"", "yes", "y", "true", "1", "ใช่"}
NO = {"no", "n", "false", "0", "ไม่"}
REQUIRED = ("name_th", "points")


class BadRow(ValueError):
    """One cell is wrong; the message names the column and what is expected."""


@dataclass
class Row:
    line: int
    values: dict[str, Any]
    active: bool = True
    picture: bytes | None = None
    action: str = "add"
    problems: list[str] = field(default_factory=list)


def _whole(text: str, column: str, *, blank: Any = ..., words: set[str] | None = None) -> Any:
    cleaned = text.strip().replace(",", "")
    if words is not None and cleaned.casefold() in words:
        return None
    if cleaned == "" and blank is not ...:
        return blank
    if not cleaned.isdecimal():
        raise BadRow(f"{column}: a whole number is needed, not {text!r}")
    return int(cleaned)


def _picture(text: str, folder: Path) -> bytes | None:
    if not text.strip():
        return None
    path = (folder / text.strip()).resolve()
    if not path.is_file():
        raise BadRow(f"picture: no file {path}")
    picture = normalise_picture(path.read_bytes())
    if picture is None:
        raise BadRow(f"picture: {path.name} is not a JPEG or PNG picture")
    return picture


def _active(text: str) -> bool:
    word = text.strip().casefold()
    if word not in YES | NO:
        raise BadRow(f"active: yes or no, not {text!r}")
    return word in YES


def read_row(line: int, cells: dict[str, str], folder: Path) -> Row:
    """One CSV row checked against the reward rules; problems are collected, not raised."""
    row = Row(line=line, values={})
    name_en = cells.get("name_en", "").strip()
    readers = {
        "name_th": lambda: " ".join(cells.get("name_th", "").split()),
        "name_en": lambda: " ".join(name_en.split()) or None,
        "points_cost": lambda: _whole(cells.get("points", ""), "points"),
        "stock": lambda: _whole(cells.get("stock", ""), "stock", words=UNLIMITED),
        "valid_days": lambda: _whole(cells.get("valid_days", ""), "valid_days", blank=30),
        "limit_per_member": lambda: _whole(
            cells.get("limit_per_member", ""), "limit_per_member", words=UNLIMITED
        ),
    }
    for name, read in readers.items():
        try:
            row.values[name] = read()
            rewards.check(name, row.values[name])
        except BadRow as problem:
            row.problems.append(str(problem))
        except rewards.BadReward:
            row.problems.append(f"{name}: out of range ({row.values[name]!r})")
    for name, read_other in (
        ("active", lambda: _active(cells.get("active", ""))),
        ("picture", lambda: _picture(cells.get("picture", ""), folder)),
    ):
        try:
            setattr(row, name, read_other())
        except BadRow as problem:
            row.problems.append(str(problem))
    return row


def read_catalogue(path: Path, encoding: str) -> list[Row]:
    """Every row of the file, checked. Raises click.UsageError for a file it cannot read."""
    try:
        with path.open(newline="", encoding=encoding) as handle:
            reader = csv.DictReader(handle)
            columns = {c.strip().casefold() for c in reader.fieldnames or []}
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise click.UsageError(f"{path.name}: missing column(s) {', '.join(missing)}")
            return [
                read_row(
                    n, {k.strip().casefold(): v or "" for k, v in cells.items() if k}, path.parent
                )
                for n, cells in enumerate(reader, start=2)
            ]
    except UnicodeDecodeError:
        raise click.UsageError(
            f"{path.name} is not {encoding} text (try --encoding cp874)"
        ) from None


def apply(session: Session, rows: list[Row]) -> None:
    """Add or update every row (the caller's transaction decides whether it sticks)."""
    seen: set[str] = set()
    for row in rows:
        name = row.values["name_th"]
        if name in seen:
            row.problems.append(f"name_th: {name!r} appears twice in the file")
            continue
        seen.add(name)
        values = dict(row.values)
        if row.picture is not None:
            values["picture_token"] = rewards.store_picture(session, row.picture)
        existing = rewards.find_by_name(session, name)
        if existing is None:
            reward = rewards.create_reward(session, spec=rewards.RewardSpec(**values))
        else:
            row.action = "update"
            reward = rewards.update_reward(session, existing, **values)
        rewards.set_active(session, reward, row.active)


class _Rollback(Exception):
    pass


def import_catalogue(engine: Engine, rows: list[Row], *, dry_run: bool) -> bool:
    """Write the rows in one transaction; True if written (no problems, not a dry run)."""
    try:
        with transaction(engine) as session:
            if not any(row.problems for row in rows):
                apply(session, rows)
            if dry_run or any(row.problems for row in rows):
                raise _Rollback
    except _Rollback:
        return False
    return True


def _report(rows: list[Row]) -> None:
    click.echo(f"{'line':>4}  {'action':<7} {'points':>7} {'stock':>9}  name")
    for row in rows:
        stock = row.values.get("stock")
        action = "error" if row.problems else row.action
        click.echo(
            f"{row.line:>4}  {action:<7} {row.values.get('points_cost') or '-':>7} "
            f"{'unlimited' if stock is None else stock:>9}  {row.values.get('name_th') or '-'}"
        )
        for problem in row.problems:
            click.echo(f"      ! {problem}")


@click.group("rewards")
def rewards_cli() -> None:
    """The reward catalogue."""


@rewards_cli.command("import")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show the changes; write nothing.")
@click.option(
    "--encoding", default="utf-8-sig", show_default=True, help="The file's text encoding."
)
def import_rewards(csv_path: Path, dry_run: bool, encoding: str) -> None:
    """Add or update rewards from CSV_PATH (all rows or none)."""
    rows = read_catalogue(csv_path, encoding)
    if not rows:
        raise click.UsageError(f"{csv_path.name} has no rows under its header")
    with database() as engine:
        written = import_catalogue(engine, rows, dry_run=dry_run)
    _report(rows)
    bad = sum(1 for row in rows if row.problems)
    if bad:
        raise click.ClickException(f"{bad} row(s) with problems: nothing was imported")
    verb = "imported" if written else "would be imported (dry run: nothing written)"
    click.echo(f"{len(rows)} reward(s) {verb}")
