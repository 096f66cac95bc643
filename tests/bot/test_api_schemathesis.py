"""The POS API keeps its OpenAPI document: schemathesis sends generated requests (valid and
invalid, ~20 per operation) and checks every answer against the document and that none is
a server error. Business rules the schema cannot state (a phone number that exists, two
decimals, a time not in the future) make some schema-valid requests 422, so the check that
valid data is accepted is left out."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import Engine

from bot.web.pos_spec import SPEC
from storage import api_keys
from storage.db import transaction


@pytest.fixture
def api_key(engine: Engine) -> str:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")
    return secret


schema = schemathesis.openapi.from_dict(SPEC)
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
)


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_openapi_document(case: Any, app: Any, api_key: str) -> None:
    checks = [getattr(schemathesis.checks, name) for name in CHECKS]
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {api_key}"}, checks=checks)
