"""The OpenAPI document of the POS and web-shop API, written by hand (served at
/api/v1/openapi.json and checked against the code by a schemathesis run in the tests)."""

from __future__ import annotations

from typing import Any

MAX_AMOUNT = 1_000_000


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


AMOUNT = {
    "type": "number",
    "minimum": 0,
    "exclusiveMinimum": True,
    "maximum": MAX_AMOUNT,
    "description": "Baht, at most two decimals (satang), e.g. 350 or 1250.50.",
}
REF = {"type": "string", "minLength": 1, "maxLength": 100, "pattern": r"^\S(.*\S)?$"}
NULLABLE_STRING = {"type": "string", "nullable": True}

SCHEMAS: dict[str, Any] = {
    "Purchase": {
        "type": "object",
        "additionalProperties": False,
        "required": ["amount"],
        "anyOf": [{"required": ["phone"]}, {"required": ["customer_ref"]}],
        "properties": {
            "phone": {
                "type": "string",
                "maxLength": 32,
                "description": "The customer's mobile: 0812345678, 081-234-5678 or +66812345678.",
            },
            "customer_ref": {**REF, "maxLength": 64, "description": "Your own customer id."},
            "amount": AMOUNT,
            "occurred_at": {
                "type": "string",
                "format": "date-time",
                "description": "When the sale happened, with its UTC offset (default: now).",
            },
            "order_ref": {**REF, "description": "The order's number at this till or shop."},
        },
    },
    "Refund": {
        "type": "object",
        "additionalProperties": False,
        "required": ["order_ref"],
        "properties": {
            "order_ref": REF,
            "amount": {**AMOUNT, "description": "Baht given back (default: all that is left)."},
            "refund_ref": {**REF, "description": "Your refund's number: a retry changes nothing."},
        },
    },
    "Member": {
        "type": "object",
        "required": ["code", "phone", "customer_ref"],
        "properties": {
            "code": {"type": "string"},
            "phone": NULLABLE_STRING,
            "customer_ref": NULLABLE_STRING,
        },
    },
    "PurchaseResult": {
        "type": "object",
        "required": [
            "member",
            "purchase_id",
            "order_ref",
            "amount",
            "points_earned",
            "debt_paid",
            "balance",
            "points_debt",
            "already_recorded",
        ],
        "properties": {
            "member": _ref("Member"),
            "purchase_id": {"type": "integer"},
            "order_ref": NULLABLE_STRING,
            "amount": {"type": "number"},
            "points_earned": {"type": "integer", "minimum": 0},
            "debt_paid": {
                "type": "integer",
                "minimum": 0,
                "description": "Points of this sale that paid back an earlier refund.",
            },
            "balance": {"type": "integer", "minimum": 0},
            "points_debt": {"type": "integer", "minimum": 0},
            "already_recorded": {"type": "boolean"},
        },
    },
    "RefundResult": {
        "type": "object",
        "required": [
            "refund_id",
            "order_ref",
            "amount_refunded",
            "points_reversed",
            "points_owed",
            "balance",
            "points_debt",
            "already_recorded",
        ],
        "properties": {
            "refund_id": {"type": "integer"},
            "order_ref": {"type": "string"},
            "amount_refunded": {"type": "number"},
            "points_reversed": {"type": "integer", "minimum": 0},
            "points_owed": {
                "type": "integer",
                "minimum": 0,
                "description": "Points already spent: the member's next earnings pay them first.",
            },
            "balance": {"type": "integer", "minimum": 0},
            "points_debt": {"type": "integer", "minimum": 0},
            "already_recorded": {"type": "boolean"},
        },
    },
    "MemberSummary": {
        "type": "object",
        "required": ["code", "phone", "balance", "tier", "points_debt", "coupons"],
        "properties": {
            "code": {"type": "string"},
            "phone": {"type": "string"},
            "balance": {"type": "integer", "minimum": 0},
            "tier": {"type": "string", "description": "member, silver or gold (see automations)"},
            "points_debt": {"type": "integer", "minimum": 0},
            "coupons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "reward", "points", "expires_at"],
                    "properties": {
                        "code": {"type": "string"},
                        "reward": {"type": "string"},
                        "points": {"type": "integer"},
                        "expires_at": {"type": "string", "format": "date-time"},
                    },
                },
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string"},
            "field": {"type": "string"},
            "message": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    },
}

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string per request (e.g. a UUID): a retry with the same key "
    "and body gets the first answer again and changes nothing.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}
ERRORS = {
    "401": _json("Error", "No key, or a key that is wrong or revoked."),
    "422": _json("Error", "Wrong input: `errors` names each field; nothing was changed."),
}


def _post(
    summary: str, body: str, result: str, *, not_found: bool = False, erased: bool = False
) -> dict[str, Any]:
    responses = {
        "200": _json(result, "Recorded before (order ref, refund ref or idempotency key)."),
        "201": _json(result, "Recorded."),
        **ERRORS,
    }
    if not_found:
        responses["404"] = _json("Error", "No such order for this key.")
    if erased:
        responses["409"] = _json(
            "Error", "The member was erased while the call waited; nothing was recorded."
        )
    return {
        "summary": summary,
        "parameters": [IDEMPOTENCY_KEY],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref(body)}}},
        "responses": responses,
    }


SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {
        "title": "line-loyalty POS API",
        "version": "1.0.0",
        "description": "Record sales and refunds from tills and web shops on the same members "
        "as the LINE chat. Each till or shop has its own key (`loyalty apikey create <name>`); "
        "its order refs are its own.",
    },
    "servers": [{"url": "/api/v1"}],
    "security": [{"apiKey": []}],
    "paths": {
        "/purchases": {
            "post": _post(
                "Record a sale and award its points", "Purchase", "PurchaseResult", erased=True
            )
        },
        "/refunds": {
            "post": _post(
                "Refund an order and take back its points", "Refund", "RefundResult", not_found=True
            )
        },
        "/members/{phone}": {
            "get": {
                "summary": "A member's balance and unused coupons, for a till screen",
                "parameters": [
                    {"name": "phone", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": _json("MemberSummary", "The member."),
                    "404": _json("Error", "No member with this phone."),
                    **ERRORS,
                },
            }
        },
    },
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {
            "apiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "Authorization: Bearer lk_...",
            }
        },
    },
}
