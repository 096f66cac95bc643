"""The one typeface every picture uses: Noto Sans Thai from `fontpkg-noto-sans-thai`."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import fontpkg_noto_sans_thai
from PIL import ImageFont, features

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
    """Noto Sans Thai at `size` px and `weight` (100-900), laid out by raqm.

    Cached per thread: a FreeType face must not be shared between threads.
    """
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
