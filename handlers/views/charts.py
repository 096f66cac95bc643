"""Charts as PNG pictures (Pillow, Thai shaped by raqm with Noto Sans Thai).

`bar_chart(spec)` draws horizontal bars with a label, a count and a share for each row;
`spec` is plain data (title, subtitle, rows of key/label/value), so a chart can be stored
as numbers and drawn when LINE first fetches it.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw

from handlers.views.fonts import font
from handlers.views.mixed_text import draw_text
from handlers.views.text_fit import fit_line

WIDTH = 1200
MARGIN = 48
ROW = 76
LABEL_WIDTH = 380
BAR_HEIGHT = 40
BACKGROUND = "#FFFFFF"
INK = "#1F2937"
MUTED = "#6B7280"
TRACK = "#F1F5F9"
COLORS = {
    "champions": "#047857",
    "loyal": "#059669",
    "potential_loyalist": "#10B981",
    "new": "#0EA5E9",
    "promising": "#38BDF8",
    "need_attention": "#F59E0B",
    "about_to_sleep": "#FBBF24",
    "at_risk": "#F97316",
    "cant_lose": "#DC2626",
    "hibernating": "#94A3B8",
    "no_purchase": "#CBD5E1",
}


def _row(draw: ImageDraw.ImageDraw, y: int, row: dict[str, Any], total: int, biggest: int) -> None:
    value_font = font(28, 600)
    middle = y + ROW // 2
    label, size = fit_line(str(row["label"]), 30, 30, LABEL_WIDTH - 16, weight=500)
    draw_text(draw, (MARGIN, middle), label, size=size, weight=500, fill=INK, anchor="lm")
    left = MARGIN + LABEL_WIDTH
    track = WIDTH - MARGIN - left - 250
    top = middle - BAR_HEIGHT // 2
    draw.rounded_rectangle((left, top, left + track, top + BAR_HEIGHT), 8, fill=TRACK)
    value = int(row["value"])
    if value:
        length = max(12, round(track * value / biggest))
        color = COLORS.get(str(row.get("key")), "#06C755")
        draw.rounded_rectangle((left, top, left + length, top + BAR_HEIGHT), 8, fill=color)
    share = f"{100 * value / total:.1f}%" if total else "0%"
    draw.text((left + track + 20, middle), f"{value:,}", font=value_font, fill=INK, anchor="lm")
    draw.text((WIDTH - MARGIN, middle), share, font=font(26), fill=MUTED, anchor="rm")


def bar_chart(spec: dict[str, Any]) -> bytes:
    """A PNG of the rows in `spec` as horizontal bars, with counts and shares of the total."""
    rows = spec["rows"]
    height = 150 + ROW * len(rows) + 90
    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    room = WIDTH - 2 * MARGIN
    title, size = fit_line(spec["title"], 44, 32, room, weight=700)
    draw_text(draw, (MARGIN, 40), title, size=size, weight=700, fill=INK)
    subtitle, size = fit_line(spec.get("subtitle", ""), 26, 22, room, weight=400)
    draw_text(draw, (MARGIN, 100), subtitle, size=size, fill=MUTED)
    total = sum(int(r["value"]) for r in rows)
    biggest = max([int(r["value"]) for r in rows] + [1])
    for n, row in enumerate(rows):
        _row(draw, 150 + n * ROW, row, total, biggest)
    footer_y = 150 + ROW * len(rows) + 30
    draw.line((MARGIN, footer_y - 10, WIDTH - MARGIN, footer_y - 10), fill=TRACK, width=2)
    footer, size = fit_line(spec.get("footer", ""), 24, 20, WIDTH - 2 * MARGIN, weight=400)
    draw_text(draw, (MARGIN, footer_y + 10), footer, size=size, fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
