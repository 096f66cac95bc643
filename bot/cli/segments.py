"""`loyalty import purchases <csv>` and `loyalty rfm`: purchases in, segments out.

`import_group` and `rfm` are attached to the `loyalty` group by bot/cli.py. Both read
the database and shop settings from the environment, or from `ctx.obj` (`engine`,
`settings`) when a caller (a test, the demo) already has them.
"""

from __future__ import annotations

import csv
import io
import sys
from datetime import date, datetime
from pathlib import Path

import click
from sqlalchemy.engine import Engine

from bot.cli import base as cli_base
from bot.cli.base import database
from storage import clock, purchases_import, segment_rules, segments
from storage.db import transaction

SCORE_COLUMNS = ("R_score", "F_score", "M_score")


@click.group("import")
def import_group() -> None:
    """Bring data in from other systems."""


@import_group.command("purchases")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would happen; change nothing.")
@click.option("--award-points", is_flag=True, help="Imported purchases also earn points.")
def import_purchases(csv_file: Path, dry_run: bool, award_points: bool) -> None:
    """Import purchases: columns phone or customer_ref, occurred_at, amount, optional ref.

    occurred_at is a date (shop-local midnight) or an ISO time; amount is baht with at most
    two decimals. A row whose ref was imported before is skipped, so importing a file again
    changes nothing. Unknown customers become counter-only members.
    """
    shop = cli_base.settings()
    options = purchases_import.Options(
        tz=shop.tz,
        file_key=purchases_import.file_digest(csv_file),
        award_points=award_points,
        baht_per_point=shop.baht_per_point,
        dry_run=dry_run,
    )
    raw = open(csv_file, "rb")  # noqa: SIM115
    source = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    total = csv_file.stat().st_size
    with (
        database() as engine,
        source,
        click.progressbar(length=total, label="Importing", file=sys.stderr) as bar,
    ):
        done = [0]

        def advance() -> None:
            position = raw.tell()
            bar.update(position - done[0])
            done[0] = position

        try:
            report = purchases_import.import_purchases(engine, source, options, advance)
        except purchases_import.BadFile as error:
            raise click.ClickException(str(error)) from None
        except UnicodeDecodeError:
            raise click.ClickException("the file is not UTF-8 text") from None
    _print_report(report, dry_run)


def _print_report(report: purchases_import.Report, dry_run: bool) -> None:
    would = "would be " if dry_run else ""
    click.echo(f"rows read: {report.rows:,}")
    click.echo(f"purchases {would}imported: {report.imported:,}")
    click.echo(f"already imported (skipped): {report.already_imported:,}")
    created = " (would be created)" if dry_run else ""
    click.echo(f"new counter-only members{created}: {report.new_members:,}")
    if report.points:
        click.echo(f"points {would}awarded: {report.points:,}")
    click.echo(f"bad rows (skipped): {report.bad_count:,}")
    for line, reason in report.bad:
        click.echo(f"  line {line}: {reason}", err=True)
    if report.bad_count > len(report.bad):
        click.echo(f"  ... and {report.bad_count - len(report.bad):,} more", err=True)
    if dry_run:
        click.echo("dry run: nothing was changed")


@click.command("rfm")
@click.option("--as-of", "as_of", help="Score purchases up to this day (YYYY-MM-DD, shop time).")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write customer_ref,phone,R,F,M,segment,R_score,F_score,M_score (M in satang) here.",
)
def rfm(as_of: str | None, csv_path: Path | None) -> None:
    """Score every member (RFM) and store the segments; optionally write them to a CSV.

    Below 100 scored members the scores come from the owner's thresholds (`segments rules`
    in the chat), from 100 up from ranks; the output and the CSV say and follow the same.
    """
    tz = cli_base.settings().tz
    day = _day(as_of) if as_of else clock.now().astimezone(tz).date()
    with database() as engine:
        with transaction(engine) as session:
            scored = segments.refresh_scores(session, as_of=day, tz=tz)
            sizes = segments.segment_sizes(session)
            chosen = segment_rules.thresholds(session)
        click.echo(f"scored {scored:,} members as of {day.isoformat()}")
        click.echo(f"rule: {_rule(chosen, scored)}")
        for size in sizes:
            click.echo(f"  {size.segment:<20} {size.members:>9,}")
        if csv_path:
            written = _write_csv(engine, csv_path)
            click.echo(f"wrote {written:,} rows to {csv_path}")


def _rule(chosen: segment_rules.Thresholds, scored: int) -> str:
    if chosen.uses_ranks(scored):
        return f"ranks (from {chosen.rank_from:,} scored members up)"
    r, f, m = chosen.recency_days, chosen.purchases, chosen.spend_percent
    return (
        f"small-shop thresholds (fewer than {chosen.rank_from:,} scored members): "
        f"R days <= {'/'.join(map(str, r))}, F purchases >= {'/'.join(map(str, f))}, "
        f"M x median >= {'/'.join(f'{p / 100:g}' for p in m)}"
    )


def _day(typed: str) -> date:
    try:
        return datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        message = f"{typed!r} is not a date like 2025-06-30"
        raise click.BadParameter(message, param_hint="--as-of") from None


def _write_csv(engine: Engine, path: Path) -> int:
    written = 0
    with transaction(engine) as session, open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["customer_ref", "phone", "R", "F", "M", "segment", *SCORE_COLUMNS])
        for ref, phone, *values in segments.scored_members(session):
            writer.writerow([ref or "", phone or "", *values])
            written += 1
    return written
