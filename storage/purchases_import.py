"""Purchases from a POS or web shop export (CSV), imported in batches with flat memory.

Each batch of rows is one transaction: its customers are looked up with one query per
kind of key, unknown customers become counter-only members in one bulk insert, rows whose
ref is already in the database are skipped, and the rest are inserted with executemany.
A row without a ref gets `csv:<file digest>:<line>` as its ref, so importing the same file
again changes nothing, while a different file with the same name still imports.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import clock, codes, members, phones
from storage.db import transaction
from storage.ledger import points_for
from storage.models import EntryKind, LedgerEntry, Member, Purchase

BATCH = 5000
MAX_SATANG = 10_000_000 * 100
MAX_REF = 120
MAX_CUSTOMER_REF = 64
KEPT_BAD_ROWS = 100
MEMBER, PURCHASE, LEDGER = Member.__table__, Purchase.__table__, LedgerEntry.__table__  # type: ignore[attr-defined]


class BadFile(ValueError):
    """The file cannot be imported at all (e.g. a required column is missing)."""


@dataclass(frozen=True)
class Row:
    line: int
    phone: str | None
    customer_ref: str | None
    occurred_at: datetime
    amount_satang: int
    ref: str


@dataclass
class Report:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    new_members: int = 0
    points: int = 0
    bad_count: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)

    def refuse(self, line: int, reason: str) -> None:
        self.bad_count += 1
        if len(self.bad) < KEPT_BAD_ROWS:
            self.bad.append((line, reason))


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()[:16]


def check_header(names: Sequence[str] | None) -> None:
    found = set(names or [])
    if not {"phone", "customer_ref"} & found:
        raise BadFile("the file needs a phone or a customer_ref column")
    missing = {"occurred_at", "amount"} - found
    if missing:
        raise BadFile(f"the file needs the column(s) {', '.join(sorted(missing))}")


def parse_time(value: str, tz: ZoneInfo) -> datetime:
    """A date (shop-local midnight) or an ISO time (shop-local unless it has an offset)."""
    value = value.strip()
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(), tz).astimezone(UTC)
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)


def parse_amount(value: str) -> int:
    """Baht with at most two decimals -> satang. Raises ValueError with the reason."""
    try:
        amount = Decimal(value.replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise ValueError(f"amount {value!r} must be more than 0")
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"amount {value!r} has more than 2 decimals")
    satang = int(amount * 100)
    if satang > MAX_SATANG:
        raise ValueError(f"amount {value!r} is too large")
    return satang


@lru_cache(maxsize=100_000)
def _e164(typed: str) -> str | None:
    """Phone parsing is the slowest step; the same customers recur, so remember a few."""
    return phones.to_e164(typed)


def parse_row(raw: dict[str, Any], line: int, tz: ZoneInfo, file_key: str) -> Row:
    """One CSV row checked and converted. Raises ValueError with the reason."""
    typed_phone = (raw.get("phone") or "").strip()
    customer_ref = (raw.get("customer_ref") or "").strip() or None
    phone = _e164(typed_phone) if typed_phone else None
    if typed_phone and phone is None:
        raise ValueError(f"phone {typed_phone!r} is not a valid phone number")
    if phone is None and customer_ref is None:
        raise ValueError("no phone and no customer_ref")
    if customer_ref and len(customer_ref) > MAX_CUSTOMER_REF:
        raise ValueError(f"customer_ref longer than {MAX_CUSTOMER_REF} characters")
    try:
        occurred_at = parse_time(raw.get("occurred_at") or "", tz)
    except ValueError:
        raise ValueError(f"occurred_at {raw.get('occurred_at')!r} is not a date or time") from None
    if occurred_at > clock.now() + timedelta(days=1):
        raise ValueError(f"occurred_at {raw.get('occurred_at')!r} is in the future")
    ref = (raw.get("ref") or "").strip() or f"csv:{file_key}:{line}"
    if len(ref) > MAX_REF:
        raise ValueError(f"ref longer than {MAX_REF} characters")
    amount = parse_amount(raw.get("amount") or "")
    return Row(line, phone, customer_ref, occurred_at, amount, ref)


def _in_batches(
    source: IO[str], tz: ZoneInfo, file_key: str, report: Report, size: int
) -> Iterator[list[Row]]:
    reader = csv.DictReader(source)
    check_header(reader.fieldnames)
    batch: list[Row] = []
    for raw in reader:
        report.rows += 1
        line = reader.line_num
        if None in raw or any(v is None for v in raw.values()):
            report.refuse(line, "wrong number of columns")
            continue
        try:
            batch.append(parse_row(raw, line, tz, file_key))
        except ValueError as error:
            report.refuse(line, str(error))
            continue
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


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
    batches = _in_batches(source, options.tz, options.file_key, report, options.batch_size)
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
    owners = _members_for(session, rows, report)
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
        _award(session, rows, owners, options.baht_per_point, report)


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


def _lookup(session: Session, column: Any, values: Iterable[str]) -> dict[str, tuple[int, Any]]:
    """value -> (member id, customer_ref) for members whose `column` is one of `values`."""
    wanted = list(set(values))
    if not wanted:
        return {}
    found = session.exec(
        select(column, Member.id, Member.customer_ref).where(column.in_(wanted))
    ).all()
    return {value: (int(member_id or 0), ref) for value, member_id, ref in found}


def _members_for(session: Session, rows: list[Row], report: Report) -> dict[int, int]:
    """line -> member id; unknown customers are created, conflicting rows refused."""
    by_ref, by_phone = _lookups(session, rows)
    missing = _first_sightings([r for r in rows if not _known(r, by_ref, by_phone)])
    if missing:
        report.new_members += len(missing)
        _create_members(session, missing)
        by_ref, by_phone = _lookups(session, rows)
    owners: dict[int, int] = {}
    linked: dict[int, str] = {}
    for row in rows:
        if row.customer_ref in by_ref:
            owners[row.line] = by_ref[row.customer_ref][0]
            continue
        member_id, their_ref = by_phone[row.phone]  # type: ignore[index]
        if row.customer_ref:
            their_ref = their_ref or linked.setdefault(member_id, row.customer_ref)
            if their_ref != row.customer_ref:
                report.refuse(row.line, f"phone belongs to customer_ref {their_ref!r}")
                continue
        owners[row.line] = member_id
    _set_customer_refs(session, linked)
    return owners


def _lookups(session: Session, rows: list[Row]) -> tuple[dict[str, Any], dict[str, Any]]:
    refs = [r.customer_ref for r in rows if r.customer_ref]
    return (
        _lookup(session, Member.customer_ref, refs),
        _lookup(session, Member.phone, [r.phone for r in rows if r.phone]),
    )


def _first_sightings(rows: list[Row]) -> list[Row]:
    """One row per new customer: no two share a customer_ref or a phone."""
    seen: set[str] = set()
    first = []
    for row in rows:
        keys = {f"ref:{row.customer_ref}" if row.customer_ref else "", f"phone:{row.phone}"}
        keys -= {"", "phone:None"}
        if keys & seen:
            continue
        seen |= keys
        first.append(row)
    return first


def _known(row: Row, by_ref: dict[str, Any], by_phone: dict[str, Any]) -> bool:
    return (row.customer_ref in by_ref) or (row.phone in by_phone)


def _set_customer_refs(session: Session, linked: dict[int, str]) -> None:
    """A member found by phone learns the customer_ref the shop's system knows them by."""
    if not linked:
        return
    session.execute(
        update(MEMBER)
        .where(MEMBER.c.id == bindparam("member_id"), MEMBER.c.customer_ref.is_(None))
        .values(customer_ref=bindparam("ref")),
        [{"member_id": m, "ref": ref} for m, ref in linked.items()],
    )


def _free_codes(session: Session, count: int) -> list[str]:
    """`count` member codes that no member has yet."""
    chosen: set[str] = set()
    while len(chosen) < count:
        draw = {members.new_member_code() for _ in range(count - len(chosen))} - chosen
        taken = set(session.exec(select(Member.code).where(col(Member.code).in_(draw))))
        chosen |= draw - taken
    return list(chosen)


def _create_members(session: Session, rows: list[Row]) -> None:
    """Counter-only members (no LINE account yet) for customers seen for the first time."""
    now = clock.now()
    session.execute(
        insert(MEMBER),
        [
            {
                "code": code,
                "phone": row.phone,
                "customer_ref": row.customer_ref,
                "points": 0,
                "card_token": codes.token(),
                "created_at": now,
            }
            for code, row in zip(_free_codes(session, len(rows)), rows, strict=True)
        ],
    )


def _award(
    session: Session, rows: list[Row], owners: dict[int, int], baht_per_point: int, report: Report
) -> None:
    """Points for imported purchases: one earn entry each (keyed by the purchase's ref)."""
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
    session.execute(
        update(MEMBER)
        .where(MEMBER.c.id == bindparam("member_id"))
        .values(points=MEMBER.c.points + bindparam("add")),
        [{"member_id": m, "add": p} for m, p in per_member.items()],
    )
    report.points += sum(per_member.values())
