"""Runs in a separate process: handle one webhook event, as a second web process would."""

from __future__ import annotations

import os
from typing import Any
from zoneinfo import ZoneInfo

from handlers.campaign_coupons import RewardCoupons
from handlers.dispatch import handle_event
from handlers.router import Event, Shop
from storage import clock
from storage.db import make_engine
from tests.support.pinned_clock import ENV, from_env

SHOP = Shop(
    name="Kafe Dee",
    basic_id="@t",
    base_url="https://t",
    baht_per_point=25,
    tz=ZoneInfo("Asia/Bangkok"),
    coupons=RewardCoupons(ZoneInfo("Asia/Bangkok")),
)


def handle_in_process(
    url: str, connect_args: dict[str, Any], event: Event, barrier: Any, results: Any
) -> None:
    clock.use_source(from_env(os.environ[ENV]))
    engine = make_engine(url, connect_args=connect_args) if connect_args else make_engine(url)
    with engine.connect():
        pass
    barrier.wait()
    outcome = handle_event(engine, SHOP, event)
    results.put("duplicate" if outcome.duplicate else "handled")
    engine.dispose()
