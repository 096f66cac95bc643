"""The rich menu calls match LINE's official OpenAPI description, images on the data host."""

from __future__ import annotations

import dataclasses
import re
from functools import cache
from typing import Any

import pytest
import yaml
from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeLine
from bot.services import build
from bot.settings import Settings
from handlers.views.colors import rgb
from richmenus.deploy import deploy
from richmenus.linking import link_for_role
from storage import members
from storage.db import transaction
from storage.models import Role
from tests.contract.openapi import SPECS, errors
from tests.support import factories

pytestmark = pytest.mark.skipif(
    not (SPECS / "messaging-api.yml").exists(), reason="../shared/line-openapi is absent"
)

BODY_SCHEMAS = {
    ("POST", r"/v2/bot/richmenu"): "RichMenuRequest",
    ("POST", r"/v2/bot/richmenu/alias"): "CreateRichMenuAliasRequest",
    ("POST", r"/v2/bot/richmenu/alias/[a-z0-9_-]+"): "UpdateRichMenuAliasRequest",
}


@cache
def operations() -> list[tuple[str, re.Pattern[str], bool]]:
    """(method, path pattern, served by api-data) for every operation in the spec."""
    spec = yaml.safe_load((SPECS / "messaging-api.yml").read_text())
    found = []
    for path, item in spec["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            if method in ("get", "post", "put", "delete"):
                servers = operation.get("servers", [])
                data = any("api-data" in s["url"] for s in servers)
                found.append((method.upper(), pattern, data))
    return found


def operation_of(method: str, path: str) -> tuple[str, re.Pattern[str], bool]:
    exact = [o for o in operations() if o[0] == method and o[1].match(path)]
    assert exact, f"{method} {path} is not in LINE's OpenAPI description"
    return min(exact, key=lambda o: o[1].pattern.count("[^/]+"))


def schema_for(method: str, path: str) -> str | None:
    for (want, pattern), schema in BODY_SCHEMAS.items():
        if want == method and re.fullmatch(pattern, path):
            return schema
    return None


def test_every_rich_menu_call_is_in_the_spec_with_a_valid_body(
    fake: FakeLine, settings: Settings, engine: Engine
) -> None:
    data_host = fake.url.replace("127.0.0.1", "localhost")
    services = build(settings.model_copy(update={"api_data_endpoint": data_host}), engine)
    staff_id = "U" + "b" * 32
    with transaction(engine) as session:
        factories.staff(session, staff_id)
    deploy(services.line, services.look, engine)
    deploy(services.line, dataclasses.replace(services.look, color=rgb("#1E88E5")), engine)
    link_for_role(services.line, engine, staff_id, "staff")
    with transaction(engine) as session:
        members.set_role(session, members.get_line_user(session, staff_id), Role.CUSTOMER)  # type: ignore[arg-type]
    link_for_role(services.line, engine, staff_id, "customer")
    services.line.close()
    calls = [c for c in fake.calls() if "richmenu" in c.path]
    deletes = [c.path for c in calls if c.method == "DELETE"]
    assert any(p.startswith("/v2/bot/richmenu/richmenu-") for p in deletes), "old menus deleted"
    assert f"/v2/bot/user/{staff_id}/richmenu" in deletes, "the former cashier unlinked"
    checked = 0
    for call in calls:
        _, _, on_data_host = operation_of(call.method, call.path)
        assert (call.headers["Host"] == data_host.split("//")[1]) == on_data_host, call.path
        schema = schema_for(call.method, call.path)
        if schema is not None:
            problems: list[Any] = errors("messaging-api.yml", schema, call.body)
            assert not problems, (call.path, problems[:5])
            checked += 1
    assert checked >= 12
    assert any(c.path.endswith("/content") for c in calls)


def test_the_validator_catches_a_bad_rich_menu() -> None:
    bad = {
        "size": {"width": "wide"},
        "chatBarText": "x" * 15,
        "areas": [{"action": {"type": "postback", "data": 3}}],
    }
    assert len(errors("messaging-api.yml", "RichMenuRequest", bad)) >= 3
