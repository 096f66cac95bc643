"""What the automations send LINE (replies and pushes) matches LINE's OpenAPI description."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bot.jobs import automations
from bot.jobs.queue import Jobs
from storage import automation_settings, clock, lifecycle, segment_alert
from storage.db import transaction
from storage.models import Role
from tests.contract.openapi import SPECS, errors
from tests.contract.test_messaging_api import REQUEST_SCHEMAS
from tests.handlers.reward_helpers import add_reward, member_of
from tests.support.line import Line

pytestmark = pytest.mark.skipif(
    not (SPECS / "messaging-api.yml").exists(), reason="../shared/line-openapi is absent"
)
BANGKOK = ZoneInfo("Asia/Bangkok")


def test_every_automation_request_matches_the_spec(
    jobs: Jobs, line: Line, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.freeze(datetime(2025, 3, 3, 11, 0, tzinfo=BANGKOK))  # a Monday
    owner = line.user("Dang", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    reward_id = add_reward(line, name_th="กาแฟฟรี")
    for name in ("welcome", "thankyou", "birthday"):
        line.say(owner, f"automation {name} coupon {reward_id}")
    line.say(owner, "automation welcome points 20")
    nok = line.user("Nok")
    line.register(nok, "0812345678")
    line.say(nok, "3/3")
    line.say(nok, "ชวนเพื่อน")
    anna = line.user("Anna", "en")
    line.say(anna, f"friend {member_of(line, nok).code}")
    line.register(anna, "0822222222")
    line.award(cashier, "award 0822222222 6000")
    line.say(cashier, "award 0812345678 350")
    clock.advance(timedelta(hours=3))
    automations.run_frequent(jobs)
    nok_id = member_of(line, nok).id
    assert nok_id is not None
    with transaction(engine) as session:
        automation_settings.tune(session, "limits", "gap", 0, by="test")
        lifecycle.profile(session, nok_id).segment_seen = "champions"
    monkeypatch.setattr(segment_alert, "segment_source", lambda s: [(nok_id, "at_risk")])
    automations.run_hourly(jobs)
    line.tap(owner, "action=winback_offer&week=2025-W10")
    line.say(owner, "automations")
    checked = 0
    for call in line.fake.calls():
        schema = REQUEST_SCHEMAS.get(call.path)
        if schema is None:
            continue
        problems = errors("messaging-api.yml", schema, call.body)
        assert not problems, (call.path, problems[:5], call.body)
        checked += 1
    purposes = len(line.fake.calls("/v2/bot/message/push"))
    assert checked >= 20 and purposes >= 7
