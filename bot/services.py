"""The composition root: what every process of the shop holds, built once from the settings.

`build` is called once by each entry point (the web app, the worker, the CLI, the demo)
and the result is handed down; nothing here is kept in a module global.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from bot.line.client import LineClient
from bot.settings import Settings
from bot.sms import SmsSender, make_sender
from handlers.campaign_coupons import RewardCoupons
from handlers.router import Shop
from handlers.views.colors import rgb
from richmenus.look import Look
from storage.campaigns import CouponAttachment
from storage.db import make_engine


@dataclass(frozen=True)
class Services:
    settings: Settings
    engine: Engine
    line: LineClient
    sms: SmsSender
    coupons: CouponAttachment  # what a broadcast with a coupon gives each recipient

    @property
    def tz(self) -> ZoneInfo:
        """The shop's time zone: days, months and points' expiry are counted in it."""
        return self.settings.tz

    @property
    def shop(self) -> Shop:
        """The shop as the conversation sees it (the one place a Shop is made of Settings)."""
        s = self.settings
        return Shop(
            name=s.shop_name,
            basic_id=s.basic_id,
            base_url=s.base_url,
            baht_per_point=s.baht_per_point,
            tz=s.tz,
            coupons=self.coupons,
            color=s.shop_color,
            commands_per_minute=s.commands_per_minute,
        )

    @property
    def look(self) -> Look:
        """What the rich menu pictures show of the shop."""
        s = self.settings
        logo = Path(s.shop_logo) if s.shop_logo else None
        return Look(shop_name=s.shop_name, color=rgb(s.shop_color), logo=logo)


def line_client(settings: Settings) -> LineClient:
    return LineClient(
        access_token=settings.channel_access_token,
        endpoint=settings.api_endpoint,
        data_endpoint=settings.api_data_endpoint,
    )


def build(
    settings: Settings, engine: Engine | None = None, coupons: CouponAttachment | None = None
) -> Services:
    """Everything a process needs, from `settings` (a given engine or coupon feature instead
    of the configured ones: tests, the benchmarks)."""
    return Services(
        settings=settings,
        engine=engine or make_engine(settings.database_url),
        line=line_client(settings),
        sms=make_sender(settings.sms_provider, settings.sms_http_url),
        coupons=coupons or RewardCoupons(settings.tz),
    )
