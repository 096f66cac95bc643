"""Text with emoji in it: Thai and Latin in Noto Sans Thai, emoji in Noto Emoji, side by side
on one baseline. A letter neither font has is left out, so no picture shows an empty box."""

from __future__ import annotations

import re
from functools import lru_cache

from PIL import ImageDraw, ImageFont

from handlers.views.fonts import emoji_font, font, has_glyphs
from handlers.views.thai_words import clusters

Ink = str | tuple[int, ...]


@lru_cache(maxsize=1024)
def runs(text: str) -> tuple[tuple[str, bool], ...]:
    """`text` as runs of (letters, is emoji); clusters no font has are dropped."""
    main, emoji = font(40), emoji_font(40)
    out: list[tuple[str, bool]] = []
    for cluster in clusters(text):
        if has_glyphs(main, cluster):
            kind = False
        elif has_glyphs(emoji, cluster):
            kind = True
        else:
            continue
        if out and out[-1][1] == kind:
            out[-1] = (out[-1][0] + cluster, kind)
        else:
            out.append((cluster, kind))
    return tuple(out)


def drawable(text: str) -> str:
    """`text` without the letters no font has (double spaces left behind made single)."""
    return re.sub(" {2,}", " ", "".join(part for part, _ in runs(text))).strip()


def _face(is_emoji: bool, size: int, weight: int) -> ImageFont.FreeTypeFont:
    return emoji_font(size, min(weight, 700)) if is_emoji else font(size, weight)


@lru_cache(maxsize=4096)
def text_length(text: str, size: int, weight: int = 400) -> float:
    """How wide `text` is drawn, in pixels (cached: a shop's names are measured again and
    again)."""
    return sum(_face(e, size, weight).getlength(part) for part, e in runs(text))


@lru_cache(maxsize=4096)
def text_width(text: str, size: int, weight: int = 400) -> int:
    """The ink's width (as `getbbox` gives it), emoji included."""
    parts = runs(text)
    if not parts:
        return 0
    if len(parts) == 1:
        left, _, right, _ = _face(parts[0][1], size, weight).getbbox(parts[0][0])
        return int(right - left)
    return round(text_length(text, size, weight))


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    *,
    size: int,
    weight: int = 400,
    fill: Ink,
    anchor: str = "la",
) -> None:
    """`draw.text` for text that may hold emoji; `anchor` as Pillow's, e.g. "mm", "ls"."""
    parts = runs(text)
    if not parts:
        return
    if len(parts) == 1 and not parts[0][1]:
        draw.text(xy, parts[0][0], font=font(size, weight), fill=fill, anchor=anchor)
        return
    horizontal, vertical = anchor[0], anchor[1]
    x, y = xy
    width = text_length(text, size, weight)
    x -= {"l": 0.0, "m": width / 2, "r": width}[horizontal]
    main = font(size, weight)
    sample = "".join(part for part, e in parts if not e) or "ก"
    baseline = (
        y + main.getbbox(sample, anchor="l" + vertical)[1] - main.getbbox(sample, anchor="ls")[1]
    )
    for part, is_emoji in parts:
        face = _face(is_emoji, size, weight)
        draw.text((x, baseline), part, font=face, fill=fill, anchor="ls")
        x += face.getlength(part)
