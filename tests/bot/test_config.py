"""Settings: one clear line for what is missing; URLs normalised; read in one place only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from bot.cli.main import cli
from bot.settings import REQUIRED, ConfigError, Settings, load_settings
from storage import migrations

ROOT = Path(__file__).resolve().parents[2]
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
    assert str(error.value) == f"missing required setting {name} (see README: Configuration)"


def test_a_blank_required_setting_is_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing required setting LINE_BASIC_ID"):
        load_settings({**GOOD, "LINE_BASIC_ID": "  "}, instance_dir=tmp_path)


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(GOOD, instance_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'loyalty.db'}"
    assert settings.base_url == "https://loyalty.example.com"
    assert settings.api_endpoint == "https://api.line.me"
    assert settings.api_data_endpoint == "https://api-data.line.me"
    assert (settings.shop_timezone, settings.baht_per_point) == ("Asia/Bangkok", 25)
    assert (settings.shop_name, settings.shop_color, settings.shop_logo) == (
        "My Shop",
        "#06C755",
        None,
    )
    assert (settings.sms_provider, settings.commands_per_minute) == ("log", 20)
    assert (settings.redis_url, settings.huey_sqlite) == (None, None)
    assert (settings.instance_dir, settings.broadcast_lease_seconds) == (tmp_path, 60.0)


def test_each_setting_is_read_from_its_variable(tmp_path: Path) -> None:
    env = {
        **GOOD,
        "LINE_API_ENDPOINT": "http://127.0.0.1:9/",
        "LINE_API_DATA_ENDPOINT": "http://127.0.0.1:8/",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "HUEY_SQLITE": str(tmp_path / "queue.db"),
        "SHOP_NAME": "Kafe Dee",
        "SHOP_TIMEZONE": "Asia/Tokyo",
        "BAHT_PER_POINT": "10",
        "SMS_PROVIDER": "http",
        "SMS_HTTP_URL": "https://sms.example.com/send",
        "SHOP_COLOR": "#8b4513",
        "RATE_LIMIT_PER_MINUTE": "0",
        "BROADCAST_LEASE_SECONDS": "2.5",
        "INSTANCE_DIR": str(tmp_path / "elsewhere"),
    }
    settings = load_settings(env)
    assert (settings.api_endpoint, settings.api_data_endpoint) == (
        "http://127.0.0.1:9",
        "http://127.0.0.1:8",
    )
    assert (settings.redis_url, settings.huey_sqlite) == (env["REDIS_URL"], env["HUEY_SQLITE"])
    assert (settings.shop_name, settings.tz.key, settings.baht_per_point) == (
        "Kafe Dee",
        "Asia/Tokyo",
        10,
    )
    assert (settings.sms_provider, settings.sms_http_url) == ("http", env["SMS_HTTP_URL"])
    assert (settings.shop_color, settings.commands_per_minute) == ("#8B4513", 0)
    assert settings.broadcast_lease_seconds == 2.5
    assert settings.instance_dir == tmp_path / "elsewhere"
    assert settings.database_url == f"sqlite:///{tmp_path / 'elsewhere' / 'loyalty.db'}"


def test_the_instance_dir_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({**GOOD, "INSTANCE_DIR": "data"}).instance_dir == tmp_path / "data"


@pytest.mark.parametrize("raw", ["postgres://u@h/db", "postgresql://u@h/db"])
def test_postgres_urls_use_psycopg3(raw: str, tmp_path: Path) -> None:
    settings = load_settings({**GOOD, "DATABASE_URL": raw}, instance_dir=tmp_path)
    assert settings.database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("BAHT_PER_POINT", "0", "BAHT_PER_POINT"),
        ("BAHT_PER_POINT", "ten", "BAHT_PER_POINT"),
        ("SHOP_TIMEZONE", "Mars/Base", "SHOP_TIMEZONE"),
        ("BASE_URL", "loyalty.example.com", "BASE_URL"),
        ("SMS_PROVIDER", "pigeon", "SMS_PROVIDER"),
        ("SMS_PROVIDER", "http", "SMS_HTTP_URL"),
        ("SHOP_COLOR", "brown", "SHOP_COLOR"),
        ("SHOP_LOGO", "/no/such/logo.png", "SHOP_LOGO"),
        ("RATE_LIMIT_PER_MINUTE", "-1", "RATE_LIMIT_PER_MINUTE"),
        ("BROADCAST_LEASE_SECONDS", "0", "BROADCAST_LEASE_SECONDS"),
        ("BROADCAST_LEASE_SECONDS", "soon", "BROADCAST_LEASE_SECONDS"),
    ],
)
def test_wrong_values_are_named_in_one_line(
    name: str, value: str, named: str, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**GOOD, name: value}, instance_dir=tmp_path)
    message = str(error.value)
    assert message.startswith(named) or f"setting {named} " in message
    assert "\n" not in message and "validation error" not in message


def test_the_environment_wins_over_dot_env_and_blank_is_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "LINE_CHANNEL_SECRET=from-file\nLINE_BASIC_ID=@file\nSHOP_NAME='Kafe Dee'\n"
        "BASE_URL=https://file.example.com\nBAHT_PER_POINT=\n"
    )
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "from-env")
    monkeypatch.setenv("LINE_BASIC_ID", "@env")
    monkeypatch.setenv("SHOP_COLOR", " ")
    settings = load_settings()
    assert (settings.channel_secret, settings.channel_access_token) == ("from-file", "from-env")
    assert (settings.basic_id, settings.shop_name) == ("@env", "Kafe Dee")
    assert (settings.baht_per_point, settings.shop_color) == (25, "#06C755")


def test_settings_built_in_code_are_only_what_they_are_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SHOP_NAME", "From the environment")
    settings = Settings(channel_secret="s", channel_access_token="t", basic_id="@b",
                        base_url="https://b.example.com", database_url="sqlite://")  # fmt: skip
    assert settings.shop_name == "My Shop"
    with pytest.raises(ValidationError):
        settings.shop_name = "changed"  # type: ignore[misc]
    assert settings.model_copy(update={"shop_name": "Kafe"}).shop_name == "Kafe"


def test_the_readme_lists_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.MULTILINE)
    variables = [str(field.validation_alias) for field in Settings.model_fields.values()]
    assert sorted(listed) == sorted(variables)


READS_ENVIRONMENT = re.compile(r"\b(environ|getenv|putenv|load_dotenv|dotenv_values)\b")


def test_only_the_settings_module_reads_the_environment() -> None:
    allowed = {ROOT / "bot" / "settings.py"}
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("bot", "handlers", "richmenus", "storage")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path not in allowed
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_ENVIRONMENT.search(line)
    ]
    assert found == []


def test_db_upgrade_hands_the_shop_time_zone_to_the_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handed: list[str] = []
    monkeypatch.setattr(
        migrations,
        "upgrade",
        lambda _engine, _revision, *, shop_timezone: handed.append(shop_timezone),
    )
    env = {
        **GOOD,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.db'}",
        "SHOP_TIMEZONE": "Asia/Tokyo",
    }
    result = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    assert handed == ["Asia/Tokyo"]
