"""Purchases from a POS or web shop export (CSV), imported in batches with flat memory.

Each batch of rows is one transaction: its customers are looked up with one query per
kind of key, unknown customers become counter-only members in one bulk insert, rows whose
ref is already in the database are skipped, and the rest are inserted with executemany.
A row without a ref gets `csv:<file digest>:<line>` as its ref, so importing the same file
again changes nothing, while a different file with the same name still imports.

Reading the file is `purchase_rows`; finding or creating the customers is `purchase_owners`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import automation_settings, clock, lots
from storage.db import transaction
from storage.ledger import points_for
from storage.models import EntryKind, LedgerEntry, Member, PointLot, Purchase
from storage.purchase_owners import members_for
from storage.purchase_rows import BadFile as BadFile
from storage.purchase_rows import Report, Row, read_batches
from storage.purchase_rows import file_digest as file_digest

BATCH = 5000
MEMBER, PURCHASE, LEDGER = Member.__table__, Purchase.__table__, LedgerEntry.__table__  # type: ignore[attr-defined]
LOT = PointLot.__table__  # type: ignore[attr-defined]


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
    batches = read_batches(source, options.tz, options.file_key, report, options.batch_size)
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


def import_batch(session: Session, rows: list[Row], options: Options, report: Report) -> None:
    """Import one batch in the caller's transaction."""
    rows = _new_refs(session, rows, report)
    owners = members_for(session, rows, report)
    rows = [row for row in rows if row.line in owners]
    if not rows:
        return
    now = clock.now()
    session.execute(
        insert(PURCHASE),
        [
            {
                "member_id": owners[row.line],
                "amount_satang": row.amount_satang,
                "occurred_at": row.occurred_at,
                "channel": "import",
                "ref": row.ref,
                "created_at": now,
            }
            for row in rows
        ],
    )
    report.imported += len(rows)
    if options.award_points:
        _award(session, rows, owners, options, report)


def _new_refs(session: Session, rows: list[Row], report: Report) -> list[Row]:
    """Rows whose ref is neither in the database nor earlier in this batch."""
    known = set(
        session.exec(select(Purchase.ref).where(col(Purchase.ref).in_([r.ref for r in rows])))
    )
    fresh = []
    for row in rows:
        if row.ref in known:
            report.already_imported += 1
            continue
        known.add(row.ref)
        fresh.append(row)
    return fresh


def _award(
    session: Session, rows: list[Row], owners: dict[int, int], options: Options, report: Report
) -> None:
    """Points for imported purchases: one earn entry each (keyed by the purchase's ref),
    and its lot, as every earn has, so the lots still add up to the balance."""
    baht_per_point = options.baht_per_point
    ids = dict(
        session.exec(
            select(Purchase.ref, Purchase.id).where(col(Purchase.ref).in_([r.ref for r in rows]))
        ).all()
    )
    now = clock.now()
    entries: list[dict[str, Any]] = []
    per_member: dict[int, int] = {}
    for row in rows:
        points = points_for(row.amount_satang, baht_per_point)
        member_id = owners[row.line]
        per_member[member_id] = per_member.get(member_id, 0) + points
        entries.append(
            {
                "member_id": member_id,
                "kind": EntryKind.EARN.value,
                "points": points,
                "purchase_id": ids[row.ref],
                "actor": "import",
                "idempotency_key": f"import:{row.ref}"[:160],
                "created_at": now,
            }
        )
    session.execute(insert(LEDGER), entries)
    _add_lots(session, [e["idempotency_key"] for e in entries if e["points"] > 0], options.tz)
    session.execute(
        update(MEMBER)
        .where(MEMBER.c.id == bindparam("member_id"))
        .values(points=MEMBER.c.points + bindparam("add")),
        [{"member_id": m, "add": p} for m, p in per_member.items()],
    )
    report.points += sum(per_member.values())


def _add_lots(session: Session, keys: list[str], tz: ZoneInfo) -> None:
    """A lot per new earn entry, expiring as `lots.add_lot` would have it."""
    if not keys:
        return
    months = automation_settings.config(session, "expiry")["months"]
    found = session.exec(
        select(
            LedgerEntry.id, LedgerEntry.member_id, LedgerEntry.points, LedgerEntry.created_at
        ).where(col(LedgerEntry.idempotency_key).in_(keys))
    ).all()
    session.execute(
        insert(LOT),
        [
            {
                "member_id": member_id,
                "entry_id": entry_id,
                "points": points,
                "remaining": points,
                "earned_at": created_at,
                "expires_at": lots.expiry_for(created_at, months, tz),
            }
            for entry_id, member_id, points, created_at in found
        ],
    )
