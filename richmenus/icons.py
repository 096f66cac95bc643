"""Simple line-art icons drawn with Pillow primitives (no icon font to download).

Each icon is drawn four times larger than needed and scaled down, which smooths its edges.
Coordinates are fractions of the icon's box, so every icon scales to any size.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PIL import Image, ImageDraw

from richmenus.look import RGB, font

SUPERSAMPLE = 4
Pen = Callable[[ImageDraw.ImageDraw, int, RGB], None]


def _box(s: int, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    return (round(x0 * s), round(y0 * s), round(x1 * s), round(y1 * s))


def _pts(s: int, points: list[tuple[float, float]]) -> list[tuple[int, int]]:
    return [(round(x * s), round(y * s)) for x, y in points]


def _line(s: int) -> int:
    return max(2, round(s * 0.07))


def card(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    w = _line(s)
    d.rounded_rectangle(_box(s, 0.08, 0.2, 0.92, 0.8), radius=round(s * 0.09), outline=c, width=w)
    d.rectangle(_box(s, 0.08, 0.33, 0.92, 0.44), fill=c)
    d.rounded_rectangle(_box(s, 0.18, 0.56, 0.46, 0.68), radius=round(s * 0.03), fill=c)
    d.rectangle(_box(s, 0.6, 0.6, 0.8, 0.65), fill=c)


def _star(s: int, cx: float, cy: float, outer: float, inner: float) -> list[tuple[int, int]]:
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return _pts(s, points)


def points(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.ellipse(_box(s, 0.08, 0.08, 0.92, 0.92), outline=c, width=_line(s))
    d.polygon(_star(s, 0.5, 0.53, 0.3, 0.13), fill=c)


def gift(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    w = _line(s)
    d.rectangle(_box(s, 0.1, 0.36, 0.9, 0.52), fill=c)
    d.rectangle(_box(s, 0.17, 0.52, 0.83, 0.9), outline=c, width=w)
    d.rectangle(_box(s, 0.45, 0.36, 0.55, 0.9), fill=c)
    d.ellipse(_box(s, 0.2, 0.1, 0.5, 0.38), outline=c, width=w)
    d.ellipse(_box(s, 0.5, 0.1, 0.8, 0.38), outline=c, width=w)


def ticket(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.rounded_rectangle(_box(s, 0.06, 0.22, 0.94, 0.78), radius=round(s * 0.06), fill=c)
    hole = (0, 0, 0, 0)
    d.ellipse(_box(s, -0.04, 0.4, 0.16, 0.6), fill=hole)
    d.ellipse(_box(s, 0.84, 0.4, 1.04, 0.6), fill=hole)
    for i in range(5):
        y = 0.27 + i * 0.1
        d.rectangle(_box(s, 0.62, y, 0.66, y + 0.06), fill=hole)
    d.text(
        (round(s * 0.34), round(s * 0.5)),
        "%",
        font=font(round(s * 0.34), 800),
        fill=hole,
        anchor="mm",
    )


def _person(d: ImageDraw.ImageDraw, s: int, c: RGB, cx: float, scale: float) -> None:
    head = 0.15 * scale
    d.ellipse(_box(s, cx - head, 0.3 - head, cx + head, 0.3 + head), fill=c)
    body = 0.3 * scale
    d.pieslice(_box(s, cx - body, 0.52, cx + body, 0.52 + 2 * body), 180, 360, fill=c)


def invite(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    _person(d, s, c, 0.4, 1.0)
    d.rectangle(_box(s, 0.72, 0.34, 0.78, 0.64), fill=c)
    d.rectangle(_box(s, 0.6, 0.46, 0.9, 0.52), fill=c)


def help(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.ellipse(_box(s, 0.08, 0.08, 0.92, 0.92), outline=c, width=_line(s))
    d.text((s // 2, round(s * 0.53)), "?", font=font(round(s * 0.56), 800), fill=c, anchor="mm")


def award(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.ellipse(_box(s, 0.06, 0.14, 0.78, 0.86), outline=c, width=_line(s))
    d.polygon(_star(s, 0.42, 0.52, 0.22, 0.095), fill=c)
    d.ellipse(_box(s, 0.6, 0.04, 0.96, 0.4), fill=c)
    hole = (0, 0, 0, 0)
    d.rectangle(_box(s, 0.755, 0.1, 0.805, 0.34), fill=hole)
    d.rectangle(_box(s, 0.66, 0.195, 0.9, 0.245), fill=hole)


def redeem(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.rounded_rectangle(_box(s, 0.06, 0.22, 0.94, 0.78), radius=round(s * 0.06), fill=c)
    hole = (0, 0, 0, 0)
    d.ellipse(_box(s, -0.04, 0.4, 0.16, 0.6), fill=hole)
    d.ellipse(_box(s, 0.84, 0.4, 1.04, 0.6), fill=hole)
    d.line(
        _pts(s, [(0.3, 0.5), (0.44, 0.63), (0.7, 0.36)]), fill=hole, width=_line(s), joint="curve"
    )


def search(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    w = round(_line(s) * 1.2)
    d.ellipse(_box(s, 0.1, 0.1, 0.64, 0.64), outline=c, width=w)
    d.line(_pts(s, [(0.57, 0.57), (0.88, 0.88)]), fill=c, width=round(w * 1.4))
    d.ellipse(_box(s, 0.82, 0.82, 0.94, 0.94), fill=c)


def segments(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.pieslice(_box(s, 0.06, 0.16, 0.82, 0.92), 0, 270, fill=c)
    d.pieslice(_box(s, 0.14, 0.08, 0.9, 0.84), 270, 360, fill=c)


def broadcast(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.polygon(
        _pts(
            s, [(0.14, 0.38), (0.36, 0.38), (0.66, 0.18), (0.66, 0.82), (0.36, 0.62), (0.14, 0.62)]
        ),
        fill=c,
    )
    d.polygon(_pts(s, [(0.24, 0.62), (0.36, 0.62), (0.42, 0.86), (0.3, 0.86)]), fill=c)
    w = _line(s)
    d.arc(_box(s, 0.58, 0.3, 0.84, 0.7), -50, 50, fill=c, width=w)
    d.arc(_box(s, 0.6, 0.18, 0.98, 0.82), -50, 50, fill=c, width=w)


def stats(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    for x, top in ((0.16, 0.5), (0.4, 0.28), (0.64, 0.12)):
        d.rounded_rectangle(_box(s, x, top, x + 0.18, 0.84), radius=round(s * 0.03), fill=c)
    d.rectangle(_box(s, 0.08, 0.86, 0.92, 0.92), fill=c)


def staff(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    _person(d, s, c, 0.66, 0.8)
    hole = (0, 0, 0, 0)
    d.ellipse(_box(s, 0.16, 0.04, 0.6, 0.48), fill=hole)
    d.pieslice(_box(s, 0.0, 0.44, 0.76, 1.2), 180, 360, fill=hole)
    _person(d, s, c, 0.38, 1.0)


def _rotated(cx: float, cy: float, angle: float, corners: list[tuple[float, float]]) -> list:
    cos, sin = math.cos(angle), math.sin(angle)
    return [(cx + x * cos - y * sin, cy + x * sin + y * cos) for x, y in corners]


def automations(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    tooth = [(0.2, -0.08), (0.45, -0.065), (0.45, 0.065), (0.2, 0.08)]
    for i in range(8):
        d.polygon(_pts(s, _rotated(0.5, 0.5, i * math.pi / 4, tooth)), fill=c)
    d.ellipse(_box(s, 0.17, 0.17, 0.83, 0.83), fill=c)
    d.ellipse(_box(s, 0.37, 0.37, 0.63, 0.63), fill=(0, 0, 0, 0))


def store(d: ImageDraw.ImageDraw, s: int, c: RGB) -> None:
    d.rectangle(_box(s, 0.16, 0.42, 0.84, 0.88), fill=c)
    d.polygon(_pts(s, [(0.1, 0.38), (0.2, 0.12), (0.8, 0.12), (0.9, 0.38)]), fill=c)
    hole = (0, 0, 0, 0)
    for x in (0.1, 0.3, 0.5, 0.7):
        d.pieslice(_box(s, x, 0.3, x + 0.2, 0.5), 0, 180, fill=c)
    d.rectangle(_box(s, 0.1, 0.37, 0.9, 0.4), fill=hole)
    d.rectangle(_box(s, 0.42, 0.6, 0.58, 0.88), fill=hole)


PENS: dict[str, Pen] = {
    "card": card,
    "points": points,
    "gift": gift,
    "ticket": ticket,
    "invite": invite,
    "help": help,
    "award": award,
    "redeem": redeem,
    "search": search,
    "segments": segments,
    "broadcast": broadcast,
    "stats": stats,
    "staff": staff,
    "automations": automations,
    "store": store,
}


def icon(name: str, size: int, color: RGB) -> Image.Image:
    """The icon `name` as a transparent RGBA picture `size` pixels square."""
    big = size * SUPERSAMPLE
    canvas = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    PENS[name](ImageDraw.Draw(canvas), big, color)
    return canvas.resize((size, size), Image.Resampling.LANCZOS)
