"""The OpenAPI document of the POS and web-shop API, built from the types in
`bot.web.pos_models` (served at /api/v1/openapi.json; a schemathesis run in the tests checks
the code against it)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import TypeAdapter

from bot.web import pos_models as models

REF = "#/components/schemas/{model}"
Mode = Literal["validation", "serialization"]
BODIES: dict[str, tuple[Any, Mode]] = {
    "Purchase": (models.Purchase, "validation"),
    "Refund": (models.Refund, "validation"),
    "PurchaseResult": (models.PurchaseResult, "serialization"),
    "RefundResult": (models.RefundResult, "serialization"),
    "MemberSummary": (models.MemberSummary, "serialization"),
    "Error": (models.Error, "serialization"),
}


def _schemas() -> dict[str, Any]:
    inputs = [(name, mode, TypeAdapter(kind)) for name, (kind, mode) in BODIES.items()]
    tops, defs = TypeAdapter.json_schemas(inputs, ref_template=REF)
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    for (name, _mode), schema in tops.items():
        if "$ref" not in schema:
            schemas[name] = schema
    return schemas


def _parameter(name: str, where: str, kind: Any, *, required: bool) -> dict[str, Any]:
    schema = TypeAdapter(kind).json_schema()
    return {"name": name, "in": where, "required": required, "schema": schema}


def _json(name: str, description: str) -> dict[str, Any]:
    schema = {"$ref": REF.format(model=name)}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "401": _json("Error", "No key, or a key that is wrong or revoked."),
    "422": _json("Error", "Wrong input: `errors` names each field; nothing was changed."),
}


def _post(summary: str, body: str, result: str, more: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": {"$ref": REF.format(model=body)}}}
    return {
        "summary": summary,
        "parameters": [_parameter("Idempotency-Key", "header", models.RetryKey, required=False)],
        "requestBody": {"required": True, "content": content},
        "responses": {
            "200": _json(result, "Recorded before (order ref, refund ref or idempotency key)."),
            "201": _json(result, "Recorded."),
            **ERRORS,
            **more,
        },
    }


def _paths() -> dict[str, Any]:
    erased = _json("Error", "The member was erased while the call waited; nothing was recorded.")
    member = {
        "summary": "A member's balance and unused coupons, for a till screen",
        "parameters": [_parameter("phone", "path", models.Phone, required=True)],
        "responses": {
            "200": _json("MemberSummary", "The member."),
            "404": _json("Error", "No member with this phone."),
            **ERRORS,
        },
    }
    return {
        "/purchases": {
            "post": _post(
                "Record a sale and award its points", "Purchase", "PurchaseResult", {"409": erased}
            )
        },
        "/refunds": {
            "post": _post(
                "Refund an order and take back its points",
                "Refund",
                "RefundResult",
                {"404": _json("Error", "No such order for this key.")},
            )
        },
        "/members/{phone}": {"get": member},
    }


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "line-loyalty POS API",
        "version": "1.0.0",
        "description": "Record sales and refunds from tills and web shops on the same members "
        "as the LINE chat. Each till or shop has its own key (`loyalty apikey create <name>`); "
        "its order refs are its own.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"apiKey": []}],
    "paths": _paths(),
    "components": {
        "schemas": _schemas(),
        "securitySchemes": {
            "apiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "Authorization: Bearer lk_...",
            }
        },
    },
}
