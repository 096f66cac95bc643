"""Settings read once from the environment (and a `.env` file)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

REQUIRED = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_BASIC_ID", "BASE_URL")
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message is one line naming it."""


@dataclass(frozen=True)
class Settings:
    channel_secret: str
    channel_access_token: str
    basic_id: str
    base_url: str
    database_url: str
    redis_url: str | None = None
    api_endpoint: str = "https://api.line.me"
    api_data_endpoint: str = "https://api-data.line.me"
    shop_name: str = "My Shop"
    shop_timezone: str = "Asia/Bangkok"
    baht_per_point: int = 25
    sms_provider: str = "log"
    sms_http_url: str | None = None
    shop_color: str = "#06C755"
    shop_logo: str | None = None
    commands_per_minute: int = 20
    instance_dir: Path = Path("instance")
    huey_sqlite: str | None = None  # the job queue's SQLite file without Redis
    broadcast_lease_seconds: float = 60.0
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.shop_timezone)

    @property
    def job_file(self) -> Path:
        """Where jobs wait without Redis: HUEY_SQLITE, else jobs.db in the instance folder."""
        return Path(self.huey_sqlite) if self.huey_sqlite else self.instance_dir / "jobs.db"

    @property
    def oa_message_base(self) -> str:
        """Start of links that open the shop's chat with text typed in."""
        return f"https://line.me/R/oaMessage/{self.basic_id}/?"


def database_url_from(raw: str | None, instance_dir: Path) -> str:
    """Normalise DATABASE_URL: default SQLite file; `postgres://` becomes psycopg 3."""
    if not raw:
        instance_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_dir / 'loyalty.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def load_settings(env: dict[str, str] | None = None, instance_dir: Path | None = None) -> Settings:
    """Build settings from `env` (default: os.environ after loading `.env`)."""
    if env is None:
        load_dotenv(Path.cwd() / ".env")
        env = dict(os.environ)
    for name in REQUIRED:
        if not env.get(name, "").strip():
            raise ConfigError(f"missing required setting {name} (see README: Configuration)")
    base_url = env["BASE_URL"].rstrip("/")
    if not base_url.startswith("https://"):
        raise ConfigError("BASE_URL must be an https:// origin, e.g. https://loyalty.example.com")
    try:
        baht_per_point = int(env.get("BAHT_PER_POINT", "25"))
        if baht_per_point < 1:
            raise ValueError
    except ValueError:
        raise ConfigError("BAHT_PER_POINT must be a whole number of baht, 1 or more") from None
    timezone = env.get("SHOP_TIMEZONE", "Asia/Bangkok")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"SHOP_TIMEZONE {timezone!r} is not a known time zone") from None
    sms_provider = env.get("SMS_PROVIDER", "log")
    if sms_provider not in ("log", "http"):
        raise ConfigError("SMS_PROVIDER must be 'log' or 'http'")
    if sms_provider == "http" and not env.get("SMS_HTTP_URL"):
        raise ConfigError("missing required setting SMS_HTTP_URL (needed when SMS_PROVIDER=http)")
    shop_color, shop_logo = _shop_look(env)
    commands_per_minute = _whole(env, "RATE_LIMIT_PER_MINUTE", 20)
    instance = instance_dir or Path(env.get("INSTANCE_DIR", "instance")).resolve()
    return Settings(
        channel_secret=env["LINE_CHANNEL_SECRET"].strip(),
        channel_access_token=env["LINE_CHANNEL_ACCESS_TOKEN"].strip(),
        basic_id=env["LINE_BASIC_ID"].strip(),
        base_url=base_url,
        database_url=database_url_from(env.get("DATABASE_URL"), instance),
        redis_url=env.get("REDIS_URL") or None,
        api_endpoint=env.get("LINE_API_ENDPOINT", "https://api.line.me").rstrip("/"),
        api_data_endpoint=env.get("LINE_API_DATA_ENDPOINT", "https://api-data.line.me").rstrip("/"),
        shop_name=env.get("SHOP_NAME", "My Shop"),
        shop_timezone=timezone,
        baht_per_point=baht_per_point,
        sms_provider=sms_provider,
        sms_http_url=env.get("SMS_HTTP_URL") or None,
        shop_color=shop_color,
        shop_logo=shop_logo,
        commands_per_minute=commands_per_minute,
        instance_dir=instance,
        huey_sqlite=env.get("HUEY_SQLITE") or None,
        broadcast_lease_seconds=float(env.get("BROADCAST_LEASE_SECONDS", "60")),
    )


def _whole(env: dict[str, str], name: str, default: int) -> int:
    """A whole number setting, 0 or more."""
    raw = env.get(name, "").strip() or str(default)
    if not raw.isdecimal():
        raise ConfigError(f"{name} must be a whole number, 0 or more (0 switches it off)")
    return int(raw)


def _shop_look(env: dict[str, str]) -> tuple[str, str | None]:
    """SHOP_COLOR as #RRGGBB (upper case) and SHOP_LOGO as an existing file, if set."""
    color = env.get("SHOP_COLOR", "").strip() or "#06C755"
    if not HEX_COLOR.match(color):
        raise ConfigError(f"SHOP_COLOR {color!r} must be a colour like #06C755 (#RRGGBB)")
    logo = env.get("SHOP_LOGO", "").strip() or None
    if logo is not None and not Path(logo).is_file():
        raise ConfigError(f"SHOP_LOGO {logo!r} is not a file (a PNG or JPEG of the shop's logo)")
    return color.upper(), logo
