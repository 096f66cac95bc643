"""The POS and web-shop API under /api/v1: sales, refunds and a member's balance.

Each call is one transaction: a wrong key answers 401, wrong input 422 naming the fields,
and either way nothing is written. A call with an `Idempotency-Key` header (or a sale with
an `order_ref`) that is retried changes nothing and gets the first answer again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.services import Services
from bot.web import pos_input as api_input
from bot.web import shell
from bot.web.pos_input import BadInput
from bot.web.pos_models import (
    Coupon,
    Error,
    FieldError,
    MemberSummary,
    PurchaseResult,
    RefundResult,
    satang,
)
from bot.web.pos_models import Member as MemberBody
from bot.web.pos_spec import SPEC
from storage import api_keys, clock, ledger, pos
from storage.db import transaction
from storage.models import ApiKey, Member

bp = Blueprint("api", __name__, url_prefix="/api/v1")
Payload = PurchaseResult | RefundResult | MemberSummary
Operation = Callable[[Session, ApiKey, Any], tuple[int, Payload]]


class Unauthorized(Exception):
    """No key, or not a live one."""


def _services() -> Services:
    return shell.services()


def _error(status: int, body: Error) -> Response:
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="line-loyalty"'
    return response


def _invalid(errors: list[FieldError]) -> Response:
    return _error(422, {"error": "invalid_input", "errors": errors})


def _key(session: Session) -> ApiKey:
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    key = api_keys.authenticate(session, presented.strip()) if scheme.lower() == "bearer" else None
    if key is None:
        raise Unauthorized
    return key


def _body() -> Any:
    """The JSON body (None if it is not JSON); too deep a nesting is refused as bad input."""
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:
        raise api_input.too_deep() from None
    return api_input.shallow(body)


def _fingerprint(body: Any) -> str:
    shown = json.dumps(body, sort_keys=True, ensure_ascii=False, default=str)
    seen = f"{request.method} {request.path} {shown}"  # JSON may carry a lone surrogate
    return hashlib.sha256(seen.encode("utf-8", "surrogatepass")).hexdigest()


def _answer(session: Session, key: ApiKey, operation: Operation) -> tuple[int, Mapping[str, Any]]:
    """Run `operation`, or replay the first answer given to the same Idempotency-Key."""
    body = _body()
    if request.method != "POST":
        return operation(session, key, body)
    retry_key = api_input.idempotency_key(request.headers.get("Idempotency-Key"))
    if retry_key is None:
        return operation(session, key, body)
    fingerprint = _fingerprint(body)
    earlier = api_keys.earlier_call(session, key.name, retry_key)
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise BadInput([("Idempotency-Key", "was used before with a different request")])
        return 200, {**earlier.response, "already_recorded": True}
    status, payload = operation(session, key, body)
    api_keys.keep_call(
        session,
        key_name=key.name,
        idempotency_key=retry_key,
        fingerprint=fingerprint,
        status_code=status,
        response=dict(payload),
    )
    return status, payload


def _call(operation: Operation) -> Response:
    """One transaction per call, tried again once if a concurrent twin won a unique key."""
    for attempt in (1, 2):
        try:
            with transaction(_services().engine) as session:
                key = _key(session)
                status, payload = _answer(session, key, operation)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        except Unauthorized:
            return _error(
                401, {"error": "unauthorized", "message": "send Authorization: Bearer <API key>"}
            )
        except BadInput as bad:
            return _invalid([{"field": f, "message": m} for f, m in bad.problems])
        except pos.NotFound as missing:
            body: Error = {"error": "not_found", "field": missing.field, "message": missing.message}
            return _error(404, body)
        except pos.Invalid as refused:
            return _invalid([{"field": refused.field, "message": refused.message}])
        except ledger.KeyConflict:
            return _invalid(
                [{"field": "Idempotency-Key", "message": "was used before for another sale"}]
            )
        except ledger.MemberErased:
            message = "this member's personal data was erased while the call waited: send it again"
            return _error(409, {"error": "member_erased", "message": message})
        response = jsonify(payload)
        response.status_code = status
        return response
    raise AssertionError("unreachable")


def _member(member: Member) -> MemberBody:
    return {"code": member.code, "phone": member.phone, "customer_ref": member.customer_ref}


def _purchase(session: Session, key: ApiKey, body: Any) -> tuple[int, PurchaseResult]:
    now = clock.now()
    sale = api_input.purchase(body, now)
    done = pos.record_purchase(
        session,
        key_name=key.name,
        phone=sale.get("phone"),
        customer_ref=sale.get("customer_ref"),
        amount_satang=satang(sale["amount"]),
        occurred_at=sale.get("occurred_at", now),
        order_ref=sale.get("order_ref"),
        retry_key=api_input.idempotency_key(request.headers.get("Idempotency-Key")),
        baht_per_point=_services().settings.baht_per_point,
        tz=_services().settings.tz,
    )
    return (200 if done.already_recorded else 201), {
        "member": _member(done.member),
        "purchase_id": done.purchase.id,  # type: ignore[typeddict-item]
        "order_ref": sale.get("order_ref"),
        "amount": done.purchase.amount_satang / 100,
        "points_earned": done.points_earned,
        "debt_paid": done.debt_paid,
        "balance": done.member.points,
        "points_debt": pos.debt_of(session, done.member.id),  # type: ignore[arg-type]
        "already_recorded": done.already_recorded,
    }


def _refund(session: Session, key: ApiKey, body: Any) -> tuple[int, RefundResult]:
    asked = api_input.refund(body)
    done = pos.refund_order(
        session,
        key_name=key.name,
        order_ref=asked["order_ref"],
        amount_satang=satang(asked["amount"]) if "amount" in asked else None,
        refund_ref=asked.get("refund_ref"),
    )
    return (200 if done.already_recorded else 201), {
        "refund_id": done.refund.id,  # type: ignore[typeddict-item]
        "order_ref": asked["order_ref"],
        "amount_refunded": done.refund.amount_satang / 100,
        "points_reversed": done.refund.points_reversed,
        "points_owed": done.refund.points_owed,
        "balance": done.member.points,
        "points_debt": pos.debt_of(session, done.member.id),  # type: ignore[arg-type]
        "already_recorded": done.already_recorded,
    }


def _summary(phone: str) -> Operation:
    def look_up(session: Session, _key: ApiKey, _body: Any) -> tuple[int, MemberSummary]:
        found = pos.member_summary(session, api_input.phone(phone))
        if found is None:
            raise pos.NotFound("phone", "no member has this phone number")
        coupons: list[Coupon] = [
            {
                "code": coupon.code,
                "reward": reward.name_th,
                "points": coupon.points,
                "expires_at": coupon.expires_at.isoformat(),
            }
            for coupon, reward in found.coupons
        ]
        return 200, {
            "code": found.member.code,
            "phone": found.member.phone,  # type: ignore[typeddict-item]
            "balance": found.member.points,
            "tier": found.tier,
            "points_debt": found.debt,
            "coupons": coupons,
        }

    return look_up


@bp.post("/purchases")
def record_purchase() -> Response:
    return _call(_purchase)


@bp.post("/refunds")
def record_refund() -> Response:
    return _call(_refund)


@bp.get("/members/<path:phone>")
def member_balance(phone: str) -> Response:
    return _call(_summary(phone))


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(SPEC)
