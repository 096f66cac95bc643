"""What a web or worker process holds: settings, the database engine, the LINE client."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.jobs import campaign_coupons
from bot.line.client import LineClient
from bot.settings import Settings, load_settings
from bot.sms import SmsSender, make_sender
from handlers.router import Shop
from handlers.views.colors import rgb
from richmenus.look import Look
from storage import lots
from storage.db import make_engine


@dataclass
class Services:
    settings: Settings
    engine: Engine
    line: LineClient
    sms: SmsSender

    @property
    def shop(self) -> Shop:
        s = self.settings
        return Shop(
            name=s.shop_name,
            basic_id=s.basic_id,
            base_url=s.base_url,
            baht_per_point=s.baht_per_point,
            tz=s.tz,
            color=s.shop_color,
            commands_per_minute=s.commands_per_minute,
        )

    @property
    def look(self) -> Look:
        """What the rich menu pictures show of the shop."""
        s = self.settings
        logo = Path(s.shop_logo) if s.shop_logo else None
        return Look(shop_name=s.shop_name, color=rgb(s.shop_color), logo=logo)


def build(settings: Settings, engine: Engine | None = None) -> Services:
    lots.SHOP_TZ = settings.tz  # points expire at the end of a month in the shop's time
    return Services(
        settings=settings,
        engine=engine or make_engine(settings.database_url),
        line=LineClient(
            access_token=settings.channel_access_token,
            endpoint=settings.api_endpoint,
            data_endpoint=settings.api_data_endpoint,
        ),
        sms=make_sender(settings.sms_provider, settings.sms_http_url),
    )


_current: Services | None = None


def install(services: Services) -> None:
    """Make `services` the ones background jobs in this process use."""
    global _current
    _current = services
    campaign_coupons.install(services.settings.tz)


def current() -> Services:
    """The process's services; a worker builds them from the environment on first use."""
    global _current
    if _current is None:
        _current = build(load_settings())
    return _current
