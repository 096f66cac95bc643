"""The shop's look on its menus: name, colour (shades from `handlers.views.colors`), logo, font."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from handlers.views.colors import INK, LINE_GREEN, MUTED, RGB, WHITE, Palette, contrast, mix, rgb
from handlers.views.fonts import font

__all__ = ["INK", "MUTED", "RGB", "WHITE", "Look", "contrast", "font", "mix", "rgb"]

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class Look:
    """What a menu picture needs to know about the shop."""

    shop_name: str
    color: RGB = LINE_GREEN
    logo: Path | None = None

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
