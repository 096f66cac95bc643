"""Rich menu pictures drawn with Pillow from the layouts: shop colour, logo, Thai labels, icons."""

from __future__ import annotations

import io
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from handlers.views import mixed_text
from handlers.views.thai_words import shortened
from handlers.views.thai_words import words as thai_words
from richmenus.icons import icon
from richmenus.layouts import Area, Bounds, Menu
from richmenus.look import INK, MUTED, RGB, WHITE, Look, font, mix

MAX_BYTES = 1024 * 1024
GAP = 20
RADIUS = 48
THAI_VOWELS_FIRST = "เแโใไ"
LABEL_SIZES = (110, 62)


def text_width(text: str, size: int, weight: int) -> int:
    return mixed_text.text_width(text, size, weight)


def fitted(text: str, size: int, weight: int, width: int) -> int:
    """The largest size up to `size` at which `text` fits in `width` pixels."""
    while size > 24 and text_width(text, size, weight) > width:
        size -= 4
    return size


def inset(bounds: Bounds, by: int) -> tuple[int, int, int, int]:
    return (
        bounds.x + by,
        bounds.y + by,
        bounds.x + bounds.width - by,
        bounds.y + bounds.height - by,
    )


def initial(name: str) -> str:
    """The letter standing for the shop when it has no logo (skipping Thai leading vowels)."""
    letters = [ch for ch in name if ch.isalnum() and ch not in THAI_VOWELS_FIRST]
    return letters[0].upper() if letters else "★"


def badge(look: Look, diameter: int) -> Image.Image:
    """The shop's logo in a white ring, or its initial on a white disc."""
    scale = 4
    big = diameter * scale
    disc = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(disc)
    draw.ellipse((0, 0, big - 1, big - 1), fill=WHITE)
    if look.logo is not None:
        ring = round(big * 0.06)
        logo = ImageOps.fit(_open_logo(look.logo), (big - 2 * ring, big - 2 * ring))
        mask = Image.new("L", logo.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, logo.width - 1, logo.height - 1), fill=255)
        disc.paste(logo, (ring, ring), mask)
    else:
        letter = initial(look.shop_name)
        ink = INK if look.light else look.strong
        draw.text(
            (big // 2, big // 2), letter, font=font(round(big * 0.5), 800), fill=ink, anchor="mm"
        )
    return disc.resize((diameter, diameter), Image.Resampling.LANCZOS)


def _open_logo(path: Path) -> Image.Image:
    with Image.open(path) as logo:
        logo.load()
        flat = Image.new("RGBA", logo.size, WHITE + (255,))
        flat.alpha_composite(logo.convert("RGBA"))
        return flat


def label_pair(
    draw: ImageDraw.ImageDraw,
    centre_x: int,
    top: int,
    area: Area,
    sizes: tuple[int, int],
    colors: tuple[RGB, RGB],
    width: int,
) -> None:
    """Thai label over its English sublabel, centred on `centre_x`, on fixed baselines.

    Baselines (not the ink's top) keep labels with tone marks level with those without.
    """
    th_size = fitted(area.button.th, sizes[0], 700, width)
    en_size = fitted(area.button.en, sizes[1], 500, width)
    th_base = top + round(sizes[0] * 0.88)
    en_base = th_base + round(sizes[0] * 0.36) + round(sizes[1] * 0.95)
    draw.text(
        (centre_x, th_base), area.button.th, font=font(th_size, 700), fill=colors[0], anchor="ms"
    )
    draw.text(
        (centre_x, en_base), area.button.en, font=font(en_size, 500), fill=colors[1], anchor="ms"
    )


def labels_height(sizes: tuple[int, int]) -> int:
    return round(sizes[0] * 1.24) + round(sizes[1] * 1.2)


def tile(canvas: Image.Image, area: Area, look: Look) -> None:
    """A card with the icon in a disc, the Thai label and the English one below it.

    Cards are white with a shop-coloured disc; a primary card (the cashier's most used
    button) is shop-coloured with a white disc, so it stands out.
    """
    draw = ImageDraw.Draw(canvas)
    box = inset(area.bounds, GAP)
    primary = area.button.primary
    card = look.strong if primary else WHITE
    disc_color, glyph_color = (
        (look.on_strong, look.strong) if primary else (look.strong, look.on_strong)
    )
    text = (look.on_strong, mix(look.on_strong, look.strong, 0.2)) if primary else (INK, MUTED)
    draw.rounded_rectangle(box, radius=RADIUS, fill=card, outline=look.edge, width=3)
    width, height = box[2] - box[0], box[3] - box[1]
    disc = min(250, round(height * 0.4))
    top = box[1] + (height - disc - 44 - labels_height(LABEL_SIZES)) // 2
    centre = box[0] + width // 2
    draw.ellipse((centre - disc // 2, top, centre + disc // 2, top + disc), fill=disc_color)
    glyph = icon(area.button.icon, round(disc * 0.58), glyph_color)
    canvas.alpha_composite(glyph, (centre - glyph.width // 2, top + (disc - glyph.height) // 2))
    label_pair(draw, centre, top + disc + 44, area, LABEL_SIZES, text, width - 120)


def tab(canvas: Image.Image, area: Area, look: Look) -> None:
    """A tab: the selected one joins the panel below (pale), the others sit on the shop colour."""
    draw = ImageDraw.Draw(canvas)
    b = area.bounds
    if area.selected:
        box = (b.x + 12, b.y + 36, b.x + b.width - 12, b.y + b.height + RADIUS)
        draw.rounded_rectangle(box, radius=RADIUS, fill=look.wash)
    ink = look.on_wash if area.selected else look.on_strong
    sub = MUTED if area.selected else mix(look.on_strong, look.strong, 0.25)
    glyph = icon(area.button.icon, 96, ink)
    th_size = fitted(area.button.th, 80, 700, b.width - 220)
    row_width = glyph.width + 28 + text_width(area.button.th, th_size, 700)
    left = b.x + (b.width - row_width) // 2
    middle = b.y + 36 + (b.height - 36) // 2 - 10
    canvas.alpha_composite(glyph, (left, middle - glyph.height // 2 - 4))
    text_x = left + glyph.width + 28
    draw.text((text_x, middle), area.button.th, font=font(th_size, 700), fill=ink, anchor="ls")
    draw.text((text_x, middle + 18), area.button.en, font=font(52, 500), fill=sub, anchor="lt")


def name_lines(name: str, size: int, width: int) -> tuple[list[str], int]:
    """The shop's name on one line, or two split at a space (else between Thai words), at the
    largest size that fits."""
    one = fitted(name, size, 700, width)
    words = name.split() if " " in name.strip() else list(thai_words(name))
    glue = " " if " " in name.strip() else ""
    if one >= size * 0.8 or len(words) < 2:
        return [name], one
    cuts = [(glue.join(words[:i]), glue.join(words[i:])) for i in range(1, len(words))]
    best = min(cuts, key=lambda pair: max(text_width(part, size, 700) for part in pair))
    two = min(fitted(part, size, 700, width) for part in best)
    return ([name], one) if one >= two * 1.1 else (list(best), two)


def brand(canvas: Image.Image, bounds: Bounds, look: Look, subtitle: str | None) -> None:
    """The logo (or initial) and the shop's name on the shop colour."""
    draw = ImageDraw.Draw(canvas)
    diameter = round(bounds.height * (0.64 if subtitle else 0.56))
    x = bounds.x + 60
    canvas.alpha_composite(badge(look, diameter), (x, bounds.y + (bounds.height - diameter) // 2))
    text_x = x + diameter + 40
    room = bounds.x + bounds.width - text_x - 40
    middle = bounds.y + bounds.height // 2
    if subtitle is None:
        lines, size = name_lines(look.shop_name, 76, room)
        first = middle + round(size * 0.35) - round((len(lines) - 1) * size * 0.6)
        for i, line in enumerate(lines):
            y = first + round(i * size * 1.25)
            line = shortened(line, lambda part: text_width(part, size, 700) <= room)
            mixed_text.draw_text(
                draw, (text_x, y), line, size=size, weight=700, fill=look.on_strong, anchor="ls"
            )
        return
    size = fitted(look.shop_name, 112, 700, room)
    name = shortened(look.shop_name, lambda part: text_width(part, size, 700) <= room)
    mixed_text.draw_text(
        draw,
        (text_x, middle + 8),
        name,
        size=size,
        weight=700,
        fill=look.on_strong,
        anchor="ls",
    )
    small = fitted(subtitle, 56, 500, room)
    faded = mix(look.on_strong, look.strong, 0.2)
    draw.text((text_x, middle + 30), subtitle, font=font(small, 500), fill=faded, anchor="lt")


HEADER_SUBTITLE = "สะสมแต้ม แลกของรางวัล · Member rewards"


def render(menu: Menu, look: Look) -> Image.Image:
    """The picture of `menu` at its full size (RGB)."""
    canvas = Image.new("RGBA", (menu.width, menu.height), look.wash + (255,))
    top = max((a.bounds.y + a.bounds.height for a in menu.areas if a.kind != "tile"), default=0)
    ImageDraw.Draw(canvas).rectangle((0, 0, menu.width, top - 1), fill=look.strong)
    if menu.brand is not None:
        look = replace(look, shop_name=mixed_text.drawable(look.shop_name) or "★")
        has_header = any(a.kind == "header" for a in menu.areas)
        brand(canvas, menu.brand, look, HEADER_SUBTITLE if has_header else None)
    for area in menu.areas:
        if area.kind == "tile":
            tile(canvas, area, look)
        elif area.kind == "tab":
            tab(canvas, area, look)
    return canvas.convert("RGB")


def encode(image: Image.Image) -> tuple[bytes, str]:
    """PNG (optimised) if under LINE's 1 MB, else JPEG; returns bytes and content type."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    if buffer.tell() <= MAX_BYTES:
        return buffer.getvalue(), "image/png"
    for quality in (92, 85, 75):
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=quality, optimize=True)
        if buffer.tell() <= MAX_BYTES:
            break
    return buffer.getvalue(), "image/jpeg"


@lru_cache(maxsize=32)
def picture(menu: Menu, look: Look) -> tuple[bytes, str]:
    """The encoded picture LINE receives for `menu` (kept: drawing takes half a second)."""
    return encode(render(menu, look))
