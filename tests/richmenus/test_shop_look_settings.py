"""SHOP_COLOR and SHOP_LOGO: the shop's look on its rich menus, checked when settings load."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_settings

GOOD = {
    "LINE_CHANNEL_SECRET": "s",
    "LINE_CHANNEL_ACCESS_TOKEN": "t",
    "LINE_BASIC_ID": "@shop",
    "BASE_URL": "https://loyalty.example.com",
}


def test_the_colour_defaults_to_line_green_and_there_is_no_logo(tmp_path: Path) -> None:
    settings = load_settings(GOOD, instance_dir=tmp_path)
    assert (settings.shop_color, settings.shop_logo) == ("#06C755", None)


def test_a_colour_is_kept_in_upper_case(tmp_path: Path) -> None:
    settings = load_settings({**GOOD, "SHOP_COLOR": " #8b4513 "}, instance_dir=tmp_path)
    assert settings.shop_color == "#8B4513"


@pytest.mark.parametrize("bad", ["green", "#06C75", "06C755", "#06C7555", "#GGGGGG", "#fff"])
def test_a_colour_that_is_not_rrggbb_is_refused_in_one_line(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({**GOOD, "SHOP_COLOR": bad}, instance_dir=tmp_path)
    assert "SHOP_COLOR" in str(error.value) and "\n" not in str(error.value)


def test_a_logo_must_be_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SHOP_LOGO"):
        load_settings({**GOOD, "SHOP_LOGO": str(tmp_path / "missing.png")}, instance_dir=tmp_path)
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"png")
    assert load_settings({**GOOD, "SHOP_LOGO": str(logo)}, instance_dir=tmp_path).shop_logo == str(
        logo
    )
