"""The shop's colour (`SHOP_COLOR`) and the shades of it that stay readable.

Rich menu pictures and Flex messages use the same palette, so the menu and the cards a
customer sees look like one shop. A dark brand colour carries white text (deepened until
the contrast reaches WCAG's 4.5:1); a pale one (yellow, cream) carries dark text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
INK: RGB = (28, 33, 40)
MUTED: RGB = (96, 104, 116)
NEUTRAL: RGB = (238, 240, 243)
LINE_GREEN: RGB = (6, 199, 85)


def rgb(hex_color: str) -> RGB:
    value = hex_color.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def hex_of(color: RGB) -> str:
    """`#RRGGBB`, as Flex messages want colours."""
    return "#{:02X}{:02X}{:02X}".format(*color)


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


@lru_cache(maxsize=64)
def deepened(color: RGB, under: RGB = WHITE, ratio: float = 4.5) -> RGB:
    """`color` darkened just enough for `under`-coloured text on it to reach `ratio` (kept:
    every reply with the shop's colour asks again)."""
    share = 0.0
    shade = color
    while contrast(shade, under) < ratio and share < 1:
        share += 0.02
        shade = mix(color, (0, 0, 0), share)
    return shade


@dataclass(frozen=True)
class Palette:
    """The shop colour and the shades drawn from it."""

    color: RGB = LINE_GREEN

    @classmethod
    def of(cls, hex_color: str) -> Palette:
        return cls(rgb(hex_color))

    @property
    def light(self) -> bool:
        """A pale brand colour (yellow, cream) carries dark text; others carry white."""
        return luminance(self.color) > 0.5

    @property
    def strong(self) -> RGB:
        """The shop colour for bands, buttons and discs, deepened if its text would not read."""
        return self.color if self.light else deepened(self.color)

    @property
    def on_strong(self) -> RGB:
        """Text and icon colour on `strong`."""
        return INK if self.light else WHITE

    @property
    def on_wash(self) -> RGB:
        """The shop colour as text on white or the pale background (dark for pale brands)."""
        return INK if self.light else self.strong

    @property
    def wash(self) -> RGB:
        """A pale tint of the shop colour behind buttons (neutral for near-white brands)."""
        return NEUTRAL if luminance(self.color) > 0.8 else mix(self.color, WHITE, 0.9)

    @property
    def edge(self) -> RGB:
        """The thin outline of a button."""
        return mix(self.wash, INK, 0.1)
