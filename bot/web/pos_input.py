"""What the POS API accepts, checked field by field; every problem is named by its field.

The rules match `bot/api_spec.py`; the business rules the schema cannot say (a phone that
exists, two decimals, a time not in the future) are checked here too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.web.pos_spec import MAX_AMOUNT
from storage import phones

REF = re.compile(r"\S(.*\S)?")
KEY = re.compile(r"[!-~]{1,200}")
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)
MAX_DEPTH = 8  # a till's requests are flat; anything deeper is refused before it is read
Problems = list[tuple[str, str]]


class BadInput(ValueError):
    """The request is wrong; `problems` lists (field, message) pairs. Nothing was changed."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


@dataclass(frozen=True)
class PurchaseInput:
    phone: str | None
    customer_ref: str | None
    amount_satang: int
    occurred_at: datetime
    order_ref: str | None


@dataclass(frozen=True)
class RefundInput:
    order_ref: str
    amount_satang: int | None
    refund_ref: str | None


def phone(value: Any, field: str = "phone") -> str:
    """A phone as E.164, or BadInput naming `field`."""
    e164 = phones.to_e164(value) if isinstance(value, str) and len(value) <= 32 else None
    if e164 is None:
        raise BadInput([(field, "is not a valid phone number (e.g. 0812345678 or +66812345678)")])
    return e164


def too_deep() -> BadInput:
    return BadInput([("body", f"must not be nested more than {MAX_DEPTH} levels deep")])


def shallow(body: Any) -> Any:
    """`body` itself if it is nested at most MAX_DEPTH deep, else BadInput (counted without
    recursion, so no depth of nesting can exhaust the stack)."""
    pending: list[tuple[Any, int]] = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise too_deep()
        if isinstance(value, dict):
            pending.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            pending.extend((v, depth + 1) for v in value)
    return body


def idempotency_key(value: str | None) -> str | None:
    if value is None:
        return None
    if not KEY.fullmatch(value):
        raise BadInput([("Idempotency-Key", "must be 1-200 visible ASCII characters")])
    return value


def satang(value: Any) -> int:
    """Baht as a JSON number with at most two decimals -> satang (ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a number of baht, e.g. 350 or 1250.50")
    if not 0 < value <= MAX_AMOUNT:  # NaN and infinity fail too; a 400-digit int is no float
        raise ValueError(f"must be more than 0 and at most {MAX_AMOUNT:,} baht")
    cents = round(value * 100)
    if abs(value * 100 - cents) > 1e-6 or cents == 0:
        raise ValueError("must have at most two decimals (satang)")
    return int(cents)


def _ref(value: Any, longest: int) -> str:
    if not isinstance(value, str) or len(value) > longest or not REF.fullmatch(value):
        raise ValueError(f"must be 1-{longest} characters, not starting or ending with a space")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError("must not contain control characters")
    return value


def _moment(value: Any, now: datetime) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError("must be a date-time with its UTC offset, e.g. 2026-10-05T14:30:00+07:00")
    if not EARLIEST <= moment <= now + CLOCK_SKEW:
        raise ValueError("must be after 2000 and not in the future")
    return moment.astimezone(UTC)


def _fields(body: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadInput([("body", "must be a JSON object")])
    unknown = [(name, "is not a field of this request") for name in body if name not in allowed]
    if unknown:
        raise BadInput(unknown)
    return body


def _read(body: dict[str, Any], readers: dict[str, Any], problems: Problems) -> dict[str, Any]:
    """Each present field through its reader; problems are collected, not raised."""
    values: dict[str, Any] = {}
    for name, reader in readers.items():
        if name not in body:
            continue
        try:
            values[name] = reader(body[name])
        except (ValueError, BadInput) as problem:
            message = problem.problems[0][1] if isinstance(problem, BadInput) else str(problem)
            problems.append((name, message))
    return values


def purchase(body: Any, now: datetime) -> PurchaseInput:
    fields = _fields(body, ("phone", "customer_ref", "amount", "occurred_at", "order_ref"))
    problems: Problems = []
    readers = {
        "phone": phone,
        "customer_ref": lambda v: _ref(v, 64),
        "amount": satang,
        "occurred_at": lambda v: _moment(v, now),
        "order_ref": lambda v: _ref(v, 100),
    }
    values = _read(fields, readers, problems)
    if "amount" not in fields:
        problems.append(("amount", "is required"))
    if "phone" not in fields and "customer_ref" not in fields:
        problems.append(("phone", "phone or customer_ref is required"))
    if problems:
        raise BadInput(problems)
    return PurchaseInput(
        phone=values.get("phone"),
        customer_ref=values.get("customer_ref"),
        amount_satang=values["amount"],
        occurred_at=values.get("occurred_at", now),
        order_ref=values.get("order_ref"),
    )


def refund(body: Any) -> RefundInput:
    fields = _fields(body, ("order_ref", "amount", "refund_ref"))
    problems: Problems = []
    readers = {
        "order_ref": lambda v: _ref(v, 100),
        "amount": satang,
        "refund_ref": lambda v: _ref(v, 100),
    }
    values = _read(fields, readers, problems)
    if "order_ref" not in fields:
        problems.append(("order_ref", "is required"))
    if problems:
        raise BadInput(problems)
    return RefundInput(values["order_ref"], values.get("amount"), values.get("refund_ref"))
