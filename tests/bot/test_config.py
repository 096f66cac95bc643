"""Settings: one clear line for what is missing; URLs normalised."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REQUIRED, ConfigError, load_settings

GOOD = {
    "LINE_CHANNEL_SECRET": "s",
    "LINE_CHANNEL_ACCESS_TOKEN": "t",
    "LINE_BASIC_ID": "@shop",
    "BASE_URL": "https://loyalty.example.com/",
}


@pytest.mark.parametrize("name", REQUIRED)
def test_a_missing_required_setting_is_named_in_one_line(name: str, tmp_path: Path) -> None:
    env = {k: v for k, v in GOOD.items() if k != name}
    with pytest.raises(ConfigError) as error:
        load_settings(env, instance_dir=tmp_path)
    assert name in str(error.value) and "\n" not in str(error.value)


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(GOOD, instance_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'loyalty.db'}"
    assert settings.base_url == "https://loyalty.example.com"
    assert settings.api_endpoint == "https://api.line.me"
    assert settings.api_data_endpoint == "https://api-data.line.me"
    assert (settings.shop_timezone, settings.baht_per_point) == ("Asia/Bangkok", 25)


@pytest.mark.parametrize("raw", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_use_psycopg3(raw: str, tmp_path: Path) -> None:
    settings = load_settings({**GOOD, "DATABASE_URL": raw}, instance_dir=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("BAHT_PER_POINT", "0"),
        ("BAHT_PER_POINT", "ten"),
        ("SHOP_TIMEZONE", "Mars/Base"),
        ("BASE_URL", "loyalty.example.com"),
        ("SMS_PROVIDER", "pigeon"),
    ],
)
def test_wrong_values_are_named(name: str, value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**GOOD, name: value}, instance_dir=tmp_path)
    assert name in str(error.value)
