"""The shop's look on its menus: name, colour (and shades that stay readable), logo, font."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

import fontpkg_noto_sans_thai
from PIL import ImageFont, features

from bot.config import Settings

log = logging.getLogger(__name__)

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
INK: RGB = (28, 33, 40)
MUTED: RGB = (96, 104, 116)
NEUTRAL: RGB = (238, 240, 243)

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


def rgb(hex_color: str) -> RGB:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def luminance(color: RGB) -> float:
    """WCAG relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def mix(a: RGB, b: RGB, share_of_b: float) -> RGB:
    return tuple(round(x + (y - x) * share_of_b) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def deepened(color: RGB, under: RGB = WHITE, ratio: float = 4.5) -> RGB:
    """`color` darkened just enough for `under`-coloured text on it to reach `ratio`."""
    share = 0.0
    shade = color
    while contrast(shade, under) < ratio and share < 1:
        share += 0.02
        shade = mix(color, (0, 0, 0), share)
    return shade


@dataclass(frozen=True)
class Look:
    """What a menu picture needs to know about the shop."""

    shop_name: str
    color: RGB = (6, 199, 85)
    logo: Path | None = None

    @classmethod
    def of(cls, settings: Settings) -> Look:
        logo = Path(settings.shop_logo) if settings.shop_logo else None
        return cls(shop_name=settings.shop_name, color=rgb(settings.shop_color), logo=logo)

    @property
    def light(self) -> bool:
        """A pale brand colour (yellow, cream) carries dark text; others carry white."""
        return luminance(self.color) > 0.5

    @property
    def strong(self) -> RGB:
        """The shop colour for bands and discs, deepened if needed so its text reads well."""
        return self.color if self.light else deepened(self.color)

    @property
    def on_strong(self) -> RGB:
        """Text and icon colour on `strong`."""
        return INK if self.light else WHITE

    @property
    def on_wash(self) -> RGB:
        """The shop colour as text on the pale background (dark for pale brands)."""
        return INK if self.light else self.strong

    @property
    def wash(self) -> RGB:
        """A pale tint of the shop colour behind the buttons (neutral for near-white brands)."""
        return NEUTRAL if luminance(self.color) > 0.8 else mix(self.color, WHITE, 0.9)

    @property
    def edge(self) -> RGB:
        """The thin outline of a button."""
        return mix(self.wash, INK, 0.1)
