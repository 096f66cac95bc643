"""Reading a purchases export (CSV): each row checked and converted, bad rows reported."""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple
from zoneinfo import ZoneInfo

from storage import clock, phones

MAX_SATANG = 10_000_000 * 100
MAX_REF = 120
MAX_CUSTOMER_REF = 64
KEPT_BAD_ROWS = 100


class BadFile(ValueError):
    """The file cannot be imported at all (e.g. a required column is missing)."""


class Row(NamedTuple):
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


@lru_cache(maxsize=100_000)
def parse_time(value: str, tz: ZoneInfo) -> datetime:
    """A date (shop-local midnight) or an ISO time (shop-local unless it has an offset).
    Exports repeat the same days and times, so recent answers are remembered."""
    value = value.strip()
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(), tz).astimezone(UTC)
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC)


_PLAIN_AMOUNT = re.compile(r"([1-9]\d{0,9})(?:\.(\d{1,2}))?")


def parse_amount(value: str) -> int:
    """Baht with at most two decimals -> satang. Raises ValueError with the reason."""
    plain = _PLAIN_AMOUNT.fullmatch(value)
    if plain:
        baht, cents = plain.groups()
        satang = int(baht) * 100 + int((cents or "0").ljust(2, "0"))
        if satang <= MAX_SATANG:
            return satang
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


def parse_row(
    raw: dict[str, Any], line: int, tz: ZoneInfo, file_key: str, latest: datetime | None = None
) -> Row:
    """One CSV row checked and converted. Raises ValueError with the reason.

    `latest` is the last moment a purchase may have happened (default: a day from now)."""
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
    if occurred_at > (latest or clock.now() + timedelta(days=1)):
        raise ValueError(f"occurred_at {raw.get('occurred_at')!r} is in the future")
    ref = (raw.get("ref") or "").strip() or f"csv:{file_key}:{line}"
    if len(ref) > MAX_REF:
        raise ValueError(f"ref longer than {MAX_REF} characters")
    amount = parse_amount(raw.get("amount") or "")
    return Row(line, phone, customer_ref, occurred_at, amount, ref)


def read_batches(
    source: IO[str], tz: ZoneInfo, file_key: str, report: Report, size: int
) -> Iterator[list[Row]]:
    reader = csv.DictReader(source)
    check_header(reader.fieldnames)
    batch: list[Row] = []
    latest = clock.now() + timedelta(days=1)
    for raw in reader:
        report.rows += 1
        line = reader.line_num
        if None in raw or any(v is None for v in raw.values()):
            report.refuse(line, "wrong number of columns")
            continue
        try:
            batch.append(parse_row(raw, line, tz, file_key, latest))
        except ValueError as error:
            report.refuse(line, str(error))
            continue
        if len(batch) >= size:
            yield batch
            batch = []
            latest = clock.now() + timedelta(days=1)
    if batch:
        yield batch
