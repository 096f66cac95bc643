"""Settings read once from the environment (and a `.env` file), by pydantic-settings.

This is the only module that reads the environment; everything else is handed `Settings`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasGenerator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

REQUIRED = ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "LINE_BASIC_ID", "BASE_URL")
HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
WRONG = {  # what to say when a value is not of its setting's kind
    "BAHT_PER_POINT": "BAHT_PER_POINT must be a whole number of baht, 1 or more",
    "SMS_PROVIDER": "SMS_PROVIDER must be 'log' or 'http'",
    "RATE_LIMIT_PER_MINUTE": (
        "RATE_LIMIT_PER_MINUTE must be a whole number, 0 or more (0 switches it off)"
    ),
    "BROADCAST_LEASE_SECONDS": "BROADCAST_LEASE_SECONDS must be a number of seconds, more than 0",
}


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    """The shop's settings; each field is read from the variable in its alias (README table).

    Built in code (`Settings(channel_secret=...)`), they are exactly what they are given;
    `load_settings()` reads the environment. Change a copy with `model_copy(update=...)`.
    """

    model_config = SettingsConfigDict(
        frozen=True,
        populate_by_name=True,
        extra="ignore",
        str_strip_whitespace=True,
        alias_generator=AliasGenerator(validation_alias=str.upper),
        env_file=".env",
        case_sensitive=True,
    )

    channel_secret: str = Field(validation_alias="LINE_CHANNEL_SECRET")
    channel_access_token: str = Field(validation_alias="LINE_CHANNEL_ACCESS_TOKEN")
    basic_id: str = Field(validation_alias="LINE_BASIC_ID")
    base_url: str
    instance_dir: Path = Field(default=Path("instance"), validate_default=True)
    database_url: str = Field(default="", validate_default=True)
    redis_url: str | None = None
    huey_sqlite: str | None = None
    api_endpoint: str = Field(default="https://api.line.me", validation_alias="LINE_API_ENDPOINT")
    api_data_endpoint: str = Field(
        default="https://api-data.line.me", validation_alias="LINE_API_DATA_ENDPOINT"
    )
    shop_name: str = "My Shop"
    shop_timezone: str = "Asia/Bangkok"
    baht_per_point: int = Field(default=25, ge=1)
    sms_provider: Literal["log", "http"] = "log"
    sms_http_url: str | None = None
    shop_color: str = "#06C755"
    shop_logo: str | None = None
    commands_per_minute: int = Field(default=20, ge=0, validation_alias="RATE_LIMIT_PER_MINUTE")
    broadcast_lease_seconds: float = Field(default=60.0, gt=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Only what the caller passes: `load_settings` passes the environment's values."""
        return (init_settings,)

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

    @field_validator("base_url")
    @classmethod
    def _https_origin(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError(
                "BASE_URL must be an https:// origin, e.g. https://loyalty.example.com"
            )
        return value.rstrip("/")

    @field_validator("instance_dir")
    @classmethod
    def _resolved(cls, value: Path) -> Path:
        return value.resolve()

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str, info: ValidationInfo) -> str:
        return database_url_from(value, info.data.get("instance_dir", Path("instance")))

    @field_validator("api_endpoint", "api_data_endpoint")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("shop_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"SHOP_TIMEZONE {value!r} is not a known time zone") from None
        return value

    @field_validator("shop_color")
    @classmethod
    def _hex_color(cls, value: str) -> str:
        if not HEX_COLOR.match(value):
            raise ValueError(f"SHOP_COLOR {value!r} must be a colour like #06C755 (#RRGGBB)")
        return value.upper()

    @field_validator("shop_logo")
    @classmethod
    def _logo_file(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(
                f"SHOP_LOGO {value!r} is not a file (a PNG or JPEG of the shop's logo)"
            )
        return value

    @model_validator(mode="after")
    def _sms_gateway(self) -> Self:
        if self.sms_provider == "http" and not self.sms_http_url:
            raise ValueError(
                "missing required setting SMS_HTTP_URL (needed when SMS_PROVIDER=http)"
            )
        return self


def database_url_from(raw: str | None, instance_dir: Path) -> str:
    """Normalise DATABASE_URL: default SQLite file; `postgres://` becomes psycopg 3."""
    if not raw:
        instance_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_dir / 'loyalty.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def environment() -> dict[str, str]:
    """The settings' variables that are set, by name: the environment's over `.env`'s (in the
    working directory); a blank value counts as unset."""
    names = {str(field.validation_alias) for field in Settings.model_fields.values()}
    found = {**DotEnvSettingsSource(Settings)(), **EnvSettingsSource(Settings)()}
    return {
        name: value
        for name, value in found.items()
        if name in names and isinstance(value, str) and value.strip()
    }


def load_settings(env: dict[str, str] | None = None, instance_dir: Path | None = None) -> Settings:
    """Settings from `env` (default: the environment, see `environment`)."""
    given = environment() if env is None else {k: v for k, v in env.items() if v.strip()}
    if instance_dir is not None:
        given["INSTANCE_DIR"] = str(instance_dir)
    try:
        return Settings.model_validate(given)
    except ValidationError as error:
        raise ConfigError(_one_line(error)) from None


def _one_line(error: ValidationError) -> str:
    """The first problem, in the words the README's configuration table uses."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    if first["type"] == "missing":
        return f"missing required setting {name} (see README: Configuration)"
    if first["type"] == "value_error":
        return str(first["ctx"]["error"])
    return WRONG.get(name, f"{name} is not valid: {first['msg']}")
