"""The owner's statistics as pictures: bars by month, and a cohort retention heat map.

A chart is drawn from a spec of plain data (title, labels, numbers, colour), kept in the
database when `stats` answers and drawn when LINE first fetches it. Thai is set in Noto
Sans Thai, laid out by raqm (`handlers.views.fonts`), emoji in Noto Emoji (`mixed_text`),
in the shop's colour (`handlers.views.colors`).
"""

from __future__ import annotations

import io
import math
from typing import Any

from PIL import Image, ImageDraw

from handlers.views.colors import INK, MUTED, RGB, WHITE, deepened, mix, rgb
from handlers.views.fonts import font
from handlers.views.mixed_text import draw_text, text_length
from handlers.views.text_fit import fit_line

WIDTH = 1200
MARGIN = 56
GRID: RGB = (226, 230, 235)
SOFT: RGB = (246, 247, 249)
ACCENT: RGB = (245, 158, 11)


def tones(shop_color: str) -> dict[str, RGB]:
    """A series' `tone` in the shop's colour: strong enough for white numbers on it."""
    strong = deepened(rgb(shop_color))
    return {"strong": strong, "light": mix(WHITE, strong, 0.3), "accent": ACCENT}


def nice_ceiling(value: float) -> tuple[float, float]:
    """A round top for the axis at or above `value`, and the step between grid lines."""
    if value <= 0:
        return 4.0, 1.0
    raw = value / 4
    power = 10 ** math.floor(math.log10(raw))
    steps = [m * power for m in (1, 2, 2.5, 5, 10) if (m * power) % 1 == 0]  # counts: whole
    step = next((s for s in steps if s >= raw), 1.0)
    return step * math.ceil(value / step), step


def _number(value: float) -> str:
    if value >= 100_000:
        return f"{value / 1000:,.0f}k"
    if value >= 10_000:
        return f"{value / 1000:,.1f}k"
    return f"{value:,.0f}"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _header(draw: ImageDraw.ImageDraw, spec: dict[str, Any]) -> None:
    room = WIDTH - 2 * MARGIN
    title, size = fit_line(spec["title"], 44, 32, room, weight=700)
    draw_text(draw, (MARGIN, 36), title, size=size, weight=700, fill=INK)
    subtitle, size = fit_line(spec.get("subtitle", ""), 26, 22, room, weight=400)
    draw_text(draw, (MARGIN, 100), subtitle, size=size, fill=MUTED)


def _legend(draw: ImageDraw.ImageDraw, series: list[dict[str, Any]], y: int) -> None:
    x = MARGIN
    for item in series:
        draw.rounded_rectangle((x, y - 12, x + 24, y + 12), 5, fill=item["rgb"])
        draw_text(draw, (x + 36, y), item["name"], size=26, weight=500, fill=INK, anchor="lm")
        x += 36 + int(text_length(item["name"], 26, 500)) + 48


def _axis(
    draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], top: float, step: float
) -> None:
    left, upper, right, lower = box
    lines = round(top / step)
    for i in range(lines + 1):
        y = lower - (lower - upper) * i / lines
        draw.line((left, y, right, y), fill=GRID, width=2)
        value = step * i
        shown = f"{value / 1000:g}k" if top >= 10_000 and value else f"{value:,.0f}"
        draw.text((left - 14, y), shown, font=font(22), fill=MUTED, anchor="rm")


def _x_labels(
    draw: ImageDraw.ImageDraw, labels: list[list[str]], left: int, slot: float, y: int
) -> None:
    for i, lines in enumerate(labels):
        centre = left + slot * (i + 0.5)
        for n, line in enumerate(lines):
            face = font(24, 500) if n == 0 else font(20)
            draw.text(
                (centre, y + 30 * n), line, font=face, fill=INK if n == 0 else MUTED, anchor="mt"
            )


def bar_chart(spec: dict[str, Any], shop_color: str = "#06C755") -> bytes:
    """Bars per label for each series: side by side, or (`overlay`) the second drawn inside
    the first, for a part of a whole (buyers among members), with both numbers shown."""
    height = 760
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    _header(draw, spec)
    palette = tones(shop_color)
    series = [{**item, "rgb": palette[item["tone"]]} for item in spec["series"]]
    _legend(draw, series, 172)
    box = (MARGIN + 78, 230, WIDTH - MARGIN, height - 100)
    top, step = nice_ceiling(max([max(s["values"], default=0) for s in series] + [1]))
    _axis(draw, box, top, step)
    left, upper, right, lower = box
    slot = (right - left) / max(1, len(spec["labels_lines"]))
    overlay = bool(spec.get("overlay"))
    for n, item in enumerate(series):
        width = slot * (0.74 - 0.26 * n if overlay else 0.72 / len(series))
        offset = 0.0 if overlay else slot * 0.72 / len(series) * (n - (len(series) - 1) / 2)
        for i, value in enumerate(item["values"]):
            centre = left + slot * (i + 0.5) + offset
            y = lower - (lower - upper) * value / top
            if value:
                draw.rounded_rectangle(
                    (centre - width / 2, y, centre + width / 2, lower), 6, fill=item["rgb"]
                )
            if overlay and n == 0:
                draw.text(
                    (centre, y - 8), _number(value), font=font(20, 600), fill=INK, anchor="mb"
                )
    if overlay:
        _inner_values(draw, series, left, slot, lower, upper, top)
    _x_labels(draw, spec["labels_lines"], left, slot, lower + 12)
    return _png(image)


def _inner_values(
    draw: ImageDraw.ImageDraw,
    series: list[dict[str, Any]],
    left: int,
    slot: float,
    lower: int,
    upper: int,
    top: float,
) -> None:
    """The inner bar's numbers: above it, in its colour, where the outer bar leaves room;
    else inside its top, in white."""
    outer, inner = series
    for i, (whole, part) in enumerate(zip(outer["values"], inner["values"], strict=True)):
        centre = left + slot * (i + 0.5)
        y_whole = lower - (lower - upper) * whole / top
        y_part = lower - (lower - upper) * part / top
        room = y_part - y_whole >= 30
        draw.text(
            (centre, y_part - 4 if room else y_part + 6),
            _number(part),
            font=font(20, 700),
            fill=inner["rgb"] if room else WHITE,
            anchor="mb" if room else "mt",
        )


def heat_map(spec: dict[str, Any], shop_color: str = "#06C755") -> bytes:
    """Rows of cohorts, columns of months after the first purchase, cells shaded by share."""
    rows, columns = spec["rows"], spec["columns"]
    label_width, cell_h = 250, 50
    cell_w = (WIDTH - 2 * MARGIN - label_width) / max(1, len(columns))
    top = 220
    height = top + cell_h * max(1, len(rows)) + 90
    image = Image.new("RGB", (WIDTH, height), WHITE)
    draw = ImageDraw.Draw(image)
    _header(draw, spec)
    left = MARGIN + label_width
    draw.text((left, 160), spec["columns_caption"], font=font(22), fill=MUTED, anchor="lm")
    for j, name in enumerate(columns):
        draw.text(
            (left + cell_w * (j + 0.5), top - 14), name, font=font(22, 600), fill=INK, anchor="mb"
        )
    color = tones(shop_color)["strong"]
    for i, row in enumerate(rows):
        y = top + cell_h * i
        label, size = fit_line(row["label"], 24, 20, label_width - 70, weight=600)
        at = (MARGIN, y + cell_h / 2)
        draw_text(draw, at, label, size=size, weight=600, fill=INK, anchor="lm")
        draw.text((left - 16, y + cell_h / 2), row["size"], font=font(20), fill=MUTED, anchor="rm")
        for j, share in enumerate(row["shares"]):
            _cell(draw, (left + cell_w * j, y, cell_w, cell_h), share, color)
    footer, size = fit_line(spec.get("footer", ""), 22, 18, WIDTH - 2 * MARGIN, weight=400)
    draw_text(draw, (MARGIN, height - 50), footer, size=size, fill=MUTED, anchor="lm")
    return _png(image)


def _cell(
    draw: ImageDraw.ImageDraw,
    box: tuple[float, float, float, float],
    share: float | None,
    color: RGB,
) -> None:
    x, y, w, h = box
    if share is None:
        draw.rectangle((x + 2, y + 2, x + w - 2, y + h - 2), fill=SOFT)
        return
    fill = mix(WHITE, color, 0.08 + 0.92 * share)
    draw.rectangle((x + 2, y + 2, x + w - 2, y + h - 2), fill=fill)
    ink = WHITE if share > 0.6 else INK
    draw.text((x + w / 2, y + h / 2), f"{share:.0%}", font=font(20, 600), fill=ink, anchor="mm")


def draw_chart(spec: dict[str, Any], shop_color: str) -> bytes:
    """The picture for a stored chart spec, in the shop's colour."""
    if spec.get("kind") == "cohorts":
        return heat_map(spec, shop_color)
    return bar_chart(spec, shop_color)
