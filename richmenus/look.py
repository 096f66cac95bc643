"""The shop's look on its menus: name, colour (shades from `bot.colors`), logo, font."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import fontpkg_noto_sans_thai
from PIL import ImageFont, features

from bot.colors import INK, LINE_GREEN, MUTED, RGB, WHITE, Palette, contrast, mix, rgb
from bot.config import Settings

__all__ = ["INK", "MUTED", "RGB", "WHITE", "Look", "contrast", "font", "mix", "rgb"]

log = logging.getLogger(__name__)

if features.check("raqm"):
    LAYOUT = ImageFont.Layout.RAQM
else:  # pragma: no cover - Pillow's wheels include raqm
    LAYOUT = ImageFont.Layout.BASIC
    log.warning("Pillow has no raqm: Thai tone marks will not be placed correctly")

_fonts = threading.local()


def font_path() -> Path:
    """Noto Sans Thai (variable weight), shipped by `fontpkg-noto-sans-thai`."""
    found = sorted((fontpkg_noto_sans_thai.ROOT / "files").glob("NotoSansThai*.ttf"))
    if not found:
        raise RuntimeError("Noto Sans Thai not found: install fontpkg-noto-sans-thai")
    return found[0]


def font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """Noto Sans Thai at `size` px and `weight` (100-900), laid out by raqm; cached per thread."""
    cache: dict[tuple[int, int], ImageFont.FreeTypeFont] = _fonts.__dict__.setdefault("cache", {})
    if (size, weight) not in cache:
        face = ImageFont.truetype(str(font_path()), size, layout_engine=LAYOUT)
        axes: list[float] = [
            weight if axis["name"] == b"Weight" else float(axis["default"] or 0)
            for axis in face.get_variation_axes()
        ]
        face.set_variation_by_axes(axes)
        cache[(size, weight)] = face
    return cache[(size, weight)]


@dataclass(frozen=True)
class Look:
    """What a menu picture needs to know about the shop."""

    shop_name: str
    color: RGB = LINE_GREEN
    logo: Path | None = None

    @classmethod
    def of(cls, settings: Settings) -> Look:
        logo = Path(settings.shop_logo) if settings.shop_logo else None
        return cls(shop_name=settings.shop_name, color=rgb(settings.shop_color), logo=logo)

    @property
    def palette(self) -> Palette:
        return Palette(self.color)

    @property
    def light(self) -> bool:
        return self.palette.light

    @property
    def strong(self) -> RGB:
        return self.palette.strong

    @property
    def on_strong(self) -> RGB:
        return self.palette.on_strong

    @property
    def on_wash(self) -> RGB:
        return self.palette.on_wash

    @property
    def wash(self) -> RGB:
        return self.palette.wash

    @property
    def edge(self) -> RGB:
        return self.palette.edge
