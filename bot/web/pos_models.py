"""The POS API's contract, declared once: what each call accepts and answers.

`bot.web.pos_input` validates requests with these types and `bot.web.pos_spec` builds the
OpenAPI document from them. A field's `Says` is what the API answers when its value breaks
one of the field's rules; problems a validator finds carry their own message.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, NotRequired, Required

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, ValidationInfo, with_config
from pydantic_core import PydanticCustomError
from typing_extensions import TypedDict

from storage import phones

MAX_AMOUNT = 1_000_000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(minutes=5)
PHONE_MESSAGE = "is not a valid phone number (e.g. 0812345678 or +66812345678)"
MOMENT_MESSAGE = "must be a date-time with its UTC offset, e.g. 2026-10-05T14:30:00+07:00"
CONTROL_CHARACTERS = "must not contain control characters"
REQUEST = ConfigDict(extra="forbid", strict=True, regex_engine="python-re")  # `\S` as Python's


@dataclass(frozen=True)
class Says:
    """The message for a broken rule: by pydantic's error type, else `otherwise`."""

    otherwise: str
    by_error: dict[str, str] = field(default_factory=dict)


def satang(baht: float) -> int:
    """Baht with at most two decimals -> satang (ValueError otherwise)."""
    cents = round(baht * 100)
    if abs(baht * 100 - cents) > 1e-6 or cents == 0:
        raise ValueError("must have at most two decimals (satang)")
    return int(cents)


def _two_decimals(baht: float) -> float:
    satang(baht)
    return baht


def _huge_is_infinite(value: Any) -> Any:
    """An integer too big for a float is out of range, not of the wrong type."""
    if type(value) is int and abs(value) > MAX_AMOUNT:
        return math.inf if value > 0 else -math.inf
    return value


def _e164(value: str) -> str:
    e164 = phones.to_e164(value)
    if e164 is None:
        raise ValueError(PHONE_MESSAGE)
    return e164


SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogates_as_controls(value: Any) -> Any:
    """A lone surrogate (JSON allows one, no database keeps it) is refused as a control
    character, after the length and pattern like any other."""
    return SURROGATE.sub("\x00", value) if isinstance(value, str) else value


def _printable(value: str) -> str:
    if value.endswith("\n"):  # Python's `$` lets one last newline past the pattern; JSON's does not
        raise PydanticCustomError("string_pattern_mismatch", "String should match pattern")
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(CONTROL_CHARACTERS)
    return value


def _moment(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError(MOMENT_MESSAGE)
    return moment


def _in_the_past(moment: datetime, info: ValidationInfo) -> datetime:
    now: datetime = (info.context or {})["now"]
    if not EARLIEST <= moment <= now + CLOCK_SKEW:
        raise ValueError("must be after 2000 and not in the future")
    return moment.astimezone(UTC)


Phone = Annotated[
    str,
    Field(
        max_length=32,
        description="The customer's mobile: 0812345678, 081-234-5678 or +66812345678.",
    ),
    AfterValidator(_e164),
    Says(PHONE_MESSAGE),
]
Baht = Annotated[
    float,
    Field(
        gt=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="Baht, at most two decimals (satang), e.g. 350 or 1250.50.",
    ),
    BeforeValidator(_huge_is_infinite),
    AfterValidator(_two_decimals),
    Says(
        "must be a number of baht, e.g. 350 or 1250.50",
        dict.fromkeys(
            ("greater_than", "less_than_equal", "finite_number"),
            f"must be more than 0 and at most {MAX_AMOUNT:,} baht",
        ),
    ),
]
Moment = Annotated[
    datetime,
    BeforeValidator(_moment),
    AfterValidator(_in_the_past),
    Field(description="When the sale happened, with its UTC offset (default: now)."),
    Says(MOMENT_MESSAGE),
]
REF = r"^\S(.*\S)?$"
OrderRef = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=REF),
    BeforeValidator(_surrogates_as_controls),
    AfterValidator(_printable),
    Says("must be 1-100 characters, not starting or ending with a space"),
]
CustomerRef = Annotated[
    str,
    Field(min_length=1, max_length=64, pattern=REF, description="Your own customer id."),
    BeforeValidator(_surrogates_as_controls),
    AfterValidator(_printable),
    Says("must be 1-64 characters, not starting or ending with a space"),
]
RetryKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern="^[!-~]+$",
        description="Any unique string per request (e.g. a UUID): a retry with the same key "
        "and body gets the first answer again and changes nothing.",
    ),
    Says("must be 1-200 visible ASCII characters"),
]

PHONE_OR_REF = ("phone", "customer_ref")


@with_config(
    ConfigDict(**REQUEST, json_schema_extra={"anyOf": [{"required": [f]} for f in PHONE_OR_REF]})
)
class Purchase(TypedDict, total=False):
    """A sale: `amount`, and `phone` or `customer_ref` (or both)."""

    phone: Phone
    customer_ref: CustomerRef
    amount: Required[Baht]
    occurred_at: Moment
    order_ref: Annotated[OrderRef, Field(description="The order's number at this till or shop.")]


@with_config(REQUEST)
class Refund(TypedDict, total=False):
    order_ref: Required[OrderRef]
    amount: Annotated[Baht, Field(description="Baht given back (default: all that is left).")]
    refund_ref: Annotated[
        OrderRef, Field(description="Your refund's number: a retry changes nothing.")
    ]


Points = Annotated[int, Field(ge=0)]


class Member(TypedDict):
    code: str
    phone: str | None
    customer_ref: str | None


class PurchaseResult(TypedDict):
    member: Member
    purchase_id: int
    order_ref: str | None
    amount: float
    points_earned: Points
    debt_paid: Annotated[
        Points, Field(description="Points of this sale that paid back an earlier refund.")
    ]
    balance: Points
    points_debt: Points
    already_recorded: bool


class RefundResult(TypedDict):
    refund_id: int
    order_ref: str
    amount_refunded: float
    points_reversed: Points
    points_owed: Annotated[
        Points,
        Field(description="Points already spent: the member's next earnings pay them first."),
    ]
    balance: Points
    points_debt: Points
    already_recorded: bool


class Coupon(TypedDict):
    code: str
    reward: str
    points: int
    expires_at: Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class MemberSummary(TypedDict):
    code: str
    phone: str
    balance: Points
    tier: Annotated[str, Field(description="member, silver or gold (see automations)")]
    points_debt: Points
    coupons: list[Coupon]


class FieldError(TypedDict):
    field: str
    message: str


class Error(TypedDict):
    error: str
    field: NotRequired[str]
    message: NotRequired[str]
    errors: NotRequired[list[FieldError]]
