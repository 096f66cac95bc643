"""The typefaces every picture uses: Noto Sans Thai from `fontpkg-noto-sans-thai`, and Noto
Emoji from `manimgx-fonts` for the emoji in a name."""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import fontpkg_noto_sans_thai
import manimgx_fonts
from PIL import Image, ImageDraw, ImageFont, features

log = logging.getLogger(__name__)

if features.check("raqm"):
    LAYOUT = ImageFont.Layout.RAQM
else:  # pragma: no cover - Pillow's wheels include raqm
    LAYOUT = ImageFont.Layout.BASIC
    log.warning("Pillow has no raqm: Thai tone marks will not be placed correctly")

_fonts = threading.local()


@lru_cache(maxsize=1)
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
    return _face(font_path(), size, weight)


def _face(path: Path, size: int, weight: int) -> ImageFont.FreeTypeFont:
    cache: dict[tuple[Path, int, int], ImageFont.FreeTypeFont] = _fonts.__dict__.setdefault(
        "cache", {}
    )
    if (path, size, weight) not in cache:
        face = ImageFont.truetype(str(path), size, layout_engine=LAYOUT)
        axes: list[float] = [
            weight if axis["name"] == b"Weight" else float(axis["default"] or 0)
            for axis in face.get_variation_axes()
        ]
        face.set_variation_by_axes(axes)
        cache[(path, size, weight)] = face
    return cache[(path, size, weight)]


@lru_cache(maxsize=1)
def emoji_font_path() -> Path:
    """Noto Emoji (variable weight, one colour: drawn in the ink of the text around it),
    shipped by `manimgx-fonts`."""
    found = sorted(Path(manimgx_fonts.__file__).parent.glob("NotoEmoji*.ttf"))
    if not found:
        raise RuntimeError("Noto Emoji not found: install manimgx-fonts")
    return found[0]


def emoji_font(size: int, weight: int = 400) -> ImageFont.FreeTypeFont:
    """Noto Emoji at `size` px, for the emoji in a name (cached per thread like `font`)."""
    return _face(emoji_font_path(), size, weight)


def has_glyphs(face: ImageFont.FreeTypeFont, text: str) -> bool:
    """Whether `face` draws every letter of `text` (none falls back to the empty box)."""
    return all(_has_glyph(str(face.path), ord(char)) for char in text if not _invisible(char))


def _invisible(char: str) -> bool:
    return char in "\u200d\u200c \ufe0f\ufe0e" or 0xE0020 <= ord(char) <= 0xE007F


@lru_cache(maxsize=4096)
def _has_glyph(path: str, code: int) -> bool:
    return _drawn(path, chr(code)) != _missing(path)


@lru_cache(maxsize=8)
def _missing(path: str) -> bytes:
    return _drawn(path, "\U0010fffd")


def _drawn(path: str, char: str) -> bytes:
    """The pixels of one letter; a letter the font lacks looks like a private-use one."""
    face = ImageFont.truetype(path, 40, layout_engine=ImageFont.Layout.BASIC)
    image = Image.new("L", (100, 100))
    ImageDraw.Draw(image).text((30, 30), char, font=face, fill=255)
    return image.tobytes()
