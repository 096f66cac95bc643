"""Purchases from a POS or web shop export (CSV), imported in batches with flat memory.

Each batch of rows is one transaction: its refs and customers are looked up with one
query per kind of key, unknown customers become counter-only members in one bulk load,
rows whose ref is already in the database are skipped, and the rest go into a staging
table from which purchases, earn entries, lots and balances are written set-based
(`purchase_stage`). The next batch is read and checked in a thread meanwhile.

A row without a ref gets `csv:<file digest>:<line>` as its ref, so importing the same file
again changes nothing, while a different file with the same name still imports.

Reading the file is `purchase_rows`; finding or creating the customers is `purchase_owners`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, replace
from typing import IO
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import automation_settings, clock, lots, purchase_stage
from storage.db import transaction
from storage.ledger import points_for
from storage.models import EntryKind
from storage.purchase_owners import members_for
from storage.purchase_rows import KEPT_BAD_ROWS, Report, Row, read_batches
from storage.purchase_rows import BadFile as BadFile
from storage.purchase_rows import file_digest as file_digest

BATCH = 20000


@dataclass
class Options:
    tz: ZoneInfo
    file_key: str
    award_points: bool = False
    baht_per_point: int = 25
    dry_run: bool = False
    batch_size: int = BATCH


def import_purchases(
    engine: Engine,
    source: IO[str],
    options: Options,
    progress: Callable[[], None] = lambda: None,
) -> Report:
    """Import every good row of `source`; bad rows are reported and skipped.

    With `dry_run` the whole import runs in one transaction that is rolled back, so the
    report says exactly what would happen and nothing changes.
    """
    report = Report()
    with closing(_read_ahead(source, options, report)) as batches:
        if options.dry_run:
            with transaction(engine) as session:
                for batch in batches:
                    import_batch(session, batch, options, report)
                    progress()
                session.rollback()
            return report
        for batch in batches:
            with transaction(engine) as session:
                import_batch(session, batch, options, report)
            progress()
    return report


def _read_ahead(
    source: IO[str], options: Options, report: Report
) -> Generator[list[Row], None, None]:
    """The batches of `source`, each read and checked in a thread while the one before is
    written (the database driver lets go of the GIL while it waits). What reading a batch
    found is added to `report` as the batch is handed over, so bad rows keep their order."""
    parsed = Report()
    batches = read_batches(source, options.tz, options.file_key, parsed, options.batch_size)

    def take() -> tuple[list[Row] | None, Report]:
        batch = next(batches, None)
        found = replace(parsed, bad=list(parsed.bad))
        parsed.rows = parsed.bad_count = 0
        parsed.bad.clear()
        return batch, found

    with ThreadPoolExecutor(1, thread_name_prefix="import-read") as reader:
        coming = reader.submit(take)
        while True:
            batch, found = coming.result()
            report.rows += found.rows
            report.bad_count += found.bad_count
            report.bad.extend(found.bad[: max(0, KEPT_BAD_ROWS - len(report.bad))])
            if batch is None:
                return
            coming = reader.submit(take)
            yield batch


def import_batch(session: Session, rows: list[Row], options: Options, report: Report) -> None:
    """Import one batch in the caller's transaction."""
    rows = _new_refs(session, rows, report)
    owners = members_for(session, rows, report)
    rows = [row for row in rows if row.line in owners]
    if not rows:
        return
    now = clock.now()
    per_point = options.baht_per_point if options.award_points else 0
    staged = [
        (
            row.line,
            row.ref,
            owners[row.line],
            row.amount_satang,
            row.occurred_at,
            points_for(row.amount_satang, per_point) if per_point else 0,
        )
        for row in rows
    ]
    purchase_stage.load(session, staged)
    award = None
    if options.award_points:
        months = automation_settings.config(session, "expiry")["months"]
        award = (EntryKind.EARN.value, lots.expiry_for(now, months, options.tz))
    purchase_stage.write(session, now, award)
    report.imported += len(rows)
    report.points += sum(row[5] for row in staged)


def _new_refs(session: Session, rows: list[Row], report: Report) -> list[Row]:
    """Rows whose ref is neither in the database nor earlier in this batch."""
    query = "SELECT ref FROM purchase WHERE ref {in_values}"
    known = {ref for (ref,) in purchase_stage.matching(session, query, [r.ref for r in rows])}
    fresh = []
    for row in rows:
        if row.ref in known:
            report.already_imported += 1
            continue
        known.add(row.ref)
        fresh.append(row)
    return fresh
