"""What the POS API accepts: requests read with the types of `bot.web.pos_models`, and
pydantic's errors put in the API's own words; every problem is named by its field."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NotRequired, Required, get_args, get_origin

from pydantic import ConfigDict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails
from typing_extensions import get_type_hints

from bot.web.pos_models import (
    PHONE_OR_REF,
    REQUEST,
    Phone,
    Purchase,
    Refund,
    RetryKey,
    Says,
)

MAX_DEPTH = 8  # a till's requests are flat; anything deeper is refused before it is read
Problems = list[tuple[str, str]]


class BadInput(ValueError):
    """The request is wrong; `problems` lists (field, message) pairs. Nothing was changed."""

    def __init__(self, problems: Problems) -> None:
        super().__init__("; ".join(f"{f}: {m}" for f, m in problems))
        self.problems = problems


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


def _says(annotation: Any) -> Says:
    return next(m for m in getattr(annotation, "__metadata__", ()) if isinstance(m, Says))


def _unwrapped(hint: Any) -> Any:
    """A TypedDict field's annotation without its Required or NotRequired."""
    return get_args(hint)[0] if get_origin(hint) in (Required, NotRequired) else hint


@dataclass(frozen=True)
class _Reader:
    """A request type's validator, each field's words, and fields of which one is needed."""

    adapter: TypeAdapter[Any]
    says: dict[str, Says]
    one_of: tuple[str, ...] = ()

    @classmethod
    def of(cls, request: type, one_of: tuple[str, ...] = ()) -> _Reader:
        hints = get_type_hints(request, include_extras=True)
        says = {name: _says(_unwrapped(hint)) for name, hint in hints.items()}
        return cls(TypeAdapter(request), says, one_of)

    def read(self, body: Any, now: datetime | None = None) -> Any:
        try:
            value = self.adapter.validate_python(body, context={"now": now})
        except ValidationError as wrong:
            raise BadInput(self._problems(wrong.errors(), body)) from None
        if missing := self._none_of(body):
            raise BadInput(missing)
        return value

    def _problems(self, errors: list[ErrorDetails], body: Any) -> Problems:
        """Unknown fields alone if there are any; else wrong values, then missing ones."""
        if not isinstance(body, dict):
            return [("body", "must be a JSON object")]
        named = [(str(e["loc"][0]), e) for e in errors]
        unknown = [(f, "is not a field of this request") for f, e in named
                   if e["type"] == "extra_forbidden"]  # fmt: skip
        if unknown:
            return unknown
        wrong = [(f, _message(e, self.says[f])) for f, e in named if e["type"] != "missing"]
        missing = [(f, "is required") for f, e in named if e["type"] == "missing"]
        return wrong + missing + self._none_of(body)

    def _none_of(self, body: Any) -> Problems:
        if self.one_of and not any(f in body for f in self.one_of):
            return [(self.one_of[0], f"{' or '.join(self.one_of)} is required")]
        return []


def _message(error: ErrorDetails, says: Says) -> str:
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    return says.by_error.get(error["type"], says.otherwise)


def _value(kind: tuple[TypeAdapter[Any], Says], value: Any, field: str) -> Any:
    adapter, says = kind
    try:
        return adapter.validate_python(value)
    except ValidationError as wrong:
        raise BadInput([(field, _message(wrong.errors()[0], says))]) from None


PURCHASE = _Reader.of(Purchase, one_of=PHONE_OR_REF)
REFUND = _Reader.of(Refund)
PHONE = (TypeAdapter(Phone, config=REQUEST), _says(Phone))
RETRY_KEY = (TypeAdapter(RetryKey, config=ConfigDict(strict=True)), _says(RetryKey))


def purchase(body: Any, now: datetime) -> Purchase:
    """The sale as parsed values: phone as E.164, occurred_at in UTC (absent: now)."""
    sale: Purchase = PURCHASE.read(body, now)
    return sale


def refund(body: Any) -> Refund:
    asked: Refund = REFUND.read(body)
    return asked


def phone(value: str) -> str:
    """A phone as E.164, or BadInput naming the phone."""
    return str(_value(PHONE, value, "phone"))


def idempotency_key(value: str | None) -> str | None:
    return None if value is None else str(_value(RETRY_KEY, value, "Idempotency-Key"))
